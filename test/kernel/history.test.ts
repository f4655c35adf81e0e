import { suite } from "uvu";
import * as assert from "uvu/assert";
import { History } from "../../kernel/history.js";

const h = suite("History");
const filled = () => {
  const x = new History();
  ["a = 1", "b = 2", "a = 1", "c"].forEach((input, i) => {
    x.add({ line: i + 1, input });
  });
  x.setOutput(4, "3");
  return x;
};
h("should answer tail, range and search like IPython", () => {
  assert.equal(filled().query({ hist_access_type: "tail", n: 2 }), [
    [1, 3, "a = 1"],
    [1, 4, "c"],
  ]);
  assert.equal(filled().query({ hist_access_type: "tail", n: 1, output: true }), [[1, 4, ["c", "3"]]]);
  assert.equal(filled().query({ hist_access_type: "range", session: 0, start: 2, stop: 4 }), [
    [1, 2, "b = 2"],
    [1, 3, "a = 1"],
  ]);
  assert.equal(filled().query({ hist_access_type: "search", pattern: "a*" }), [
    [1, 1, "a = 1"],
    [1, 3, "a = 1"],
  ]);
  assert.equal(filled().query({ hist_access_type: "search", pattern: "a*", unique: true }), [[1, 3, "a = 1"]]);
});
h.run();
