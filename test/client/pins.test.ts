import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFile, writeFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { Flow, Run, namespace } from "../../src/client/index.js";
import { getPinFile, listPins, pin, pinStatus, pinsForLaunch, unpin, usePins, PinError, PinFileError } from "../../src/client/pins.js";
import { runWithTask, type TaskInfo } from "../../src/flow/current.js";
import { NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

// The pin file sits in a local folder of its own, beside the "notebook": the datastore root may be on S3.
type Ctx = FixtureContext & { dir: string; file: string };

function withPins(s: ReturnType<typeof suite<Ctx>>): void {
  useFixture(s);
  s.before.each(async (ctx) => {
    ctx.dir = await makeTempDir("tsflow-pins-");
    ctx.file = join(ctx.dir, "analysis.ipynb.tsflow-pins.json");
    usePins(ctx.file);
  });
  s.after.each(async (ctx) => {
    usePins(null);
    await removeTempDir(ctx.dir);
  });
}

const latest = async () => (await Flow("TeamCollabFlow").latestSuccessfulRun)!;

const pinSuite = suite<Ctx>("pin");
withPins(pinSuite);
pinSuite("should make latestSuccessfulRun return the pinned run while newer runs arrive", async ({ fx, file }) => {
  const first = await buildRun(fx, { artifacts: { choice: 1 } });
  const made = await pin("TeamCollabFlow");
  assert.equal([made.flow, made.namespace, made.runId, made.pathspec], ["TeamCollabFlow", "user:alice", first.runId, `TeamCollabFlow/${first.runId}`]);
  await buildRun(fx, { artifacts: { choice: 2 } });
  await buildRun(fx, { artifacts: { choice: 3 } });
  await buildRun(fx, { outcome: "failure" });
  const run = await latest();
  assert.is(run.id, first.runId);
  assert.is(await run.data.choice, 1);
  assert.is(pinStatus(run)?.newerRuns, 2, "two newer successful runs (the failed one does not count)");
  assert.is(pinStatus(run)?.file, file);
  const viaObject = (await (await Flow("TeamCollabFlow")).latestSuccessfulRun)!;
  assert.is(viaObject.id, first.runId, "FlowObject.latestSuccessfulRun follows the pin too");
  assert.is((await Flow("TeamCollabFlow").latestRun)!.status, "failed", "latestRun is not pinned");
  const saved = JSON.parse(await readFile(file, "utf8"));
  assert.equal(saved.tsflow, "pins-1");
  assert.equal(
    saved.pins.map((p: { runId: string }) => p.runId),
    [first.runId],
  );
});
pinSuite("should pin a run named by pathspec, and move a pin when pinned again", async ({ fx }) => {
  const older = await buildRun(fx);
  const newer = await buildRun(fx);
  await pin(`TeamCollabFlow/${older.runId}`);
  assert.is((await latest()).id, older.runId);
  assert.is(pinStatus(await latest())?.newerRuns, 1);
  await pin("TeamCollabFlow");
  assert.is((await latest()).id, newer.runId, "pinning the flow again gives the newest, not the pinned run");
  assert.is(pinStatus(await latest())?.newerRuns, 0);
  assert.is((await listPins()).length, 1);
});
pinSuite("should accept a flow class and refuse what cannot be pinned", async ({ fx }) => {
  const failed = await buildRun(fx, { outcome: "failure" });
  class TeamCollabFlow {}
  await rejects(pin(TeamCollabFlow), PinError, "TeamCollabFlow has no successful run in namespace user:alice: nothing to pin");
  await rejects(pin(`TeamCollabFlow/${failed.runId}`), PinError, "is failed, not successful");
  await rejects(pin("NoSuchFlow"), NotFoundError, "Flow('NoSuchFlow') does not exist");
  await buildRun(fx, { user: "bob" });
  const bobs = (await fx.ds.listRunIds("TeamCollabFlow")).find((id) => id !== failed.runId)!;
  await rejects(pin(`TeamCollabFlow/${bobs}`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  assert.equal(await listPins(), [], "nothing was pinned");
});
pinSuite("should keep pins per namespace", async ({ fx }) => {
  const alices = await buildRun(fx, { user: "alice" });
  const bobs = await buildRun(fx, { user: "bob" });
  await pin("TeamCollabFlow");
  await buildRun(fx, { user: "alice" });
  namespace("user:bob");
  const bobLatest = await latest();
  assert.is(bobLatest.id, bobs.runId, "in bob's namespace the flow is not pinned");
  assert.is(pinStatus(bobLatest), undefined);
  await pin("TeamCollabFlow");
  namespace(null);
  assert.is(pinStatus(await latest()), undefined, "the global namespace has no pin");
  namespace("user:alice");
  assert.is((await latest()).id, alices.runId);
  assert.equal(
    (await listPins()).map((p) => p.namespace),
    ["user:alice", "user:bob"],
  );
});
pinSuite("should fail clearly when the pinned run left the namespace or the datastore", async ({ fx, file }) => {
  const tagged = await buildRun(fx, { tags: ["exp1"] });
  namespace("exp1");
  await pin("TeamCollabFlow");
  namespace(null);
  await (await Run(`TeamCollabFlow/${tagged.runId}`)).removeTag("exp1");
  namespace("exp1");
  await rejects(
    latest(),
    NamespaceMismatchError,
    `TeamCollabFlow is pinned to run TeamCollabFlow/${tagged.runId} (in ${file}), which is no longer in namespace 'exp1'`,
  );
  const doc = JSON.parse(await readFile(file, "utf8"));
  doc.pins[0].runId = "123";
  await writeFile(file, JSON.stringify(doc));
  await rejects(latest(), PinError, 'which does not exist in this datastore: unpin it with unpin("TeamCollabFlow")');
});
pinSuite.run();

const unpinSuite = suite<Ctx>("unpin");
withPins(unpinSuite);
unpinSuite("should remove the pin of the current namespace only", async ({ fx }) => {
  await buildRun(fx);
  await pin("TeamCollabFlow");
  const newer = await buildRun(fx);
  const removed = await unpin("TeamCollabFlow");
  assert.is(removed.flow, "TeamCollabFlow");
  assert.is((await latest()).id, newer.runId);
  assert.equal(await listPins(), []);
});
unpinSuite("should say where a flow is pinned when it is not pinned here", async ({ fx }) => {
  await buildRun(fx);
  await pin("TeamCollabFlow");
  namespace("user:bob");
  await rejects(unpin("TeamCollabFlow"), PinError, "TeamCollabFlow is not pinned in namespace user:bob; it is pinned in user:alice: switch there to unpin it");
  await rejects(unpin("Other"), PinError, "Other is not pinned in namespace user:bob.");
});
unpinSuite.run();

const usePinsSuite = suite<Ctx>("usePins");
withPins(usePinsSuite);
usePinsSuite("should turn pins off with null and on again with the file", async ({ fx, file }) => {
  const first = await buildRun(fx);
  await pin("TeamCollabFlow");
  const newer = await buildRun(fx);
  assert.is(usePins(null), null);
  assert.is(getPinFile(), null);
  assert.is((await latest()).id, newer.runId);
  assert.is(usePins(file), file);
  assert.is((await latest()).id, first.runId);
});
usePinsSuite("should default to tsflow-pins.json in the working directory", async () => {
  usePins(null);
  assert.is(usePins(), join(process.cwd(), "tsflow-pins.json"));
  usePins(null);
});
usePinsSuite("should let a script in another process read the runs the notebook pinned", async ({ fx, file }) => {
  const first = await buildRun(fx, { artifacts: { choice: 4 } });
  await pin("TeamCollabFlow");
  await buildRun(fx, { artifacts: { choice: 5 } });
  const script = `import { Flow, usePins, useDatastore, pinStatus } from "tsflow";
useDatastore(${JSON.stringify(fx.root)}); usePins(${JSON.stringify(file)});
const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
console.log(JSON.stringify({ id: run.id, choice: await run.data.choice, newer: pinStatus(run).newerRuns }));`;
  const out = await node(["--conditions=tsflow-source", "--import", "tsx", "--input-type=module", "-e", script], { TSFLOW_USER: "alice" });
  assert.equal(JSON.parse(out), { id: first.runId, choice: 4, newer: 1 });
});
usePinsSuite("should refuse a URL: a pin file is local even when the root is on S3", async ({ file }) => {
  await rejects(
    () => usePins("s3://team-bucket/tsflow/analysis.ipynb.tsflow-pins.json"),
    PinError,
    "a pin file is a local file (beside the notebook), not a URL",
  );
  assert.is(getPinFile(), file, "the active pin file is unchanged");
});
usePinsSuite("should refuse a bad pin file with PinFileError naming the file and the problem", async ({ fx, dir, file }) => {
  await buildRun(fx);
  const cases: [string, string][] = [
    ["{ not json", "is not JSON"],
    ["[]", "is not a pin file"],
    [JSON.stringify({ tsflow: "pins-9", pins: [] }), 'has format "pins-9", expected "pins-1"'],
    [JSON.stringify({ tsflow: "pins-1" }), 'has no "pins" list'],
    [
      JSON.stringify({ tsflow: "pins-1", pins: [{ flow: "../x", namespace: null, runId: "1", pinnedAt: "2026-01-01T00:00:00Z" }] }),
      'pins[0] has no valid "flow"',
    ],
    [
      JSON.stringify({ tsflow: "pins-1", pins: [{ flow: "F", namespace: null, runId: "1/2", pinnedAt: "2026-01-01T00:00:00Z" }] }),
      'pins[0] has no valid "runId"',
    ],
    [
      JSON.stringify({ tsflow: "pins-1", pins: [{ flow: "F", namespace: 3, runId: "1", pinnedAt: "2026-01-01T00:00:00Z" }] }),
      'pins[0] has no valid "namespace"',
    ],
    [JSON.stringify({ tsflow: "pins-1", pins: [{ flow: "F", namespace: null, runId: "1", pinnedAt: "yesterday" }] }), 'pins[0] has no valid "pinnedAt"'],
    [
      JSON.stringify({ tsflow: "pins-1", pins: [1, 2].map((n) => ({ flow: "F", namespace: "a", runId: String(n), pinnedAt: "2026-01-01T00:00:00Z" })) }),
      "pins F twice in namespace a",
    ],
  ];
  for (const [text, problem] of cases) {
    await writeFile(file, text);
    const err = await rejects(latest(), PinFileError, `${file}: ${problem}`);
    assert.ok(err.message.endsWith("Fix the file, or delete it to drop every pin."), err.message);
    await rejects(pin("TeamCollabFlow"), PinFileError, problem);
    assert.is(await readFile(file, "utf8"), text, "a bad file is never overwritten");
  }
  assert.equal(
    (await readdir(dir)).filter((n) => n.includes("tsflow-pins")),
    ["analysis.ipynb.tsflow-pins.json"],
    "no temporary file left",
  );
});
usePinsSuite.run();

function node(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "",
      err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

// What the runtime gives a task's `current` (pins: the run's launch pins, read when first asked).
const taskOf = (pins: TaskInfo["pins"]): TaskInfo => ({
  flowName: "ReaderFlow",
  runId: "1",
  stepName: "start",
  taskId: "1",
  username: "alice",
  namespace: "user:alice",
  tags: [],
  retryCount: 0,
  originRunId: null,
  isProduction: false,
  parameterNames: [],
  pins,
});

const launchSuite = suite<Ctx>("pinsForLaunch");
withPins(launchSuite);
launchSuite("should give a task its run's launch pins, not what the pin file says later", async ({ fx, dir, file }) => {
  const older = await buildRun(fx);
  const newer = await buildRun(fx);
  await pin(`TeamCollabFlow/${older.runId}`);
  const record = await pinsForLaunch();
  assert.equal(
    record?.pins.map((p) => p.runId),
    [older.runId],
  );
  assert.is(record?.source, file);
  await unpin("TeamCollabFlow");
  const inTask = await runWithTask(
    taskOf(async () => record),
    async () => [await latest(), await listPins()] as const,
  );
  assert.is(inTask[0].id, older.runId);
  assert.equal(pinStatus(inTask[0]), { pin: inTask[1][0], newerRuns: 1, file, run: "ReaderFlow/1" });
  assert.is((await latest()).id, newer.runId, "outside the task the process's (now empty) pin file applies");
  const noPins = await runWithTask(
    taskOf(async () => undefined),
    () => latest(),
  );
  assert.is(noPins.id, newer.runId, "a run launched without pins has none in its tasks");
  // A step's own usePins wins for its process.
  const own = join(dir, "own.json");
  await runWithTask(
    taskOf(async () => record),
    async () => {
      usePins(own);
      await pin(`TeamCollabFlow/${newer.runId}`);
      assert.is((await latest()).id, newer.runId);
    },
  );
});
launchSuite("should take a named pin file's pins, none for null, and refuse a file that is not there", async ({ fx, dir }) => {
  const older = await buildRun(fx);
  await pin(`TeamCollabFlow/${older.runId}`);
  assert.is(await pinsForLaunch(null), undefined);
  const other = join(dir, "other.json");
  await rejects(pinsForLaunch(other), PinError, `The pin file ${other} does not exist: give the pin file of a notebook or script`);
  await rejects(pinsForLaunch("s3://bucket/pins.json"), PinError, "a pin file is a local file");
  await writeFile(other, '{ "tsflow": "pins-1", "pins": [] }');
  assert.is(await pinsForLaunch(other), undefined, "an empty pin file records no pins");
  await writeFile(other, "[]");
  await rejects(pinsForLaunch(other), PinFileError, "is not a pin file");
});
launchSuite.run();
