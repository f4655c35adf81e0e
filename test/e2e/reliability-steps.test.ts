/**
 * A step that throws, calls `process.exit`, never returns (`@timeout`), allocates until out of memory
 * (the worker's heap is capped with TSFLOW_WORKER_MAX_OLD_SPACE_MB) or prints megabytes: that task
 * fails (or, for output, succeeds) with the reason recorded; the runtime exits normally, the sibling
 * task's results and the run's bookkeeping are intact, and the index reports the run as it ended.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, namespace, Run, useDatastore } from "../../src/client/index.js";
import { fixture, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { datastoreAt, readTask, runIdFrom } from "../_helpers/runs.js";
import { checkIntegrity } from "../_helpers/reliability.js";

const FLOW = "FaultyFlow";
const CASES: [fault: string, reason: RegExp][] = [
  ["throw", /RangeError: the bad step threw on purpose/],
  ["exit", /worker process running the task exited \(code 9\)/],
  ["hang", /timed out after 2 s|killed after its @timeout/],
  ["oom", /most likely out of memory/],
];

const faults = suite("a misbehaving step");
let root = "";
faults.before(async () => {
  root = await makeTempDir("tsflow-faults-");
});
faults.after(async () => {
  await closeClient();
  await removeTempDir(root);
});

async function runWith(fault: string) {
  const r = await tsflow(["run", fixture("faulty.ts"), "--fault", fault, "--max-workers", "2"], { root, env: { TSFLOW_WORKER_MAX_OLD_SPACE_MB: "48" } });
  return { ...r, runId: runIdFrom(r.stdout) };
}

faults("should fail only the task, record why, and keep the runtime and the rest of the run", async () => {
  const results = await Promise.all(CASES.map(([fault]) => runWith(fault)));
  useDatastore(root);
  namespace(null);
  for (const [i, [fault, reason]] of CASES.entries()) {
    const r = results[i]!;
    assert.is(r.code, 1, `${fault}: the run fails, the CLI does not crash\n${r.stderr}`);
    assert.not.match(r.stderr, /Internal error/, fault);
    const bad = await readTask(root, FLOW, r.runId, "bad");
    assert.is(bad.done?.success, false, `${fault}: the bad task is recorded failed`);
    assert.match(`${bad.done?.exception?.type}: ${bad.done?.exception?.message}`, reason, fault);
    const good = await readTask(root, FLOW, r.runId, "good");
    assert.is(good.value("good_value"), 42, `${fault}: the sibling's artifact is intact`);
    const status = await datastoreAt(root).readStatus(FLOW, r.runId);
    assert.is(status?.state, "failed", fault);
    assert.match(status?.reason ?? "", /Step \*bad\*/);
    const run = await Run(`${FLOW}/${r.runId}`);
    assert.is(run.successful, false);
    assert.is(run.status, "failed", `${fault}: the index agrees`);
  }
  assert.equal((await checkIntegrity(root)).problems, []);
});

faults("should store megabytes of output whole and finish the run", async () => {
  const r = await runWith("spam");
  assert.is(r.code, 0, r.stderr.slice(0, 2000));
  const bad = await readTask(root, FLOW, r.runId, "bad");
  assert.is(bad.done?.success, true);
  assert.is(bad.stdout.length, 8 * 1024 * 1024, "every byte printed is stored");
  assert.is((await Run(`${FLOW}/${r.runId}`)).successful, true);
});
faults.run();
