// %run --executor and runFlow({ executor }) through a real kernel and jupyter_client: a foreach flow
// defined in cells (with a helper in an earlier cell and cells with side effects that must not run
// again) fans out to real `tsflow worker` processes over a real Redis, on a root every process reaches.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openKernelSession, type KernelSession } from "../../../_helpers/jupyter-client.js";
import { cellsOf } from "../../../_helpers/kernel-cells.js";
import { makeTempDir, removeTempDir } from "../../../_helpers/tmp.js";
import { datastoreAt, remoteTaskPids } from "../../../_helpers/runs.js";
import { type RedisServer, startRedis } from "../../../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../../../_helpers/workers.js";
import { type SlurmCluster, startSlurm } from "../../../_helpers/slurm-cluster.js";

let s: KernelSession;
let root = "";
let redis: RedisServer;
let workers: WorkerProcess[] = [];
const { run, ok, of, text } = cellsOf(() => s);
const marks = () => readFileSync(join(root, "marks.txt"), "utf8").trim().split("\n");
const complete = async (code: string) => (await s.send({ op: "request", type: "complete", args: { code, cursor_pos: code.length } }))["reply"];

const fanout = suite("%run --executor");
fanout.before(async () => {
  root = await makeTempDir();
  writeFileSync(join(root, "marks.txt"), "");
  redis = await startRedis();
  const cache = (name: string) => ({ TSFLOW_CACHE_DIR: join(root, `cache-${name}`) });
  workers = await Promise.all([startWorker(redis.url, { env: cache("w1") }), startWorker(redis.url, { env: cache("w2") })]);
  s = await openKernelSession({ env: { TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(root, "ds"), TSFLOW_SHARED_ROOT: "1" } });
});
fanout.after(async () => {
  await s?.close();
  await Promise.all(workers.map((w) => w.kill9()));
  await redis?.stop();
  await removeTempDir(root);
});

fanout("should run a notebook flow's foreach in the worker processes, with only its cells' declarations", async () => {
  const mark = JSON.stringify(join(root, "marks.txt"));
  await ok(`import { FlowSpec, step } from "tsflow";\nimport { appendFileSync } from "node:fs";`);
  // A cell run by a cell magic declares names too.
  await ok(
    `%%with_namespace user:alice\nconst OFFSET = 1;\nfunction shifted(n: number): number { return n * n + OFFSET; }\nappendFileSync(${mark}, "helpers\\n");`,
  );
  await ok(`appendFileSync(${mark}, "side effect\\n");\nconsole.log("printed once");`);
  await ok(`class SquareFanFlow extends FlowSpec {
  items: number[] = [];
  value = 0;
  pid = 0;
  total = 0;
  @step start() { this.items = [1, 2, 3, 4, 5, 6]; this.next(this.each, { foreach: "items" }); }
  @step async each() {
    await new Promise((r) => setTimeout(r, 150));
    this.value = shifted(this.input as number);
    this.pid = process.pid;
    this.next(this.join);
  }
  @step join(inputs: Iterable<{ value: number }>) { this.total = [...inputs].reduce((a, i) => a + i.value, 0); this.next(this.end); }
  @step end() { console.log("total", this.total); }
}
appendFileSync(${mark}, "class cell\\n");`);
  const r = await ok(`%run SquareFanFlow --executor ${redis.url}`);
  assert.match(of(r, "update_display_data").at(-1).data["text/plain"], /succeeded · 9 tasks done, 0 running, 0 failed/);
  assert.match(text(r), /total 97/);
  const runId = /Run\('SquareFanFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";
  assert.ok(runId, text(r));
  const { tasks, pids } = await remoteTaskPids(join(root, "ds"), "SquareFanFlow", runId, "each", "redis:tsflow");
  assert.is(tasks, 6);
  assert.ok(pids.size >= 2, `tasks ran in ${pids.size} process(es)`);
  assert.match(workers.map((w) => w.output()).join(""), /each\/\d+ attempt 0: succeeded/);
  // Every cell's side effect happened once, in the kernel: none ran again on a worker.
  assert.equal(marks(), ["helpers", "side effect", "class cell"]);
  const total = await ok(`import { Run } from "tsflow";\nconst fanRun = await Run("SquareFanFlow/${runId}");\nawait fanRun.data.total`);
  assert.is(of(total, "execute_result")[0].data["text/plain"], "97");
});

fanout("should fan out from runFlow({ executor }) in the cell that defines the flow", async () => {
  const r = await ok(`import { runFlow } from "tsflow";
class TinyFanFlow extends FlowSpec {
  items = ["a", "b", "c"];
  out = "";
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.out = String(this.input).toUpperCase() + shifted(1); this.next(this.join); }
  @step join(inputs: Iterable<{ out: string }>) { this.out = [...inputs].map((i) => i.out).join(","); this.next(this.end); }
  @step end() {}
}
const tiny = await runFlow(TinyFanFlow, { executor: "${redis.url}" });
await tiny.data.out`);
  assert.match(text(r), /'A2,B2,C2'/);
  assert.match(of(r, "update_display_data").at(-1).data["text/plain"], /TinyFanFlow\/\d+ succeeded · 6 tasks done/);
  const runId = /TinyFanFlow\/(\d+)/.exec(of(r, "update_display_data").at(-1).data["text/plain"])![1]!;
  assert.is((await remoteTaskPids(join(root, "ds"), "TinyFanFlow", runId, "each", "redis:tsflow")).tasks, 3);
  assert.equal(marks(), ["helpers", "side effect", "class cell"]);
});

fanout("should send the notebook's pins with the run: the workers' tasks read the pinned run, not the newest", async () => {
  await ok(`class NbSourceFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}`);
  const sourceId = (r: Awaited<ReturnType<typeof ok>>) => /Run\('NbSourceFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])![1]!;
  const pinned = sourceId(await ok("%run NbSourceFlow"));
  await ok("%run NbSourceFlow");
  await ok(`%pin NbSourceFlow/${pinned}`);
  await ok(`import { Flow } from "tsflow";
class NbPinReaderFlow extends FlowSpec {
  items = [1, 2, 3];
  seen = "";
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step async each() { this.seen = (await Flow("NbSourceFlow").latestSuccessfulRun)?.id ?? "none"; this.next(this.join); }
  @step join(inputs: Iterable<{ seen: string }>) { this.seen = [...new Set([...inputs].map((i) => i.seen))].join(","); this.next(this.end); }
  @step end() {}
}`);
  const r = await ok(`%run NbPinReaderFlow --executor ${redis.url}`);
  const runId = /Run\('NbPinReaderFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])![1]!;
  assert.is((await remoteTaskPids(join(root, "ds"), "NbPinReaderFlow", runId, "each", "redis:tsflow")).tasks, 3);
  const seen = await ok(`import { Run } from "tsflow";\nconst pinReader = await Run("NbPinReaderFlow/${runId}");\nawait pinReader.data.seen`);
  assert.is(of(seen, "execute_result")[0].data["text/plain"], `'${pinned}'`);
  const recorded = await ok("(await pinReader.launchPins())?.pins.map((p) => p.pathspec)");
  assert.is(of(recorded, "execute_result")[0].data["text/plain"], `[ 'NbSourceFlow/${pinned}' ]`);
  await ok("%unpin NbSourceFlow");
});

fanout("should name a name the flow uses that no cell that ran declares (a magic's binding)", async () => {
  await ok("%%sql -o picked\nSELECT count(*) AS n FROM runs");
  await ok(`class RateFlow extends FlowSpec {
  x = 0;
  @step start() { this.x = picked.rows.length; this.next(this.end); }
  @step end() {}
}`);
  const r = await run(`%run RateFlow --executor ${redis.url}`);
  assert.is(r.reply.ename, "CellPackageError");
  assert.match(r.reply.evalue, /RateFlow needs 'picked' \(used in In\[\d+\]\), which no cell that ran declares/);
  assert.equal(r.reply.traceback, [`Cannot package the notebook's flow: ${r.reply.evalue}`]);
});

fanout("should complete --executor and its values", async () => {
  assert.ok((await complete("%run SquareFanFlow --ex")).matches.includes("--executor"));
  assert.equal((await complete("%run SquareFanFlow --executor ")).matches, ["local", "redis://127.0.0.1:6379/0", "slurm"]);
});
fanout("should stop a remote %run on interrupt, record the run as failed and keep the kernel", async () => {
  await ok(`class SlowRemoteFlow extends FlowSpec {
  @step async start() { console.log("sleeping on", process.pid); await new Promise((r) => setTimeout(r, 20_000)); this.next(this.end); }
  @step end() {}
}`);
  const r = await s.send({ op: "interrupt_during", code: `%run SlowRemoteFlow --executor ${redis.url}`, wait_for: "sleeping on" });
  assert.is(r["reply"].ename, "KeyboardInterrupt", JSON.stringify(r));
  const status = await ok(`import { listRuns } from "tsflow";
let slow = await listRuns("SlowRemoteFlow");
for (let i = 0; i < 200 && slow[0]?.toJSON().status !== "failed"; i++) {
  await new Promise((r) => setTimeout(r, 50));
  slow = await listRuns("SlowRemoteFlow");
}
slow.map((r) => r.toJSON().status)`);
  assert.is(of(status, "execute_result")[0].data["text/plain"], "[ 'failed' ]");
});
fanout.run();

const local = suite("%run --executor on a folder root");
local.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice", TSFLOW_SHARED_ROOT: "" } });
});
local.after(async () => {
  await s?.close();
});
local("should refuse a remote executor on a root only this machine reaches, with the CLI's advice", async () => {
  await ok(`import { FlowSpec, step } from "tsflow";\nclass LonelyFlow extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }`);
  const r = await run("%run LonelyFlow --executor redis://127.0.0.1:1/0");
  assert.is(r.reply.ename, "ExecutorError");
  assert.match(r.reply.evalue, /is a folder on this machine, which workers on other machines cannot reach: use a shared root such as --datastore-root s3:\/\//);
  const bad = await run("%run LonelyFlow --executor carrier-pigeon");
  assert.match(bad.reply.evalue, /Unknown executor 'carrier-pigeon': use local \(the default\), redis:\/\/host:6379\/0 or slurm\[:partition\]/);
});
local("should refuse --slurm-option without the Slurm executor, and a value that is not an sbatch option", async () => {
  const alone = await run("%run LonelyFlow --slurm-option=--account=lab");
  assert.is(alone.reply.ename, "ExecutorError");
  assert.is(
    alone.reply.evalue,
    "--slurm-option --account=lab passes an option to sbatch, which only the Slurm executor runs: add --executor slurm (or slurm:<partition>), or drop the --slurm-option.",
  );
  const bare = await run("%run LonelyFlow --executor slurm --slurm-option account=lab");
  assert.is(bare.reply.ename, "ExecutorError");
  assert.match(
    bare.reply.evalue,
    /^--slurm-option 'account=lab' is not an sbatch option: give one option with its value each time, as --slurm-option=--account=lab/,
  );
});
local.run();

// The kernel runs on the cluster's login node (the controller's namespace), as a notebook server there would.
const slurm = suite("%run --executor slurm --slurm-option");
let cluster: SlurmCluster;
slurm.before(async () => {
  root = await makeTempDir();
  cluster = await startSlurm("tsk", 3);
  s = await openKernelSession({
    netns: cluster.controller,
    env: { ...(cluster.env as Record<string, string>), TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(root, "ds"), TSFLOW_SHARED_ROOT: "1" },
  });
});
slurm.after(async () => {
  await s?.close();
  await cluster?.stop();
  await removeTempDir(root);
});
slurm("should pass each --slurm-option to sbatch: every task of the run on the node --nodelist names", async () => {
  await ok(`import { FlowSpec, step } from "tsflow";
class PinnedFlow extends FlowSpec {
  items = [1, 2, 3, 4];
  node = "";
  nodes: string[] = [];
  @step start() { this.node = String(process.env.SLURMD_NODENAME); this.next(this.each, { foreach: "items" }); }
  @step each() { this.node = String(process.env.SLURMD_NODENAME); this.next(this.join); }
  @step join(inputs: Iterable<{ node: string }>) { this.nodes = [...new Set([...inputs].map((i) => i.node))]; this.node = String(process.env.SLURMD_NODENAME); this.next(this.end); }
  @step end() { console.log("nodes", this.nodes.join(","), "join on", this.node); }
}`);
  // Slurm fills n1 first: without the option the tasks would run there.
  const r = await ok("%run PinnedFlow --executor slurm --slurm-option=--nodelist=n2 --slurm-option --job-name=pinned");
  assert.match(of(r, "update_display_data").at(-1).data["text/plain"], /succeeded · 7 tasks done/);
  assert.match(text(r), /nodes n2 join on n2/);
  const runId = /Run\('PinnedFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";
  const ds = datastoreAt(join(root, "ds"));
  const ids = await ds.listTaskIds("PinnedFlow", runId, "each");
  assert.is(ids.length, 4);
  for (const id of ids) assert.match((await ds.readDone("PinnedFlow", runId, "each", id, 0))!.executor!, /^slurm:\d+_\d$/);
});
slurm("should complete --slurm-option once the executor is Slurm, and common sbatch options after it", async () => {
  assert.not.ok((await complete("%run PinnedFlow --")).matches.includes("--slurm-option"));
  assert.ok((await complete("%run PinnedFlow --executor slurm --")).matches.includes("--slurm-option"));
  assert.ok((await complete("%run PinnedFlow --executor slurm --slurm-option ")).matches.includes("--account="));
  assert.equal((await complete("%run PinnedFlow --executor slurm --slurm-option=--ti")).matches, ["--slurm-option=--time="]);
});
slurm.run();
