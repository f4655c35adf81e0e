import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkAttempt, componentsValid, depthOf, isHidden, MAX_ATTEMPTS, MODEL, notFound, parsePathspec, renderObject } from "../../src/client/model.js";
import { InvalidPathspecError, NotFoundError } from "../../src/util/errors.js";

const model = suite("MODEL");
model("should chain Flow -> Run -> Step -> Task -> DataArtifact both ways", () => {
  assert.equal(
    [MODEL.Flow.child, MODEL.Run.child, MODEL.Step.child, MODEL.Task.child, MODEL.DataArtifact.child],
    ["Run", "Step", "Task", "DataArtifact", null],
  );
  for (const [kind, info] of Object.entries(MODEL)) if (info.child) assert.is(MODEL[info.child].parent, kind);
  assert.is(MODEL.Flow.parent, null);
});
model("should allow attempts for Task and DataArtifact only", () => {
  assert.equal(
    Object.entries(MODEL)
      .filter(([, i]) => i.attempts)
      .map(([k]) => k),
    ["Task", "DataArtifact"],
  );
  assert.is(MAX_ATTEMPTS, 6);
});
model.run();

const depth = suite("depthOf");
depth("should count pathspec components", () => {
  assert.equal((["Flow", "Run", "Step", "Task", "DataArtifact"] as const).map(depthOf), [1, 2, 3, 4, 5]);
});
depth.run();

const parse = suite("parsePathspec");
parse("should split a pathspec of the right arity", () => {
  assert.equal(parsePathspec("Task", "F/1/end/2"), ["F", "1", "end", "2"]);
});
parse("should throw Metaflow's exact messages for every kind", () => {
  const cases = {
    Flow: "Expects Flow('FlowName')",
    Run: "Expects Run('FlowName/RunID')",
    Step: "Expects Step('FlowName/RunID/StepName')",
    Task: "Expects Task('FlowName/RunID/StepName/TaskID')",
    DataArtifact: "Expects DataArtifact('FlowName/RunID/StepName/TaskID/ArtifactName')",
  } as const;
  for (const [kind, message] of Object.entries(cases)) {
    for (const bad of ["", "a/b/c/d/e/f", "F//x", 7]) {
      assert.throws(
        () => parsePathspec(kind as keyof typeof cases, bad),
        (e: unknown) => e instanceof InvalidPathspecError && (e as Error).message === message,
      );
    }
  }
});
parse.run();

const attempt = suite("checkAttempt");
attempt("should pass undefined and valid attempts through", () => {
  assert.is(checkAttempt("Task", undefined), undefined);
  assert.is(checkAttempt("Task", 0), 0);
  assert.is(checkAttempt("DataArtifact", 5), 5);
});
attempt("should throw Metaflow's messages in Metaflow's order", () => {
  const check = (kind: "Run" | "Task", a: unknown, message: string) =>
    assert.throws(
      () => checkAttempt(kind, a),
      (e: unknown) => e instanceof NotFoundError && (e as Error).message === message,
    );
  check("Run", 0, "Attempts can only be specified for Task or DataArtifact");
  check("Task", 1.5, "Attempt can only be an integer");
  check("Task", "2", "Attempt can only be an integer");
  check("Task", -1, "Attempt can only be non-negative");
  check("Task", 6, "Attempt can only be smaller than 6");
});
attempt.run();

const render = suite("renderObject");
render("should render Class('pathspec') with an optional attempt", () => {
  assert.is(renderObject("Run", "F/1"), "Run('F/1')");
  assert.is(renderObject("Task", "F/1/s/2", 3), "Task('F/1/s/2', attempt=3)");
});
render.run();

const nf = suite("notFound");
nf("should say the object does not exist", () => {
  const e = notFound("Run", "TeamCollabFlow/999");
  assert.ok(e instanceof NotFoundError);
  assert.is(e.message, "Run('TeamCollabFlow/999') does not exist");
  assert.is(e.headline, "Object not found");
});
nf.run();

const hidden = suite("isHidden");
hidden("should hide names starting with _", () => {
  assert.ok(isHidden("_parameters"));
  assert.not.ok(isHidden("start"));
});
hidden.run();

const valid = suite("componentsValid");
valid("should accept names that can exist and refuse the rest", () => {
  assert.ok(componentsValid(["F", "123", "end", "2", "x"]));
  assert.not.ok(componentsValid(["F", "abc"]));
  assert.not.ok(componentsValid(["F", "1", "..", "2"]));
  assert.not.ok(componentsValid(["my-flow"]));
});
valid.run();
