// Child process for the shared-root tests: one "machine" (its own S3 client and cache folder) that
// writes runs, edits their tags and compacts the index after each, racing the others.
// Prints {"runs": [...ids], "compactions": n} as one JSON line.
// Usage: node --import tsx test/_fixtures/s3-racer.ts <s3-url> <cache-dir> <count> <user>
import { Datastore } from "../../src/store/datastore.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { RunIndex } from "../../src/run-index/run-index.js";
import { makeRun } from "../_helpers/index-runs.js";

const [url, cacheDir, count, user] = process.argv.slice(2);
const ds = new Datastore(new S3Storage(url!));
const index = await RunIndex.open(ds, { cacheDir: cacheDir!, onNotice: () => undefined });
const runs: string[] = [];
let compactions = 0;
for (let i = 0; i < Number(count); i++) {
  const run = await makeRun(ds, { user: user! });
  await ds.updateTags(run.flow, run.runId, (t) => [...t, `by-${user}`]);
  runs.push(run.runId);
  if (await index.compact()) compactions++;
}
await index.close();
console.log(JSON.stringify({ runs, compactions }));
