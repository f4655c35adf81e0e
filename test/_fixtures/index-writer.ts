// Child process for the run-index tests: writes `count` runs of a user into a root (journaling each),
// optionally tags each run from this process too, and prints the run ids as one JSON line.
// Usage: node --import tsx test/_fixtures/index-writer.ts <root> <count> <user> [tag]
import { localDatastore, makeRun } from "../_helpers/index-runs.js";

const [root, count, user, tag] = process.argv.slice(2);
const ds = localDatastore(root!);
const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const run = await makeRun(ds, { user: user!, outcome: i % 3 === 2 ? "failed" : "successful" });
  if (tag) await ds.updateTags(run.flow, run.runId, (t) => [...t, tag]);
  ids.push(run.runId);
}
console.log(JSON.stringify(ids));
