import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Datastore } from "../../src/store/datastore.js";
import { keys } from "../../src/store/layout.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import { LogTail } from "../../src/store/log-tail.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const tail = suite("LogTail");
let dir = "";
tail.before.each(async () => {
  dir = await makeTempDir();
});
tail.after.each(async () => {
  await removeTempDir(dir);
});

const address = { flow: "F", runId: "1", step: "each", taskId: "2", attempt: 0 };
const append = (ds: Datastore, stream: "stdout" | "stderr", text: string) => ds.appendLog("F", "1", "each", "2", 0, stream, text);

// A root that cannot append (as S3): the datastore stores each flush as a numbered chunk.
function chunked(root: string): LocalStorage {
  const storage = new LocalStorage(root);
  Object.defineProperty(storage, "append", { value: undefined });
  return storage;
}

for (const [kind, storage] of [
  ["an appended log file", (root: string) => new LocalStorage(root)],
  ["a log of chunks", chunked],
] as const) {
  tail(`should return only what ${kind} gained since the last read, stdout first`, async () => {
    const ds = new Datastore(storage(dir));
    const t = new LogTail(ds.storage, address);
    assert.equal(await t.read(), [], "no log yet");
    await append(ds, "stdout", "one\n");
    await append(ds, "stderr", "warn\n");
    assert.equal(await t.read(), [
      { stream: "stdout", text: "one\n" },
      { stream: "stderr", text: "warn\n" },
    ]);
    assert.equal(await t.read(), [], "nothing new");
    await append(ds, "stdout", "two\n");
    await append(ds, "stdout", "three\n");
    assert.equal(await t.read(), [{ stream: "stdout", text: "two\nthree\n" }]);
    assert.is(await ds.readLog("F", "1", "each", "2", 0, "stdout"), "one\ntwo\nthree\n");
  });
}

tail("should keep a character split across two reads whole", async () => {
  const storage = new LocalStorage(dir);
  const t = new LogTail(storage, address);
  const key = keys.log("F", "1", "each", "2", 0, "stdout");
  const bytes = new TextEncoder().encode("é\n");
  await storage.write(key, bytes.subarray(0, 1));
  assert.equal(await t.read(), [], "half a character is held back");
  await storage.write(key, bytes);
  assert.equal(await t.read(), [{ stream: "stdout", text: "é\n" }]);
});

tail.run();

// The same on a real S3 server (`source /tmp/ceph-env.sh`): a log of chunk objects, listed after the last one read.
const onS3 = useBucket(suite<BucketContext>("LogTail on S3"));

onS3("should read each chunk of a log on S3 once, in order", async (ctx) => {
  const ds = new Datastore(ctx.bucket.storage());
  const t = new LogTail(ds.storage, address);
  await append(ds, "stdout", "one\n");
  assert.equal(await t.read(), [{ stream: "stdout", text: "one\n" }]);
  await append(ds, "stdout", "two\n");
  await append(ds, "stderr", "warn\n");
  assert.equal(await t.read(), [
    { stream: "stdout", text: "two\n" },
    { stream: "stderr", text: "warn\n" },
  ]);
  assert.equal(await t.read(), []);
});

onS3.run();
