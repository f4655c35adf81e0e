import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Flow, listFlows, listNamespaces, listRuns, namespace, querySql } from "../../src/client/index.js";
import { InvalidNameError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

async function seed(fx: FixtureContext["fx"]) {
  const a1 = await buildRun(fx, { artifacts: { choice: 5 } });
  const a2 = await buildRun(fx, { flow: "AccessOtherNamespace", tags: ["exp1"] });
  const t1 = await buildRun(fx, { user: "teammate", artifacts: { choice: 4 }, tags: ["exp1"] });
  const a3 = await buildRun(fx, { outcome: "failure" });
  return { a1, a2, t1, a3 };
}

const flows = suite<FixtureContext>("listFlows");
useFixture(flows);
flows("should list the flows with a run in the namespace, silently omitting the others", async ({ fx }) => {
  await seed(fx);
  assert.equal((await listFlows()).map(String), ["Flow('AccessOtherNamespace')", "Flow('TeamCollabFlow')"]);
  namespace("user:teammate");
  const mine = await listFlows();
  assert.equal(
    mine.map((f) => f.id),
    ["TeamCollabFlow"],
  );
  assert.ok(mine[0] instanceof Flow);
  namespace("nosuch:tag");
  assert.equal(await listFlows(), []);
  namespace("");
  assert.equal(await listFlows(), []);
  namespace(null);
  assert.is((await listFlows()).length, 2);
});
flows("should take the namespace as an option", async ({ fx }) => {
  await seed(fx);
  assert.equal(
    (await listFlows({ namespace: "user:teammate" })).map((f) => f.id),
    ["TeamCollabFlow"],
  );
  assert.equal(
    (await listFlows({ namespace: "exp1" })).map((f) => f.id),
    ["AccessOtherNamespace", "TeamCollabFlow"],
  );
  await rejects(listFlows({ namespace: 3 as unknown as string }), InvalidNameError, "Namespace must be a string or null");
});
flows("should give an empty list on an empty root", async () => {
  assert.equal(await listFlows(), []);
});
flows.run();

const runs = suite<FixtureContext>("listRuns");
useFixture(runs);
runs("should list runs of the namespace newest first", async ({ fx }) => {
  const { a1, a3 } = await seed(fx);
  assert.equal(
    (await listRuns("TeamCollabFlow")).map((r) => r.id),
    [a3.runId, a1.runId],
  );
});
runs("should filter by namespace, tags, success, limit and offset", async ({ fx }) => {
  const { a1, t1, a3 } = await seed(fx);
  const ids = async (o: Parameters<typeof listRuns>[1]) => (await listRuns("TeamCollabFlow", o)).map((r) => r.id);
  assert.equal(await ids({ namespace: null }), [a3.runId, t1.runId, a1.runId]);
  assert.equal(await ids({ namespace: null, tags: ["exp1"] }), [t1.runId]);
  assert.equal(await ids({ successfulOnly: true }), [a1.runId]);
  assert.equal(await ids({ namespace: null, limit: 2 }), [a3.runId, t1.runId]);
  assert.equal(await ids({ namespace: null, limit: 1, offset: 2 }), [a1.runId]);
  assert.equal(await ids({ namespace: "user:teammate" }), [t1.runId]);
});
runs("should give no runs for a flow that does not exist, in one query", async ({ fx }) => {
  await seed(fx);
  const before = fx.index.queries;
  assert.equal(await listRuns("NoSuchFlow"), []);
  assert.is(fx.index.queries - before, 1);
});
runs("should give runs read in the namespace asked for", async ({ fx }) => {
  await seed(fx);
  const [run] = await listRuns("TeamCollabFlow", { namespace: "user:teammate" });
  assert.is(run?.namespace, "user:teammate");
  assert.is(await run?.data.choice, 4);
});
runs.run();

const namespaces = suite<FixtureContext>("listNamespaces");
useFixture(namespaces);
namespaces("should list every tag in use with its run count", async ({ fx }) => {
  await seed(fx);
  const counts = Object.fromEntries((await listNamespaces()).map((n) => [n.namespace, n.runs]));
  assert.is(counts["user:alice"], 3);
  assert.is(counts["user:teammate"], 1);
  assert.is(counts.exp1, 2);
  assert.is(counts["runtime:node"], 4);
});
namespaces.run();

const sql = suite<FixtureContext>("querySql");
useFixture(sql);
sql("should query the index in the current namespace by default", async ({ fx }) => {
  await seed(fx);
  const count = async (o?: Parameters<typeof querySql>[1]) => Number((await querySql("SELECT count(*) FROM runs", o)).rows[0]![0]);
  assert.is(await count(), 3);
  assert.is(await count({ namespace: null }), 4);
  namespace("user:teammate");
  assert.is(await count(), 1);
  const res = await querySql("SELECT flow, run_id FROM runs");
  assert.equal(res.columns, ["flow", "run_id"]);
});
sql.run();
