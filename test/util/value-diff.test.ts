import { suite } from "uvu";
import * as assert from "uvu/assert";
import { diffValues, sameValue } from "../../src/util/value-diff.js";

const diff = suite("diffValues");
diff("should list changed, added and removed paths inside objects and arrays", () => {
  const { changes, truncated } = diffValues({ a: 1, b: [1, 2, 3], c: { d: "x" }, gone: true }, { a: 2, b: [1, 2], c: { d: "x", e: null }, "odd key": 1 });
  assert.equal(changes, [
    { path: "$.a", kind: "changed", a: 1, b: 2 },
    { path: "$.b[2]", kind: "removed", a: 3 },
    { path: "$.c.e", kind: "added", b: null },
    { path: "$.gone", kind: "removed", a: true },
    { path: '$["odd key"]', kind: "added", b: 1 },
  ]);
  assert.is(truncated, false);
});
diff("should compare Maps, Sets, Dates, bigints and bytes by content", () => {
  const a = { m: new Map([["k", 1]]), s: new Set([1, 2]), d: new Date(5), n: 1n, bytes: new Uint8Array([1, 2]) };
  assert.equal(diffValues(a, { m: new Map([["k", 1]]), s: new Set([1, 2]), d: new Date(5), n: 1n, bytes: new Uint8Array([1, 2]) }).changes, []);
  const changed = diffValues(a, { m: new Map([["k", 2]]), s: new Set([1]), d: new Date(6), n: 2n, bytes: new Uint8Array([1, 3]) }).changes;
  assert.equal(
    changed.map((c) => `${c.path} ${c.kind}`),
    ["$.m.k changed", "$.s[1] removed", "$.d changed", "$.n changed", "$.bytes changed"],
  );
});
diff("should report a change of kind at the path where it happens", () => {
  assert.equal(diffValues({ x: [1] }, { x: { 0: 1 } }).changes, [{ path: "$.x", kind: "changed", a: [1], b: { 0: 1 } }]);
  assert.equal(diffValues(1, "1").changes, [{ path: "$", kind: "changed", a: 1, b: "1" }]);
});
diff("should stop at maxChanges and say so", () => {
  const { changes, truncated } = diffValues(
    Array.from({ length: 10 }, (_, i) => i),
    Array.from({ length: 10 }, (_, i) => -i - 1),
    { maxChanges: 3 },
  );
  assert.is(changes.length, 3);
  assert.is(truncated, true);
});
diff.run();

const same = suite("sameValue");
same("should be true exactly when diffValues finds nothing", () => {
  assert.is(sameValue({ a: [1, { b: NaN }] }, { a: [1, { b: NaN }] }), true);
  assert.is(sameValue({ a: [1] }, { a: [1, 2] }), false);
  assert.is(sameValue(null, undefined), false);
});
same.run();
