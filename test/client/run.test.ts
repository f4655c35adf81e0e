import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { Flow, Run, Step, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError, TaggingError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const run = suite<FixtureContext>("Run");
useFixture(run);
run("should reject a bad pathspec with Expects Run('FlowName/RunID') before any I/O", async ({ fx }) => {
  for (const p of ["TeamCollabFlow", "TeamCollabFlow/1/start", "TeamCollabFlow/", "/1"]) {
    await rejects(Run(p), InvalidPathspecError, "Expects Run('FlowName/RunID')");
  }
  assert.is(fx.index.queries, 0);
});
run("should refuse an attempt", async () => {
  const withAttempt = Run as unknown as (p: string, o: { attempt: number }) => Promise<unknown>;
  await rejects(withAttempt("TeamCollabFlow/1", { attempt: 0 }), NotFoundError, "Attempts can only be specified for Task or DataArtifact");
});
run("should reject a missing run with NotFoundError, even outside the namespace", async ({ fx }) => {
  await buildRun(fx, { user: "teammate" });
  await rejects(Run("TeamCollabFlow/999"), NotFoundError, "Run('TeamCollabFlow/999') does not exist");
  await rejects(Run("TeamCollabFlow/abc"), NotFoundError, "Run('TeamCollabFlow/abc') does not exist");
  namespace("nosuch:tag");
  await rejects(Run("TeamCollabFlow/999"), NotFoundError, "Run('TeamCollabFlow/999') does not exist");
});
run("should reject another namespace's run with NamespaceMismatchError, and read it in the global one", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate", artifacts: { choice: 4 } });
  await rejects(Run(`TeamCollabFlow/${theirs.runId}`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  namespace(null);
  const r = await Run(`TeamCollabFlow/${theirs.runId}`);
  assert.is(await r.data.choice, 4);
  assert.is(r.namespace, null);
});
run("should show as Run('Flow/id') in toString, inspect and a plain toJSON", async ({ fx }) => {
  const rec = await buildRun(fx);
  const r = await Run(`TeamCollabFlow/${rec.runId}`);
  assert.ok(r instanceof Run);
  assert.is(String(r), `Run('TeamCollabFlow/${rec.runId}')`);
  assert.is(inspect(r), `Run('TeamCollabFlow/${rec.runId}')`);
  const json = JSON.parse(JSON.stringify(r));
  assert.is(json.kind, "Run");
  assert.is(json.pathspec, `TeamCollabFlow/${rec.runId}`);
  assert.is(json.successful, true);
  assert.ok(json.tags.includes("user:alice"));
});
run("should carry system and user tags", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"] });
  const r = await Run(`TeamCollabFlow/${rec.runId}`);
  assert.ok(r.systemTags.includes("user:alice"));
  assert.ok(r.systemTags.includes("runtime:node"));
  assert.equal(r.userTags, ["exp1"]);
  assert.equal(r.tags, [...r.systemTags, "exp1"].sort());
});
run("should report success, failure and a run still going", async ({ fx }) => {
  const ok = await Run(`TeamCollabFlow/${(await buildRun(fx)).runId}`);
  assert.ok(ok.successful && ok.finished);
  assert.instance(ok.finishedAt, Date);
  const failed = await Run(`TeamCollabFlow/${(await buildRun(fx, { outcome: "failure" })).runId}`);
  assert.not.ok(failed.successful || failed.finished);
  const going = await Run(`TeamCollabFlow/${(await buildRun(fx, { outcome: "running" })).runId}`);
  assert.not.ok(going.successful || going.finished);
  assert.is(going.finishedAt, null);
  assert.ok((await going.endTask) !== null);
});
run("should give a null end task and data when the end step never ran", async ({ fx }) => {
  const r = await Run(`TeamCollabFlow/${(await buildRun(fx, { outcome: "no-end" })).runId}`);
  assert.is(await r.endTask, null);
  assert.is(await r.data, null);
  assert.not.ok(r.successful || r.finished);
  await rejects(r.data.choice!, NotFoundError, /has no end task .*'choice'/);
});
run("should read the end task's artifacts with one await each, lazily and once", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 5, big: [1, 2, 3] } });
  const r = await Run(`TeamCollabFlow/${rec.runId}`);
  assert.is(fx.objects.reads.length, 0);
  assert.is(await r.data.choice, 5);
  assert.is(fx.objects.reads.length, 1);
  assert.is(await r.data.choice, 5);
  assert.is(fx.objects.reads.length, 1);
  const data = (await r.data)!;
  assert.ok("choice" in data);
  assert.not.ok("_task_info" in data);
  assert.equal(Object.keys(data), ["big", "choice", "name"]);
  assert.is(await data.name, "TeamCollabFlow");
});
run("should reject a missing artifact naming the ones that exist", async ({ fx }) => {
  const r = await Run(`TeamCollabFlow/${(await buildRun(fx, { artifacts: { choice: 5 } })).runId}`);
  const err = await rejects(r.data.nope!, NotFoundError, "Artifact 'nope' does not exist in Task(");
  assert.match(err.message, /it has: choice, name/);
  await rejects(r.data._task_info!, NotFoundError, "Artifact '_task_info' does not exist");
});
run("should iterate steps newest first, hiding _parameters yet reaching it by name", async ({ fx }) => {
  const r = await Run(`TeamCollabFlow/${(await buildRun(fx, { params: { alpha: 0.5 } })).runId}`);
  const names: string[] = [];
  for await (const s of r) names.push(s.id);
  assert.equal(names, ["end", "start"]);
  assert.ok(await r.has("_parameters"));
  const p = await r.get("_parameters");
  assert.is(p.id, "_parameters");
  assert.ok(p instanceof Step);
  await rejects(r.get("nosuch"), NotFoundError, `Step('TeamCollabFlow/${r.id}/nosuch') does not exist`);
  assert.not.ok(await r.has("nosuch"));
});
run("should give the parameters by name", async ({ fx }) => {
  const r = await Run(`TeamCollabFlow/${(await buildRun(fx, { params: { alpha: 0.5, who: "me" } })).runId}`);
  assert.equal(await r.parameters, { alpha: 0.5, who: "me" });
});
run("should give originPathspec for a resumed run only", async ({ fx }) => {
  const first = await buildRun(fx, { outcome: "failure" });
  const resumed = await buildRun(fx, { originRunId: first.runId });
  assert.is((await Run(`TeamCollabFlow/${first.runId}`)).originPathspec, null);
  assert.is((await Run(`TeamCollabFlow/${resumed.runId}`)).originPathspec, `TeamCollabFlow/${first.runId}`);
});
run("should give its Flow as parent without a namespace check", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  namespace(null);
  const r = await Run(`TeamCollabFlow/${theirs.runId}`);
  namespace("user:alice");
  const parent = await r.parent;
  assert.ok(parent instanceof Flow);
  assert.is(String(parent), "Flow('TeamCollabFlow')");
});
run("should keep its namespace after a switch, while isInNamespace follows the current one", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  namespace("user:teammate");
  const r = await Run(`TeamCollabFlow/${theirs.runId}`);
  namespace("user:alice");
  assert.is(r.namespace, "user:teammate");
  const steps: string[] = [];
  for await (const s of r) steps.push(s.id);
  assert.equal(steps, ["end", "start"]);
  assert.not.ok(await r.isInNamespace());
  namespace("user:teammate");
  assert.ok(await r.isInNamespace());
});
run.run();

const tags = suite<FixtureContext>("Run tags");
useFixture(tags);
async function freshRun(fx: FixtureContext["fx"], userTags: string[] = []) {
  const rec = await buildRun(fx, { tags: userTags });
  return Run(`TeamCollabFlow/${rec.runId}`);
}
tags("should add, remove and replace tags, updating the run in place", async ({ fx }) => {
  const r = await freshRun(fx);
  assert.is(await r.addTag("a"), undefined);
  await r.addTags(["b", "c"]);
  assert.equal(r.userTags, ["a", "b", "c"]);
  await r.removeTag("b");
  await r.removeTags(["c", "never-there"]);
  assert.equal(r.userTags, ["a"]);
  await r.replaceTag("a", "z");
  await r.replaceTags(["z"], ["x", "y"]);
  assert.equal(r.userTags, ["x", "y"]);
  assert.ok(r.tags.includes("x") && r.tags.includes("user:alice"));
  assert.equal((await Run(r.pathspec)).userTags, ["x", "y"]);
});
tags("should make a new tag usable as a namespace", async ({ fx }) => {
  const r = await freshRun(fx);
  await r.addTag("exp1");
  namespace("exp1");
  assert.is((await Flow("TeamCollabFlow").latestRun)?.id, r.id);
});
tags("should show a tag edit on the steps, tasks and artifacts made from the run", async ({ fx }) => {
  const r = await freshRun(fx);
  const step = await r.get("end");
  const task = (await step.task)!;
  await r.addTag("later");
  assert.ok(step.userTags.includes("later"));
  assert.ok(task.tags.includes("later"));
  assert.ok((await task.get("name")).userTags.includes("later"));
});
tags("should ignore adding an existing system tag", async ({ fx }) => {
  const r = await freshRun(fx);
  await r.addTag("user:alice");
  assert.equal(r.userTags, []);
  assert.ok(r.tags.includes("user:alice"));
});
tags("should refuse to remove a system tag with Metaflow's message", async ({ fx }) => {
  const r = await freshRun(fx, ["mine"]);
  await rejects(r.removeTag("user:alice"), TaggingError, "Cannot remove a tag that is an existing system tag (['user:alice'])");
  await rejects(r.replaceTag("user:alice", "x"), TaggingError, "Cannot remove a tag that is an existing system tag (['user:alice'])");
  assert.equal((await Run(r.pathspec)).userTags, ["mine"]);
});
tags("should refuse empty and too long tags", async ({ fx }) => {
  const r = await freshRun(fx);
  await rejects(r.addTag(""), TaggingError, "Tags must not be empty string");
  await rejects(r.addTag("x".repeat(501)), TaggingError, "Tag is too long 501 > 500");
  await r.addTag("x".repeat(500));
  assert.is(r.userTags.length, 1);
});
tags("should refuse an edit with nothing to add or remove, and a bare string", async ({ fx }) => {
  const r = await freshRun(fx);
  await rejects(r.addTags([]), TaggingError, "Must add or remove at least one tag");
  await rejects(r.replaceTags([], []), TaggingError, "Must add or remove at least one tag");
  await rejects(r.addTags("abc"), TaggingError, "tags_to_add may not be a string");
});
tags("should refuse a 51st user tag, yet let a set above 50 shrink", async ({ fx }) => {
  const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
  const r = await freshRun(fx, fifty);
  await rejects(r.addTag("one-more"), TaggingError, "Cannot increase size of tag set beyond 50");
  await r.replaceTag("t0", "swapped");
  assert.is(r.userTags.length, 50);
  const over = await freshRun(fx, [...fifty, "t50", "t51"]);
  await over.removeTag("t51");
  assert.is(over.userTags.length, 51);
  await rejects(over.addTag("again"), TaggingError, "Cannot increase size of tag set beyond 50");
});
tags("should never lose a tag when several processes edit at once", async ({ fx }) => {
  const r = await freshRun(fx);
  const worker = fileURLToPath(new URL("../_helpers/tag-worker.ts", import.meta.url));
  const procs = [0, 1, 2].map(
    (p) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", worker, fx.root, r.pathspec, ...[0, 1, 2, 3].map((i) => `p${p}-${i}`)], { stdio: "inherit" });
        child.on("error", reject);
        child.on("close", (code) => resolve(code ?? 1));
      }),
  );
  const local = Promise.all([0, 1, 2, 3].map((i) => r.addTag(`local-${i}`)));
  assert.equal(await Promise.all(procs), [0, 0, 0]);
  await local;
  const after = await Run(r.pathspec);
  assert.is(after.userTags.length, 16);
});
tags.run();
