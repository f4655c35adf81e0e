// Pins travel with a run: a flow whose tasks read PinSourceFlow's latestSuccessfulRun, launched under
// a pin file, sees the pinned run (not the newest) in every task, in the local worker pool
// (`tsflow run --pins`), on real `tsflow worker` processes over a real Redis (the CLI and `runFlow`),
// in process, and on resume; `tsflow show` and `run.launchPins()` say which pins a run launched with.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FlowSpec, Flow, closeClient, pinStatus, runFlow, step, useDatastore, usePins, PinError, PinFileError } from "tsflow";
import { PinReaderFlow } from "../_fixtures/flows/pin-reader.js";
import { spawnSync } from "node:child_process";
import { REPO, fixture, tsflow } from "../_helpers/cli.js";
import { keys } from "../../src/store/layout.js";
import { storeCodePackage } from "../../src/runtime/remote/code-package.js";
import type { RemoteTask } from "../../src/runtime/remote/remote-task.js";
import type { TaskSpec } from "../../src/runtime/task-spec.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { datastoreAt, readTask, runIdFrom } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { type RedisServer, startRedis } from "../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../_helpers/workers.js";

// A folder root every "machine" here sees: the tests run launcher and workers on one host.
const SHARED = { TSFLOW_SHARED_ROOT: "1" };
const READER = fixture("pin-reader.ts");

interface World {
  root: string;
  pinFile: string;
  /** The run the pin file pins, and the newest successful run (1 newer than the pinned one). */
  pinned: string;
  newest: string;
  redis: RedisServer;
  worker: WorkerProcess;
}

const runSource = async (root: string) => {
  const r = await tsflow(["run", fixture("pin-source.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  return runIdFrom(r.stdout);
};

async function makeWorld(): Promise<World> {
  const root = await makeTempDir();
  const pinned = await runSource(root);
  const newest = await runSource(root);
  const pinFile = join(root, "analysis.ipynb.tsflow-pins.json");
  const doc = { tsflow: "pins-1", pins: [{ flow: "PinSourceFlow", namespace: "user:alice", runId: pinned, pinnedAt: new Date().toISOString() }] };
  await writeFile(pinFile, JSON.stringify(doc));
  const redis = await startRedis();
  // The worker's own user is someone else: its tasks still ask in the launcher's namespace.
  const worker = await startWorker(redis.url, { env: { TSFLOW_CACHE_DIR: join(root, "cache"), TSFLOW_USER: "bob" } });
  return { root, pinFile, pinned, newest, redis, worker };
}

async function dropWorld(w: World): Promise<void> {
  await w.worker?.kill9();
  await w.redis?.stop();
  await removeTempDir(w.root);
}

const saw = (id: string, newer = 1) => `${id} pinned newer=${newer}`;

const cli = suite<World>("tsflow run --pins");
cli.before(async (ctx) => {
  Object.assign(ctx, await makeWorld());
});
cli.after((ctx) => dropWorld(ctx));
let pinnedRun = "";
cli("should give every task in the local worker pool the pins of --pins, not the newest run", async ({ root, pinFile, pinned, newest }) => {
  const r = await tsflow(["run", READER, "--pins", pinFile], { root });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, `first: ${saw(pinned)}; each: ${saw(pinned)}`);
  pinnedRun = runIdFrom(r.stdout);
  const plain = await tsflow(["run", READER], { root });
  assert.match(plain.stdout, `first: ${newest} unpinned; each: ${newest} unpinned`, "without --pins nothing is pinned");
});
cli("should record the pins with the run once, and show them", async ({ root, pinFile, pinned }) => {
  const ds = datastoreAt(root);
  const record = await ds.readRunPins("PinReaderFlow", pinnedRun);
  assert.equal(record?.pins, [{ flow: "PinSourceFlow", namespace: "user:alice", runId: pinned, pinnedAt: record!.pins[0]!.pinnedAt }]);
  assert.is(record?.source, pinFile);
  const shown = await tsflow(["show", `PinReaderFlow/${pinnedRun}`], { root });
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, `  pins       1 from ${pinFile}\n             PinSourceFlow/${pinned} in user:alice\n`);
});
cli("should give tasks on Redis workers the launcher's pins, in the launcher's namespace", async ({ root, pinFile, pinned, worker, redis }) => {
  const r = await tsflow(["run", READER, "--pins", pinFile, "--executor", redis.url], { root, env: SHARED });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, `first: ${saw(pinned)}; each: ${saw(pinned)}`);
  assert.match(worker.output(), /PinReaderFlow\/\d+\/fan\/\d+ attempt 0: succeeded/);
});
cli("should give the task of a batch job (what a Slurm array runs: tsflow-task) the run's pins", async ({ root, pinned }) => {
  // Slurm itself runs in test/runtime/remote/slurm-executor.test.ts; here the job's task entry runs
  // a batch written as the Slurm executor writes it: the start task of the pinned run, as attempt 1.
  const ds = datastoreAt(root);
  const code = await storeCodePackage(ds.storage, { file: READER }, "PinReaderFlow");
  const { taskId } = await readTask(root, "PinReaderFlow", pinnedRun, "start");
  const spec: TaskSpec = {
    ...{ flow: "PinReaderFlow", runId: pinnedRun, step: "start", taskId, attempt: 1, lastAttempt: true, parents: [] },
    ...{ foreachStack: [], foreachSources: [], lost: [], parameters: {}, username: "alice", identity: "user:alice", userTags: [], originRunId: null },
    pins: true,
  };
  const batch = keys.remoteBatch("PinReaderFlow", pinnedRun, "start-pins");
  await ds.storage.write(batch, JSON.stringify([{ root, code, spec } satisfies RemoteTask]));
  const job = spawnSync(process.execPath, [`${REPO}bin/tsflow-task.js`, "--root", root, "--batch", batch], {
    encoding: "utf8",
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, TSFLOW_USER: "bob", TSFLOW_CACHE_DIR: join(root, "cache-job") },
  });
  assert.is(job.status, 0, job.stderr + job.stdout);
  assert.is((await readTask(root, "PinReaderFlow", pinnedRun, "start", taskId)).value("first"), saw(pinned));
});
cli("should refuse a --pins file that does not exist or is not a pin file, before any run", async ({ root }) => {
  const before = (await datastoreAt(root).listRunIds("PinReaderFlow")).length;
  const missing = await tsflow(["run", READER, "--pins", join(root, "nope.json")], { root });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^Cannot pin: The pin file \S+nope\.json does not exist: give the pin file of a notebook or script/m);
  const bad = join(root, "bad-pins.json");
  await writeFile(bad, "{ oops");
  const broken = await tsflow(["run", READER, "--pins", bad], { root });
  assert.is(broken.code, 2);
  assert.match(broken.stderr, /^Bad pin file: \S+bad-pins\.json: is not JSON/m);
  for (const r of [missing, broken]) assert.not.match(r.stderr, /\n\s+at /);
  assert.is((await datastoreAt(root).listRunIds("PinReaderFlow")).length, before);
});
cli("should resume with the origin's pins, unless --pins or --no-pins says otherwise", async ({ root, pinFile, pinned }) => {
  const newer = await runSource(root);
  const kept = await tsflow(["resume", READER, "fan", "--origin-run-id", pinnedRun], { root });
  assert.is(kept.code, 0, kept.stderr + kept.stdout);
  assert.match(kept.stdout, `first: ${saw(pinned)}; each: ${saw(pinned, 2)}`, "start is cloned; the re-run tasks follow the origin's pins");
  const shown = await tsflow(["show", `PinReaderFlow/${runIdFrom(kept.stdout)}`], { root });
  assert.match(shown.stdout, `  pins       1 from ${pinFile}, kept from PinReaderFlow/${pinnedRun}\n`);
  const none = await tsflow(["resume", READER, "fan", "--origin-run-id", pinnedRun, "--no-pins"], { root });
  assert.is(none.code, 0, none.stderr + none.stdout);
  assert.match(none.stdout, `each: ${newer} unpinned`);
  assert.match((await tsflow(["show", `PinReaderFlow/${runIdFrom(none.stdout)}`], { root })).stdout, "  pins       -\n");
});
cli.run();

const lib = suite<World>("runFlow with pins");
lib.before(async (ctx) => {
  Object.assign(ctx, await makeWorld());
  process.env.TSFLOW_USER = "alice";
  process.env.TSFLOW_SHARED_ROOT = "1";
  useDatastore(ctx.root);
});
lib.after(async (ctx) => {
  usePins(null);
  delete process.env.TSFLOW_SHARED_ROOT;
  await closeClient();
  await dropWorld(ctx);
});
lib("should send the pins usePins chose to tasks on Redis workers", async ({ pinFile, pinned, redis }) => {
  usePins(pinFile);
  const run = await runFlow(PinReaderFlow, { executor: redis.url, code: { file: READER }, onEvent: () => {} });
  assert.is(await run.data.first, saw(pinned));
  assert.is(await run.data.each, saw(pinned));
  const launched = await run.launchPins();
  assert.equal(
    launched?.pins.map((p) => [p.pathspec, p.namespace]),
    [[`PinSourceFlow/${pinned}`, "user:alice"]],
  );
  assert.is(launched?.file, pinFile);
  assert.is(launched?.reusedFrom, null);
});
lib("should follow the run's pins in process too, with pinStatus naming the run", async ({ pinFile, pinned, newest }) => {
  usePins(pinFile);
  const statuses: unknown[] = [];
  class InProcessReader extends FlowSpec {
    seen = "";
    @step async start() {
      const run = (await Flow("PinSourceFlow").latestSuccessfulRun)!;
      statuses.push(pinStatus(run));
      this.seen = run.id;
      this.next(this.end);
    }
    @step end() {}
  }
  const run = await runFlow(InProcessReader, { onEvent: () => {} });
  assert.is(await run.data.seen, pinned);
  assert.equal(statuses, [{ pin: (await run.launchPins())!.pins[0], newerRuns: 1, file: pinFile, run: run.pathspec }]);
  const unpinned = await runFlow(InProcessReader, { pins: null, onEvent: () => {} });
  assert.is(await unpinned.data.seen, newest, "pins: null launches without pins");
  assert.is(await unpinned.launchPins(), null);
});
lib("should let a step's own usePins win in its process", async ({ root, pinned, newest }) => {
  const own = join(root, "own-pins.json");
  await writeFile(
    own,
    JSON.stringify({ tsflow: "pins-1", pins: [{ flow: "PinSourceFlow", namespace: "user:alice", runId: newest, pinnedAt: new Date().toISOString() }] }),
  );
  class OwnPins extends FlowSpec {
    seen = "";
    @step async start() {
      usePins(own);
      this.seen = (await Flow("PinSourceFlow").latestSuccessfulRun)!.id;
      this.next(this.end);
    }
    @step end() {}
  }
  const run = await runFlow(OwnPins, { onEvent: () => {} });
  assert.is(await run.data.seen, newest);
  assert.is((await run.launchPins())?.pins[0]?.runId, pinned, "the run still records the pins it was launched with");
});
lib("should refuse a pins file that is not there or not a pin file, before any run", async ({ root }) => {
  const before = (await datastoreAt(root).listRunIds("PinReaderFlow")).length;
  await rejects(runFlow(PinReaderFlow, { pins: join(root, "nope.json") }), PinError, "does not exist: give the pin file of a notebook or script");
  await writeFile(join(root, "bad.json"), '{ "tsflow": "pins-1" }');
  await rejects(runFlow(PinReaderFlow, { pins: join(root, "bad.json") }), PinFileError, 'has no "pins" list');
  usePins(join(root, "bad.json"));
  await rejects(runFlow(PinReaderFlow, { onEvent: () => {} }), PinFileError, 'has no "pins" list');
  assert.is((await datastoreAt(root).listRunIds("PinReaderFlow")).length, before);
});
lib.run();
