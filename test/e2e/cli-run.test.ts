import { suite } from "uvu";
import * as assert from "uvu/assert";
import { example, fixture, tsflow } from "../_helpers/cli.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { datastoreAt, readTask, runIdFrom } from "../_helpers/runs.js";

const run = suite("tsflow run");
let root = "";
run.before.each(async () => {
  root = await makeTempRoot();
});
run.after.each(async () => {
  await removeTempRoot(root);
});

run("should run TeamCollabFlow, stream Metaflow-style logs and persist the choice", async () => {
  const r = await tsflow(["run", example("team-collab.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /tsflow \S+ executing TeamCollabFlow for user:alice/);
  assert.match(r.stdout, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[\d+\/start\/1 \(pid \d+\)\] current\.username: alice/);
  assert.match(r.stdout, /current\.namespace: user:alice/);
  const runId = runIdFrom(r.stdout);
  const end = await readTask(root, "TeamCollabFlow", runId, "end");
  assert.ok([1, 2, 3, 4, 5].includes(end.value("choice") as number));
  assert.is(end.done!.success, true);
  assert.match(end.stdout, /Random choice was \d/);
  const rec = await datastoreAt(root).readRun("TeamCollabFlow", runId);
  assert.ok(rec!.systemTags.includes("user:alice"));
  assert.ok(rec!.systemTags.includes("runtime:node"));
});

run("should join branches with inputs by step name and mergeArtifacts", async () => {
  const r = await tsflow(["run", fixture("branch-join.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /total=12 shared=same/);
  const join = await readTask(root, "BranchFlow", runIdFrom(r.stdout), "join");
  assert.equal(
    join.task!.parents.map((p) => p.split("/")[0]),
    ["a", "b"],
  );
  assert.not.ok("x" in join.refs);
});

run("should run nested foreach with input, index and ordered inputs", async () => {
  const r = await tsflow(["run", fixture("foreach.ts"), "--max-workers", "2"], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /a1@0,a2@1,b1@0,b2@1,c1@0,c2@1/);
  const ds = datastoreAt(root);
  const runId = runIdFrom(r.stdout);
  assert.is((await ds.listTaskIds("ForeachFlow", runId, "inner")).length, 6);
  const ids = (await Promise.all((await ds.listSteps("ForeachFlow", runId)).map((s) => ds.listTaskIds("ForeachFlow", runId, s)))).flat();
  assert.is(new Set(ids).size, ids.length, "task ids are unique within a run");
});

run("should take parameters from the command line and refuse bad ones before creating a run", async () => {
  const ok = await tsflow(["run", fixture("params.ts"), "--count", "4", "--name", "bob", "--config", '{"b":2}'], { root });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /\["bob",4,0.5,false,\{"b":2\},"alice-derived-value"\]/);
  const before = await datastoreAt(root).listRunIds("ParamFlow");
  const missing = await tsflow(["run", fixture("params.ts")], { root });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^Invalid parameter: Missing option '--count'/m);
  assert.not.match(missing.stderr, /\n\s+at /, "no stack trace for a user's mistake");
  const wrong = await tsflow(["run", fixture("params.ts"), "--count", "x"], { root });
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, /'--count': "x" is not a valid integer/);
  assert.equal(await datastoreAt(root).listRunIds("ParamFlow"), before);
  const assign = await tsflow(["run", fixture("params.ts"), "--count", "1"], { root, env: { ASSIGN_PARAM: "1" } });
  assert.is(assign.code, 1);
  assert.match(assign.stdout + assign.stderr, /Parameters are not modifiable/);
});

run("should show parameters in --help", async () => {
  const r = await tsflow(["run", fixture("params.ts"), "--help"], { root });
  assert.is(r.code, 0);
  assert.match(r.stdout, /--count <integer>/);
  assert.match(r.stdout, /who to greet/);
});

run("should retry, catch and time out as the decorators say", async () => {
  const r = await tsflow(["run", fixture("decorators.ts")], { root });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const runId = runIdFrom(r.stdout);
  const start = await readTask(root, "DecoratedFlow", runId, "start");
  assert.equal(start.attempts, [0, 1]);
  assert.match(start.stdout, /attempt 1/);
  const risky = await readTask(root, "DecoratedFlow", runId, "risky");
  assert.is(risky.done!.success, true);
  assert.equal((risky.value("err") as any).type, "TypeError");
  const slow = await tsflow(["run", fixture("decorators.ts")], { root, env: { SLOW_MS: "5000" } });
  assert.is(slow.code, 1);
  assert.match(slow.stderr, /timed out after 1 s/);
  const spin = await tsflow(["run", fixture("decorators.ts")], { root, env: { SLOW_MS: "60000", SPIN: "1" } });
  assert.is(spin.code, 1, "a step that never returns is killed");
  assert.match(spin.stderr, /killed after its @timeout/);
});

run("should resume a failed run, cloning what succeeded", async () => {
  const failed = await tsflow(["run", fixture("fail-resume.ts")], { root, env: { FAIL_AT: "2" } });
  assert.is(failed.code, 1);
  const origin = runIdFrom(failed.stdout);
  const end = await datastoreAt(root).listTaskIds("ResumeFlow", origin, "end");
  assert.is(end.length, 0, "a failed run has no end task");
  const resumed = await tsflow(["resume", fixture("fail-resume.ts"), "--origin-run-id", origin], { root });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Cloning previously run task/);
  assert.match(resumed.stdout, new RegExp(`sum=60 origin=${origin}`));
  const runId = runIdFrom(resumed.stdout);
  const rec = await datastoreAt(root).readRun("ResumeFlow", runId);
  assert.is(rec!.originRunId, origin);
  const start = await readTask(root, "ResumeFlow", runId, "start");
  assert.is(start.task!.originTaskId, "start/1");
});

run("should resume your own latest run by default, not a teammate's newer one", async () => {
  const mine = await tsflow(["run", fixture("fail-resume.ts")], { root, user: "alice", env: { FAIL_AT: "2" } });
  assert.is(mine.code, 1);
  const theirs = await tsflow(["run", fixture("fail-resume.ts")], { root, user: "bob", env: { FAIL_AT: "3" } });
  assert.is(theirs.code, 1);
  const resumed = await tsflow(["resume", fixture("fail-resume.ts")], { root, user: "alice" });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`Resuming ResumeFlow/${runIdFrom(mine.stdout)}`));
  assert.match(resumed.stdout, new RegExp(`sum=60 origin=${runIdFrom(mine.stdout)}`));
  const nobody = await tsflow(["resume", fixture("fail-resume.ts")], { root, user: "carol" });
  assert.is(nobody.code, 2);
  assert.match(nobody.stderr, /ResumeFlow has no run in namespace user:carol to resume: run it first with tsflow run, or name a run with --origin-run-id/);
});

run("should fail alone the task whose worker exits, and report the run failed", async () => {
  const r = await tsflow(["run", fixture("crash.ts"), "--max-workers", "2"], { root, env: { CRASH_AT: "2" } });
  assert.is(r.code, 1);
  assert.match(r.stderr, /exited \(code 7\)/);
  const ds = datastoreAt(root);
  const runId = runIdFrom(r.stdout);
  const status = await ds.readStatus("CrashFlow", runId);
  assert.is(status!.state, "failed");
  const outcomes = await Promise.all((await ds.listTaskIds("CrashFlow", runId, "work")).map((t) => ds.readDone("CrashFlow", runId, "work", t, 0)));
  assert.is(outcomes.filter((o) => o && !o.success).length, 1);
  assert.ok(outcomes.filter((o) => o?.success).length >= 1);
});

run("should give two runs started at once different ids", async () => {
  const [a, b] = await Promise.all([tsflow(["run", example("team-collab.ts")], { root }), tsflow(["run", example("team-collab.ts")], { root })]);
  assert.is(a.code, 0);
  assert.is(b.code, 0);
  assert.is.not(runIdFrom(a.stdout), runIdFrom(b.stdout));
  assert.is((await datastoreAt(root).listRunIds("TeamCollabFlow")).length, 2);
});

run("should reject bad flow files with exit code 2 and a clear message", async () => {
  const cases: [string[], RegExp][] = [
    [["run", fixture("bad-graph.ts")], /Step \*middle\* does not call this.next\(\)/],
    [["run", fixture("two-flows.ts")], /exports 2 flows \(FirstFlow, SecondFlow\): choose one with --flow/],
    [["run", fixture("syntax-error.ts")], /Cannot load flow file syntax-error.ts/],
    [["run", fixture("nope.ts")], /No such flow file/],
    [["run", example("team-collab.ts"), "--tag", ""], /Tags must not be empty string/],
  ];
  for (const [args, message] of cases) {
    const r = await tsflow(args, { root });
    assert.is(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  const two = await tsflow(["run", fixture("two-flows.ts"), "--flow", "SecondFlow"], { root });
  assert.is(two.code, 0, two.stderr);
});

run("should show a flow's graph and docs", async () => {
  const r = await tsflow(["show", example("team-collab.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Step start\n\s+Prints who runs the flow and in which namespace.\n\s+=> end/);
});
run.run();
