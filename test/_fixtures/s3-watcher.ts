// Child process for the shared-root tests: another "machine" that opens the index of an S3 root
// with its own cache folder, prints "ready", then queries until a run of `user` appears and prints
// {"runId": ..., "queries": n} as one JSON line.
// Usage: node --import tsx test/_fixtures/s3-watcher.ts <s3-url> <cache-dir> <user>
import { Datastore } from "../../src/store/datastore.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { RunIndex } from "../../src/run-index/run-index.js";

const [url, cacheDir, user] = process.argv.slice(2);
const index = await RunIndex.open(new Datastore(new S3Storage(url!)), { cacheDir: cacheDir!, onNotice: () => undefined });
console.log("ready");
for (let queries = 1; queries < 100_000; queries++) {
  const [run] = await index.listRuns("TeamCollabFlow", { namespace: `user:${user}`, limit: 1 });
  if (run) {
    console.log(JSON.stringify({ runId: run.runId, queries }));
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
await index.close();
