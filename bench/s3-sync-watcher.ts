// Child of bench/s3-sync.ts: another "machine" (own S3 client, own cache folder) querying an S3
// root's index as a notebook would (default sync interval) until a finished run of `user` appears; prints
// "ready", then {"seenAt": epoch ms}.
// Usage: node --import tsx bench/s3-sync-watcher.ts <s3-url> <cache-dir> <user>
import { Datastore } from "../src/store/datastore.js";
import { S3Storage } from "../src/store/s3-storage.js";
import { RunIndex } from "../src/run-index/run-index.js";

const [url, cacheDir, user] = process.argv.slice(2);
const index = await RunIndex.open(new Datastore(new S3Storage(url!)), { cacheDir: cacheDir!, onNotice: () => undefined });
await index.listRuns("TeamCollabFlow", { namespace: null, limit: 1 });
console.log("ready");
for (;;) {
  const [run] = await index.listRuns("TeamCollabFlow", { namespace: `user:${user}`, successfulOnly: true, limit: 1 });
  if (run) break;
  await new Promise((r) => setTimeout(r, 5));
}
console.log(JSON.stringify({ seenAt: Date.now() }));
await index.close();
