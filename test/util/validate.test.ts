import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertArtifactName, assertFlowName, assertRunId, assertTag, assertNamespace } from "../../src/util/validate.js";
import { InvalidNameError, TaggingError } from "../../src/util/errors.js";

const names = suite("assertFlowName");
names("should accept identifiers", () => {
  assert.is(assertFlowName("TeamCollabFlow"), "TeamCollabFlow");
});
names("should refuse names that could escape the root", () => {
  for (const bad of ["", "..", "a/b", "/etc", "a\u0000b", "x".repeat(129), "1abc", "Flоw" /* cyrillic o */]) {
    assert.throws(
      () => assertFlowName(bad),
      (e: unknown) => e instanceof InvalidNameError,
      bad,
    );
  }
});
names.run();

const runIds = suite("assertRunId");
runIds("should accept digits only", () => {
  assert.is(assertRunId("1795770905508901"), "1795770905508901");
  assert.throws(
    () => assertRunId("../1"),
    (e: unknown) => e instanceof InvalidNameError,
  );
});
runIds.run();

const tags = suite("assertTag");
tags("should apply Metaflow's rules and messages", () => {
  assert.throws(
    () => assertTag(""),
    (e: any) => e instanceof TaggingError && e.message === "Tags must not be empty string",
  );
  assert.throws(
    () => assertTag("x".repeat(501)),
    (e: any) => e.message === "Tag is too long 501 > 500",
  );
  assert.throws(
    () => assertTag("a\nb"),
    (e: any) => e.code === "TAGGING",
  );
  assert.is(assertTag("x".repeat(500)).length, 500);
});
tags.run();

const ns = suite("assertNamespace");
ns("should accept null, the empty string and tags", () => {
  assert.is(assertNamespace(null), null);
  assert.is(assertNamespace(""), "");
  assert.is(assertNamespace("user:alice"), "user:alice");
  assert.throws(
    () => assertNamespace("a\u0007"),
    (e: unknown) => e instanceof InvalidNameError,
  );
});
ns.run();

const artifactNames = suite("assertArtifactName");
artifactNames("should accept plain JavaScript identifiers, '$' included", () => {
  for (const name of ["choice", "_task_info", "$x", "a1", "x".repeat(128)]) assert.is(assertArtifactName(name), name);
});
artifactNames("should refuse anything else with InvalidNameError saying what is allowed", () => {
  for (const name of ["my choice", "a-b", "1st", "", "x".repeat(129), "../x", "größe", 7]) {
    assert.throws(
      () => assertArtifactName(name),
      (e: any) =>
        e.code === "INVALID_NAME" &&
        /^Artifact name .* is not valid: use letters, digits, '_' and '\$', not starting with a digit, at most 128 characters\.$/.test(e.message),
      String(name),
    );
  }
});
artifactNames.run();
