import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BIN, REPO, fixture, tsflow } from "../../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { datastoreAt, readTask, remoteTaskPids, runIdFrom } from "../../_helpers/runs.js";
import { type RedisServer, freeTcpPort, startRedis } from "../../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../../_helpers/workers.js";

// A folder root every "machine" here sees: the tests run launcher and workers on one host.
const SHARED = { TSFLOW_SHARED_ROOT: "1" };

const queue = suite("RedisExecutor");
let root = "";
let redis: RedisServer;
let workers: WorkerProcess[] = [];
queue.before.each(async () => {
  root = await makeTempDir();
  redis = await startRedis();
});
queue.after.each(async () => {
  await Promise.all(workers.map((w) => w.kill9()));
  workers = [];
  await redis.stop();
  await removeTempDir(root);
});

const cacheOf = (name: string) => ({ TSFLOW_CACHE_DIR: path.join(root, `cache-${name}`) });

queue("should run a foreach through two queue workers and record where each task ran", async () => {
  workers = [await startWorker(redis.url, { env: cacheOf("w1") }), await startWorker(redis.url, { env: cacheOf("w2") })];
  const r = await tsflow(["run", fixture("remote-fan.ts"), "--executor", redis.url], { root, env: SHARED });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /\[\d+\/each\/\d+ \(pid \d+\)\] item 7/);
  assert.match(r.stdout, /total 285/);
  assert.match(r.stdout, /Task finished successfully on \S+\./);
  const runId = runIdFrom(r.stdout);
  const { tasks, pids } = await remoteTaskPids(root, "FanFlow", runId, "each", "redis:tsflow");
  assert.is(tasks, 10);
  assert.ok(pids.size >= 2, `tasks ran in ${pids.size} process(es)`);
  assert.match(workers.map((w) => w.output()).join(""), /each\/\d+ attempt 0: succeeded/);
  const end = await readTask(root, "FanFlow", runId, "end");
  assert.match(end.stdout, /total 285/);
});

queue("should run a dead worker's task again as its next attempt, and finish the run", async () => {
  const doomed = await startWorker(redis.url, { env: { ...cacheOf("doomed"), SLOW_MS: "4000" }, concurrency: 4 });
  workers = [doomed];
  const launch = tsflow(["run", fixture("remote-slow.ts"), "--executor", redis.url], { root, env: SHARED });
  // Kill the only worker once it runs the foreach tasks; a second worker takes them over.
  for (let i = 0; i < 600 && !/each\/\d+ attempt 0: started/.test(doomed.output()); i++) await new Promise((r) => setTimeout(r, 100));
  await doomed.kill9();
  workers.push(await startWorker(redis.url, { env: { ...cacheOf("rescuer"), SLOW_MS: "100" } }));
  const r = await launch;
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /total 12/, r.stdout);
  const runId = runIdFrom(r.stdout);
  const ds = datastoreAt(root);
  let redelivered = 0;
  for (const id of await ds.listTaskIds("SlowFanFlow", runId, "each")) {
    const attempts = await ds.listAttempts("SlowFanFlow", runId, "each", id);
    const last = await ds.readDone("SlowFanFlow", runId, "each", id, attempts.at(-1)!);
    assert.is(last?.success, true);
    if (attempts.length > 1) {
      redelivered++;
      assert.is(await ds.readDone("SlowFanFlow", runId, "each", id, 0), undefined, "the lost attempt must not look finished");
    }
  }
  assert.ok(redelivered >= 1, "a task of the killed worker shows a second attempt");
});

queue("should run the code it was launched with while the file changes on disk", async () => {
  const dir = path.join(REPO, "test-output", `remote-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "versioned.ts");
  const source = readFileSync(fixture("remote-slow.ts"), "utf8").replace("console.log(`total", "console.log(`version 1 total");
  writeFileSync(file, source);
  workers = [await startWorker(redis.url, { env: { ...cacheOf("w1"), SLOW_MS: "1500" }, concurrency: 4 })];
  const launch = tsflow(["run", file, "--executor", redis.url], { root, env: SHARED });
  for (let i = 0; i < 600 && !/each\/\d+ attempt 0: started/.test(workers[0]!.output()); i++) await new Promise((r) => setTimeout(r, 100));
  writeFileSync(file, source.replace("version 1", "version 2"));
  const r = await launch;
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /version 1 total 12/);
  await removeTempDir(dir);
});

queue("should serve a new run of other code on another root with the same warm task processes, as the launcher's user", async () => {
  // One task process (concurrency 1), so every task of both runs must run in it, one after another.
  workers = [await startWorker(redis.url, { env: { ...cacheOf("w1"), TSFLOW_USER: "bob" }, concurrency: 1 })];
  const first = await tsflow(["run", fixture("remote-fan.ts"), "--executor", redis.url], { root, env: SHARED });
  assert.is(first.code, 0, first.stderr + first.stdout);
  const { pids } = await remoteTaskPids(root, "FanFlow", runIdFrom(first.stdout), "each", "redis:tsflow");
  assert.is(pids.size, 1, "concurrency 1: one task process");
  const other = await makeTempDir();
  try {
    const second = await tsflow(["run", fixture("remote-who.ts"), "--executor", redis.url], { root: other, env: SHARED, user: "alice" });
    assert.is(second.code, 0, second.stderr + second.stdout);
    const runId = runIdFrom(second.stdout);
    const after = await readTask(other, "WhoFlow", runId, "after");
    const start = await readTask(other, "WhoFlow", runId, "start");
    assert.equal([start.done?.pid, after.done?.pid], [...pids, ...pids], "the second run's tasks ran in the first run's process");
    // The worker's own user is bob; a task runs as its launcher, in the default namespace, whatever
    // the task before it in this process switched to.
    assert.equal(after.value("seen"), ["user:alice", "user:alice", "alice"]);
  } finally {
    await removeTempDir(other);
  }
});

queue("should retire a task process that has loaded its share of flows and go on in a fresh one", async () => {
  workers = [await startWorker(redis.url, { env: { ...cacheOf("w1"), TSFLOW_WORKER_MAX_FLOWS: "1" }, concurrency: 1 })];
  const pidsOf = async (file: string, flow: string, step: string) => {
    const r = await tsflow(["run", fixture(file), "--executor", redis.url], { root, env: SHARED });
    assert.is(r.code, 0, r.stderr + r.stdout);
    return (await remoteTaskPids(root, flow, runIdFrom(r.stdout), step, "redis:tsflow")).pids;
  };
  const first = await pidsOf("remote-fan.ts", "FanFlow", "each");
  const second = await pidsOf("remote-who.ts", "WhoFlow", "after");
  assert.is(first.size, 1);
  assert.not.equal([...second], [...first], "the process that loaded FanFlow retired after its task");
});

queue("should fail the task, naming the flow file and the host, when its code cannot load on the worker, and keep serving", async () => {
  workers = [await startWorker(redis.url, { env: cacheOf("w1"), concurrency: 1 })];
  const bad = await tsflow(["run", fixture("remote-load-fails.ts"), "--executor", redis.url], { root, env: SHARED });
  assert.is(bad.code, 1, bad.stderr + bad.stdout);
  assert.match(
    bad.stderr,
    /Task failed: ExecutorError: the task's job failed on the worker: Cannot load the run's code \(remote-load-fails\.ts, package [0-9a-f]{12}\) on \S+: needs a GPU driver this machine lacks/,
  );
  assert.not.match(bad.stderr, /\n\s+at /);
  const good = await tsflow(["run", fixture("remote-fan.ts"), "--executor", redis.url], { root, env: SHARED });
  assert.is(good.code, 0, good.stderr + good.stdout);
});

queue("should refuse a folder root that workers on other machines cannot reach", async () => {
  const r = await tsflow(["run", fixture("remote-fan.ts"), "--executor", redis.url], { root });
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /^Executor error: The datastore root .* is a folder on this machine, which workers on other machines cannot reach: use a shared root such as --datastore-root s3:\/\//m,
  );
  assert.not.match(r.stderr, /\n\s+at /);
});

queue("should say when Redis cannot be reached", async () => {
  const port = await freeTcpPort();
  const r = await tsflow(["run", fixture("remote-fan.ts"), "--executor", `redis://127.0.0.1:${port}/0`], { root, env: SHARED });
  assert.is(r.code, 2);
  assert.match(r.stderr, new RegExp(`Executor error: Cannot reach Redis at redis://127.0.0.1:${port}/0 \\(ECONNREFUSED\\)\\. Start it`));
  const w = await tsflow(["worker", "--executor", `redis://127.0.0.1:${port}/0`], { root });
  assert.is(w.code, 2);
  assert.match(w.stderr, /Cannot reach Redis/);
});

queue("should say when no worker takes the tasks, and remove them from the queue when interrupted", async () => {
  const child = spawn(process.execPath, [BIN, "run", fixture("remote-fan.ts"), "--executor", redis.url], {
    env: { ...process.env, ...SHARED, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, TSFLOW_PRODUCTION_TOKEN: "", TSFLOW_PICKUP_WARN_SECONDS: "1" },
  });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  for (let i = 0; i < 100 && !/No worker has taken/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(
    err,
    /No worker has taken a task from queue 'tsflow' at redis:\/\/127\.0\.0\.1:\d+\/0 for \d+ s\. Start one .*: tsflow worker --executor redis:\/\/127\.0\.0\.1:\d+\/0/,
  );
  child.kill("SIGINT");
  const [code] = await once(child, "exit");
  assert.is(code, 1);
  // A worker started now finds nothing of the interrupted run to do.
  workers = [await startWorker(redis.url, { env: cacheOf("late") })];
  await new Promise((r) => setTimeout(r, 1500));
  assert.not.match(workers[0]!.output(), /FanFlow\/\d+\/start/);
});

queue("should reject an executor it does not know", async () => {
  const r = await tsflow(["run", fixture("remote-fan.ts"), "--executor", "kubernetes"], { root });
  assert.is(r.code, 2);
  assert.match(r.stderr, /Unknown executor 'kubernetes': use local \(the default\), redis:\/\/host:6379\/0 or slurm\[:partition\]\./);
});

queue.run();
