import { suite } from "uvu";
import * as assert from "uvu/assert";
import "../../src/client/index.js";
import { checkNamespace, runStateFor } from "../../src/client/run-state.js";
import { currentContext } from "../../src/client/context.js";
import { NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const state = suite<FixtureContext>("runStateFor");
useFixture(state);
state("should read the run's row once from the index and name the object asked for when missing", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"] });
  const ctx = currentContext();
  const before = fx.index.queries;
  const run = await runStateFor("Task", ctx, { parts: ["TeamCollabFlow", rec.runId, "end", "2"] });
  assert.is(fx.index.queries - before, 1);
  assert.equal(run.row.userTags, ["exp1"]);
  const again = await runStateFor("Step", ctx, { parts: ["TeamCollabFlow", rec.runId, "end"], run });
  assert.is(again, run);
  assert.is(fx.index.queries - before, 1);
  await rejects(runStateFor("Step", ctx, { parts: ["TeamCollabFlow", "9", "end"] }), NotFoundError, "Step('TeamCollabFlow/9/end') does not exist");
  await rejects(
    runStateFor("Task", ctx, { parts: ["TeamCollabFlow", "9", "end", "2"], attempt: 1 }),
    NotFoundError,
    "Task('TeamCollabFlow/9/end/2', attempt=1) does not exist",
  );
});
state("should refuse names that cannot exist without any I/O", async ({ fx }) => {
  await rejects(runStateFor("Run", currentContext(), { parts: ["TeamCollabFlow", "../x"] }), NotFoundError, "Run('TeamCollabFlow/../x') does not exist");
  assert.is(fx.index.queries, 0);
});
state.run();

const check = suite<FixtureContext>("checkNamespace");
useFixture(check);
check("should throw NamespaceMismatchError for a run outside a checked namespace only", async ({ fx }) => {
  const rec = await buildRun(fx, { user: "teammate" });
  const ctx = currentContext();
  const run = await runStateFor("Run", ctx, { parts: ["TeamCollabFlow", rec.runId] });
  assert.throws(
    () => checkNamespace(ctx, run),
    (e: unknown) => e instanceof NamespaceMismatchError && (e as Error).message === "Object not in namespace 'user:alice'",
  );
  checkNamespace({ ...ctx, check: false }, run);
  checkNamespace({ ...ctx, namespace: null }, run);
  checkNamespace({ ...ctx, namespace: "user:teammate" }, run);
});
check.run();
