import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CellLog } from "../../../kernel/execute/cell-log.js";

const log = suite("CellLog");
log("should list the cells in execution order, a re-run cell moved to the end under its new label", () => {
  const cells = new CellLog();
  cells.add("const a = 1;", "In[1]");
  cells.add("const b = 2;", "In[2]");
  cells.add("const a = 1;", "In[3]");
  assert.equal(cells.list(), [
    { source: "const b = 2;", label: "In[2]" },
    { source: "const a = 1;", label: "In[3]" },
  ]);
});
log.run();
