import { suite } from "uvu";
import * as assert from "uvu/assert";
import { diagnosticsError, isInterrupt, thrownError } from "../../../kernel/execute/error-content.js";
import { UsageError } from "../../../kernel/magics/usage-error.js";

const t = suite("thrownError");
t("should keep user frames and drop node internals", () => {
  const err = new TypeError("bad");
  err.stack =
    "TypeError: bad\n    at f (evalmachine.<anonymous>:3:9)\n    at evalmachine.<anonymous>:5:1\n    at Script.runInThisContext (node:vm:129:12)\n    at execute (/x/node_modules/tslab/dist/executor.js:1:1)\n    at g (/home/me/helpers.js:2:3)";
  assert.equal(thrownError(err), {
    ename: "TypeError",
    evalue: "bad",
    traceback: ["TypeError: bad", "    at f (cell)", "    at cell", "    at g (/home/me/helpers.js:2:3)"],
  });
});
t("should print user mistakes without a stack", () => {
  assert.equal(thrownError(new UsageError("unknown option --x", "%runs <Flow>")).traceback, ["UsageError: unknown option --x", "Usage: %runs <Flow>"]);
  const tsflow = Object.assign(new Error("nope"), { code: "NOT_FOUND", headline: "Object not found", name: "NotFoundError" });
  assert.equal(thrownError(tsflow), { ename: "NotFoundError", evalue: "nope", traceback: ["Object not found: nope"] });
});
t("should describe thrown non-errors and interrupts", () => {
  assert.equal(thrownError("boom"), { ename: "Error", evalue: "'boom'", traceback: ["Uncaught 'boom'"] });
  assert.is(thrownError(new Error("Interrupted asynchronously")).ename, "KeyboardInterrupt");
  assert.ok(isInterrupt(Object.assign(new Error("Script execution was interrupted by `SIGINT`"), { code: "ERR_SCRIPT_EXECUTION_INTERRUPTED" })));
});
t.run();

const d = suite("diagnosticsError");
d("should list every diagnostic as line:col - message", () => {
  assert.equal(
    diagnosticsError([
      { line: 2, column: 5, message: "m1" },
      { file: "helpers.ts", line: 1, column: 1, message: "m2" },
    ]),
    {
      ename: "TSError",
      evalue: "2:5 - m1",
      traceback: ["2:5 - m1", "helpers.ts 1:1 - m2"],
    },
  );
});
d.run();
