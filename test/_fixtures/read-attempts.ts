// Prints every attempt of a run's tasks as JSON ({ step: { taskId: [{ attempt, success, host, executor }] } }),
// read straight from a datastore root: a test runs it on a "machine" (network namespace) that reaches the root.
import { openDatastore } from "../../src/store/root.js";

const [root, flow, runId] = process.argv.slice(2) as [string, string, string];
const ds = openDatastore(root);
const out: Record<string, Record<string, unknown[]>> = {};
for (const step of await ds.listSteps(flow, runId)) {
  out[step] = {};
  for (const id of await ds.listTaskIds(flow, runId, step)) {
    const attempts = [];
    for (const n of await ds.listAttempts(flow, runId, step, id)) {
      const d = await ds.readDone(flow, runId, step, id, n);
      attempts.push({ attempt: n, success: d?.success ?? null, host: d?.host ?? null, executor: d?.executor ?? null });
    }
    out[step]![id] = attempts;
  }
}
process.stdout.write(JSON.stringify(out));
