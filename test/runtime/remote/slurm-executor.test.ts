import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fixture, tsflow, type CliResult } from "../../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { datastoreAt, runIdFrom } from "../../_helpers/runs.js";
import { type SlurmCluster, startSlurm } from "../../_helpers/slurm-cluster.js";

const slurm = suite("SlurmExecutor");
let cluster: SlurmCluster;
let root = "";
slurm.before(async () => {
  cluster = await startSlurm("tss", 3);
});
slurm.after(async () => {
  await cluster.stop();
});
slurm.before.each(async () => {
  root = await makeTempDir();
});
slurm.after.each(async () => {
  await removeTempDir(root);
});

// The launcher runs on the controller "machine"; the root is a folder every node mounts (one filesystem here).
function launch(args: string[], env: NodeJS.ProcessEnv = {}, onStdout?: (soFar: string) => void): Promise<CliResult> {
  return tsflow(args, { root, netns: cluster.controller, env: { ...cluster.env, TSFLOW_SHARED_ROOT: "1", ...env }, ...(onStdout ? { onStdout } : {}) });
}

slurm("should run a 50-task foreach as one job array over the nodes, and resubmit a failed index (@retry)", async () => {
  const r = await launch(["run", fixture("slurm-fan.ts"), "--executor", "slurm"], { FAN_N: "50", FAIL_ONCE: "1" });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /total 40425 nodes n\d/);
  const runId = runIdFrom(r.stdout);
  const ds = datastoreAt(root);
  const ids = await ds.listTaskIds("SlurmFanFlow", runId, "each");
  assert.is(ids.length, 50);
  const arrays = new Set<string>();
  for (const id of ids) {
    const attempts = await ds.listAttempts("SlurmFanFlow", runId, "each", id);
    const done = await ds.readDone("SlurmFanFlow", runId, "each", id, attempts.at(-1)!);
    assert.is(done?.success, true);
    assert.match(done!.executor!, /^slurm:\d+(_\d+)?$/);
    if (attempts.length === 1) arrays.add(done!.executor!.replace(/_\d+$/, ""));
  }
  assert.is(arrays.size, 1, "the first attempts of the foreach are one job array");
  const join = await ds.readArtifacts("SlurmFanFlow", runId, "join", (await ds.listTaskIds("SlurmFanFlow", runId, "join"))[0]!, 0);
  assert.ok(join.nodes, "join recorded the nodes");
  const retried = [];
  for (const id of ids) if ((await ds.listAttempts("SlurmFanFlow", runId, "each", id)).length > 1) retried.push(id);
  assert.is(retried.length, 1, "exactly the failing index was resubmitted");
  assert.match(r.stdout + r.stderr, /index 3 fails its first attempt/);
});

slurm("should requeue the tasks of a node that died mid-task and finish the run", async () => {
  const run = launch(["run", fixture("slurm-fan.ts"), "--executor", "slurm"], { FAN_N: "6", SLOW_MS: "6000" });
  const ds = datastoreAt(root);
  // Wait until tasks run on node 2, then kill the node: its slurmd and the tasks on it.
  let onNode2 = false;
  for (let i = 0; i < 600 && !onNode2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    for (const runId of await ds.listRunIds("SlurmFanFlow").catch(() => [])) {
      for (const id of await ds.listTaskIds("SlurmFanFlow", runId, "each").catch(() => [])) {
        const log = await ds.readLog("SlurmFanFlow", runId, "each", id, 0, "stdout").catch(() => "");
        if (/on n2 /.test(log)) onNode2 = true;
      }
    }
  }
  assert.ok(onNode2, "a task started on n2");
  await cluster.killNode(2);
  const r = await run;
  await cluster.restartNode(2);
  assert.is(r.code, 0, r.stderr + r.stdout);
  const runId = runIdFrom(r.stdout);
  let requeued = 0;
  for (const id of await ds.listTaskIds("SlurmFanFlow", runId, "each")) {
    const attempts = await ds.listAttempts("SlurmFanFlow", runId, "each", id);
    const last = await ds.readDone("SlurmFanFlow", runId, "each", id, attempts.at(-1)!);
    assert.is(last?.success, true);
    if (attempts.length > 1) requeued++;
  }
  assert.ok(requeued >= 1, "a task of the dead node ran again as its next attempt");
});

slurm("should show a running task's output on the launcher before the task ends", async () => {
  // The task prints a line, then waits for the gate file, which is made only once the launcher printed the line.
  const gate = join(await makeTempDir(), "gate");
  let shownAt = 0;
  const r = await launch(["run", fixture("slurm-live.ts"), "--executor", "slurm"], { LIVE_GATE: gate }, (soFar) => {
    if (shownAt || !/\/wait\/\d+\] live line from n\d/.test(soFar)) return;
    shownAt = Date.now();
    writeFileSync(gate, "");
  });
  await removeTempDir(dirname(gate));
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.ok(shownAt, "the launcher showed the line");
  assert.is(r.stdout.match(/live line from/g)?.length, 1, "the line is shown once");
  assert.match(r.stdout, /\/wait\/\d+\] gate opened/);
});

slurm("should show a requeued task's output live too: the new attempt's, while it runs", async () => {
  // The first attempt prints a line and runs on; its node is killed once the launcher showed that line.
  // Slurm requeues the job, whose new attempt prints a line and waits for the gate, made once the
  // launcher showed that second line: a launcher that reads the new attempt's log only at its end
  // never opens the gate, and the attempt fails.
  const gate = join(await makeTempDir(), "gate");
  let node = 0;
  let killed: Promise<void> | undefined;
  let shownAt = 0;
  const r = await launch(["run", fixture("slurm-requeue-live.ts"), "--executor", "slurm"], { LIVE_GATE: gate }, (soFar) => {
    const first = /attempt 0 live on n(\d)/.exec(soFar);
    if (first && !killed) {
      node = Number(first[1]);
      killed = cluster.killNode(node);
    }
    if (shownAt || !/attempt 1 live on n\d/.test(soFar)) return;
    shownAt = Date.now();
    writeFileSync(gate, "");
  });
  await killed;
  if (node) await cluster.restartNode(node);
  await removeTempDir(dirname(gate));
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.ok(shownAt, "the launcher showed the requeued attempt's line");
  assert.is(r.stdout.match(/attempt 1 live on/g)?.length, 1, "the line is shown once");
  assert.match(r.stdout, /gate opened/);
  const ds = datastoreAt(root);
  const runId = runIdFrom(r.stdout);
  const [taskId] = await ds.listTaskIds("SlurmRequeueLiveFlow", runId, "wait");
  assert.equal(await ds.listAttempts("SlurmRequeueLiveFlow", runId, "wait", taskId!), [0, 1]);
});

slurm("should say when Slurm's commands are missing", async () => {
  const r = await tsflow(["run", fixture("slurm-fan.ts"), "--executor", "slurm"], { root, env: { TSFLOW_SHARED_ROOT: "1", PATH: "/nonexistent" } });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^Executor error: The Slurm command 'sbatch' is not on PATH: run tsflow on a machine of the cluster/m);
});

slurm("should refuse --slurm-option without the Slurm executor, and a value that is not an sbatch option", async () => {
  const alone = await tsflow(["run", fixture("slurm-fan.ts"), "--slurm-option=--account=lab"], { root });
  assert.is(alone.code, 2);
  assert.match(
    alone.stderr,
    /^Executor error: --slurm-option --account=lab passes an option to sbatch, which only the Slurm executor runs: add --executor slurm \(or slurm:<partition>\), or drop the --slurm-option\.$/m,
  );
  const bare = await launch(["run", fixture("slurm-fan.ts"), "--executor", "slurm", "--slurm-option", "account=lab"]);
  assert.is(bare.code, 2);
  assert.match(bare.stderr, /^Executor error: --slurm-option 'account=lab' is not an sbatch option: give one option with its value each time/m);
});

slurm.run();
