/**
 * Crash trials: `kill -9` of the runtime and of a worker at random and at chosen moments (while an
 * artifact is written, while success is recorded, during a foreach). After each: the run is never
 * reported successful unless its files say so (client AND raw datastore), no stored file is torn,
 * `tsflow resume` finishes the run, and the index agrees with the datastore (and with
 * `tsflow index rebuild`). Counts scale with RELIABILITY_SCALE (see test/_helpers/reliability.ts).
 */
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, listRuns, namespace, Run, useDatastore } from "../../src/client/index.js";
import { fixture, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import {
  checkIntegrity,
  killNow,
  rawRuns,
  reliabilityFixture,
  reportFigures,
  scaled,
  SEED,
  seededRandom,
  sleep,
  startCli,
  startScript,
  type RawRun,
} from "../_helpers/reliability.js";

// Every random choice below comes from this seed (printed): RELIABILITY_SEED=<seed> replays them.
const random = seededRandom(undefined, "crash trials");
const FLOW = "ReliableFlow";
const FILE = fixture("reliable.ts");
const ITEMS = 6;
const TOTAL = Array.from({ length: ITEMS }, (_, i) => i * i).reduce((a, b) => a + b, 0);
const ENV = { ITEMS: String(ITEMS) };

/**
 * Chosen moments: [what is being written, key pattern, how many such writes a run makes, the kill
 * mode of the first round]; each later round moves every moment to the next mode.
 */
const MOMENTS: [string, string, number, number][] = [
  ["an artifact object", "^objects/", 16, 1],
  ["a task's outcome (recording success)", "done\\.json$", 10, 2],
  ["a foreach task's files", "steps/work/", 24, 0],
  ["the end task's outcome", "steps/end/.*done\\.json$", 1, 2],
  ["the run's status", "status\\.json$", 1, 1],
  ["the run record", "/run\\.json$", 1, 2],
  ["a journal event", "^index/journal/", 4, 0],
  ["an artifacts record", "artifacts\\.json$", 10, 1],
];
const MODES = ["before", "torn", "after"] as const;

export const figures = { trials: 0, survived: 0, resumed: 0 };
let root = "";

/** What the client (through the run index) says about every run: id -> [successful, finished]. */
async function indexView(): Promise<Map<string, string>> {
  useDatastore(root);
  const runs = await listRuns(FLOW, { namespace: null });
  return new Map(runs.map((r) => [r.id, `${r.successful}/${r.status}`]));
}

/** Never reported successful unless the files say so; nothing torn. Returns the raw view. */
async function checkNoFalseSuccess(label: string): Promise<Map<string, RawRun>> {
  const raw = await rawRuns(root, FLOW);
  for (const r of raw.values()) {
    if (r.statusFile === "successful") assert.ok(r.successful, `${label}: status.json says successful but the end task did not succeed`);
  }
  for (const [id, view] of await indexView()) {
    if (view.startsWith("true")) assert.ok(raw.get(id)?.successful, `${label}: the index reports ${id} successful, its files do not`);
  }
  const integrity = await checkIntegrity(root);
  assert.equal(integrity.problems, [], `${label}: torn files`);
  return raw;
}

/** Resumes a run that did not succeed and checks the resumed run's answer. */
async function finish(label: string, runId: string, raw: RawRun | undefined): Promise<void> {
  const r = await tsflow(["resume", FILE, "--origin-run-id", runId, "--max-workers", "2"], { root, env: ENV });
  if (raw?.successful) {
    assert.is(r.code, 2, `${label}: resuming a successful run is refused\n${r.stderr}`);
    assert.match(r.stderr, /was successful/);
    namespace(null);
    assert.is(await (await Run(`${FLOW}/${runId}`)).data.total, TOTAL);
    return;
  }
  assert.is(r.code, 0, `${label}: resume failed\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, new RegExp(`total=${TOTAL}`));
  figures.resumed++;
}

/** After a trial: the index agrees with the files on every run. */
async function checkAgreement(label: string): Promise<void> {
  const raw = await checkNoFalseSuccess(label);
  const view = await indexView();
  assert.equal([...view.keys()].sort(), [...raw.keys()].sort(), `${label}: the index lists other runs than the datastore holds`);
  for (const [id, r] of raw) assert.is(view.get(id)!.split("/")[0], String(r.successful), `${label}: run ${id}`);
}

async function trial(what: string, crash: () => Promise<void>): Promise<void> {
  const label = `${what} [RELIABILITY_SEED=${SEED}]`;
  figures.trials++;
  const before = new Set((await rawRuns(root, FLOW)).keys());
  await crash();
  const raw = await checkNoFalseSuccess(label);
  const crashed = [...raw.keys()].filter((id) => !before.has(id));
  assert.ok(crashed.length <= 1, `${label}: one run at most`);
  if (crashed[0]) await finish(label, crashed[0], raw.get(crashed[0]));
  await checkAgreement(label);
  figures.survived++;
}

/**
 * Queries the index in a loop until `work` settles, as a notebook would while a run goes on: the
 * reader applies journal events mid-run, so a crash after its last event is the case it must survive.
 */
async function readWhile<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const reader = (async () => {
    while (!done) {
      await indexView();
      await sleep(40);
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await reader;
  }
}

const crash = suite("kill -9 during a run");
crash.before(async () => {
  root = await makeTempDir("tsflow-crash-");
});
crash.after(async () => {
  await closeClient();
  await removeTempDir(root);
  reportFigures("crash", figures);
});

crash("should survive kill -9 of the runtime at chosen writes (in-process runtime)", async () => {
  const n = scaled(40, MOMENTS.length);
  for (let i = 0; i < n; i++) {
    const [what, pattern, count, first] = MOMENTS[i % MOMENTS.length]!;
    const nth = 1 + Math.floor(random() * count);
    const mode = MODES[(first + Math.floor(i / MOMENTS.length)) % MODES.length]!;
    await trial(`killed at write ${nth} of ${what} (${mode})`, async () => {
      const p = startScript(reliabilityFixture("crash-at-write"), [pattern, String(nth), mode], root, ENV);
      const end = await readWhile(p.ended);
      assert.ok(end.signal === "SIGKILL" || /finished without reaching/.test(end.stdout), `${what}: ${end.stderr}`);
    });
  }
});

crash("should survive kill -9 of `tsflow run` at a random moment", async () => {
  for (let i = 0; i < scaled(15, 2); i++) {
    await trial(`tsflow run killed (trial ${i})`, async () => {
      const p = startCli(["run", FILE, "--max-workers", "2"], root, ENV);
      await waitFor(() => /Workflow starting/.test(p.out()), 10_000);
      await sleep(random() * 1500);
      killNow(p.child.pid);
      await readWhile(p.ended);
      await sleep(200); // the workers notice the disconnect and exit
    });
  }
});

crash("should survive kill -9 of a worker at a random moment", async () => {
  for (let i = 0; i < scaled(15, 2); i++) {
    await trial(`worker killed (trial ${i})`, async () => {
      const p = startCli(["run", FILE, "--max-workers", "2"], root, { ...ENV, WORK_MS: "150" });
      await waitFor(() => /\/work\/\d+ \(pid \d+\)\] working/.test(p.out()), 15_000);
      await sleep(random() * 400);
      const pids = [...p.out().matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1])).filter((pid) => pid !== p.child.pid);
      killNow(pids.at(-1) ?? workerOf(p.child.pid!));
      const end = await p.ended;
      assert.ok(end.code === 0 || end.code === 1, `tsflow run ends normally when a worker dies: ${end.code}\n${end.stderr}`);
    });
  }
});
crash.run();

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting for the run to start");
    await sleep(20);
  }
}

/** A child process of `pid` (a worker), found through /proc. */
function workerOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text ? Number(text.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}
