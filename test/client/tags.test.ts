import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyTagEdit, planTagEdit } from "../../src/client/tags.js";
import { TaggingError } from "../../src/util/errors.js";

const SYSTEM = ["user:alice", "runtime:node"];

function throwsTagging(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TaggingError && (e as Error).message === message);
}

const plan = suite("planTagEdit");
plan("should deduplicate and drop system tags from additions", () => {
  assert.equal(planTagEdit(SYSTEM, ["a", "a", "user:alice"], []), { remove: [], add: ["a"] });
});
plan("should refuse removing system tags, listing them as Metaflow does", () => {
  throwsTagging(() => planTagEdit(SYSTEM, [], ["x", "user:alice"]), "Cannot remove a tag that is an existing system tag (['user:alice'])");
  throwsTagging(
    () => planTagEdit(SYSTEM, [], ["user:alice", "runtime:node"]),
    "Cannot remove a tag that is an existing system tag (['runtime:node', 'user:alice'])",
  );
});
plan("should refuse an empty edit, a bare string, empty and too long tags", () => {
  throwsTagging(() => planTagEdit(SYSTEM, [], []), "Must add or remove at least one tag");
  throwsTagging(() => planTagEdit(SYSTEM, undefined, undefined), "Must add or remove at least one tag");
  throwsTagging(() => planTagEdit(SYSTEM, "abc", []), "tags_to_add may not be a string");
  throwsTagging(() => planTagEdit(SYSTEM, [], "abc"), "tags_to_remove may not be a string");
  throwsTagging(() => planTagEdit(SYSTEM, [""], []), "Tags must not be empty string");
  throwsTagging(() => planTagEdit(SYSTEM, ["y".repeat(501)], []), "Tag is too long 501 > 500");
  assert.throws(
    () => planTagEdit(SYSTEM, [42], []),
    (e: unknown) => e instanceof TaggingError,
  );
});
plan("should let adding only system tags through as a no-op", () => {
  assert.equal(planTagEdit(SYSTEM, ["user:alice"], []), { remove: [], add: [] });
});
plan.run();

const apply = suite("applyTagEdit");
apply("should remove first, then add", () => {
  assert.equal(applyTagEdit(["a", "b"], { remove: ["a", "c"], add: ["a", "d"] }), ["b", "a", "d"]);
});
apply("should refuse growing past 50 tags", () => {
  const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
  throwsTagging(() => applyTagEdit(fifty, { remove: [], add: ["x"] }), "Cannot increase size of tag set beyond 50");
  assert.is(applyTagEdit(fifty, { remove: ["t0"], add: ["x"] }).length, 50);
});
apply("should let a set above 50 shrink or stay, never grow", () => {
  const many = Array.from({ length: 53 }, (_, i) => `t${i}`);
  assert.is(applyTagEdit(many, { remove: ["t0"], add: [] }).length, 52);
  assert.is(applyTagEdit(many, { remove: ["t0"], add: ["x"] }).length, 53);
  throwsTagging(() => applyTagEdit(many, { remove: [], add: ["x"] }), "Cannot increase size of tag set beyond 50");
});
apply.run();
