import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Dictionary, Int32, Table, Utf8, vectorFromArray } from "apache-arrow";
import { LocalStorage } from "../../src/store/local-storage.js";
import { ObjectStore } from "../../src/store/object-store.js";
import type { StagedWrite, Storage } from "../../src/store/storage.js";
import { ArtifactError, DatastoreError, UsageError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { exactDiff } from "./codec/_exact.js";
import { assertSameTable, mixedTable, numericTable } from "./codec/_tables.js";

const ctx = { artifact: "data", step: "start" };
let dir = "";
let store: ObjectStore;

/** Every file under objects/, as `shard/name` (and staging files at the top). */
async function objectFiles(): Promise<string[]> {
  const root = join(dir, "objects");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

async function objectBytes(sha: string): Promise<Buffer> {
  return readFile(join(dir, "objects", sha.slice(0, 2), sha));
}

/** The same datastore root seen through a backend without local paths (like an object store). */
function remoteView(local: LocalStorage): Storage {
  const { location } = local;
  return {
    location,
    read: (k) => local.read(k),
    readText: (k) => local.readText(k),
    write: (k, d, o) => local.write(k, d, o),
    list: (k) => local.list(k),
    exists: (k) => local.exists(k),
    delete: (k) => local.delete(k),
    openReadStream: (k) => local.openReadStream(k),
    openWriteStream: (k) => local.openWriteStream(k),
    openRandomAccess: async (k) => {
      const f = await local.openRandomAccess(k);
      return { fd: -1, stat: () => f.stat(), read: (b, o, l, p) => f.read(b, o, l, p), close: () => f.close() };
    },
    append: (k, t) => local.append(k, t),
    size: (k) => local.size(k),
    modifiedAt: (k) => local.modifiedAt(k),
  };
}

/** A backend whose streamed writes fail after `limit` bytes, as a full disk would. */
function failingAfter(local: LocalStorage, limit: number): Storage {
  const view = remoteView(local);
  view.openWriteStream = async (key): Promise<StagedWrite> => {
    const staged = await local.openWriteStream(key);
    let written = 0;
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.byteLength;
        if (written > limit) done(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
        else staged.stream.write(chunk, done);
      },
      final(done) {
        staged.stream.end(done);
      },
    });
    return { stream, commit: (k) => staged.commit(k), abort: () => staged.abort() };
  };
  return view;
}

const put = suite("ObjectStore.put/get");
put.before.each(async () => {
  dir = await makeTempDir();
  store = new ObjectStore(new LocalStorage(dir));
});
put.after.each(async () => removeTempDir(dir));

put("should store a value at the SHA-256 of its bytes and load it back", async () => {
  const value = { n: [1, -0, NaN], m: new Map([["k", new Set([1n])]]), when: new Date(5), none: undefined };
  const before = Date.now();
  const ref = await store.put(value, ctx);
  assert.is(ref.format, "json");
  assert.is(ref.type, "object");
  assert.ok(ref.createdAt >= before && ref.createdAt <= Date.now());
  const bytes = await objectBytes(ref.sha);
  assert.is(ref.sha, createHash("sha256").update(bytes).digest("hex"));
  assert.is(ref.size, bytes.byteLength);
  assert.is(exactDiff(value, await store.get(ref)), undefined);
  assert.ok(await store.has(ref.sha));
  assert.not.ok(await store.has("0".repeat(64)));
});

put("should describe the type of each value", async () => {
  const types = await Promise.all([1, "s", [1], new Map(), new Date(), new Uint8Array(2), undefined].map(async (v) => (await store.put(v, ctx)).type));
  assert.equal(types, ["number", "string", "Array", "Map", "Date", "Uint8Array", "undefined"]);
});

put("should store identical values once", async () => {
  const a = await store.put({ x: [1, 2, 3] }, ctx);
  const b = await store.put({ x: [1, 2, 3] }, { artifact: "other", step: "end" });
  assert.is(a.sha, b.sha);
  assert.equal(await objectFiles(), [`${a.sha.slice(0, 2)}/${a.sha}`]);
});

put("should refuse what cannot be stored, and write nothing", async () => {
  await rejects(
    store.put({ model: { predict: () => 1 } }, ctx),
    ArtifactError,
    "Cannot store artifact 'data' of step 'start': this.data.model.predict is a function",
  );
  assert.equal(await objectFiles(), []);
});

put("should raise DatastoreError for a missing or damaged object", async () => {
  await rejects(store.get({ sha: "a".repeat(64), format: "json" }), DatastoreError, "is missing from the datastore");
  await rejects(store.get({ sha: "b".repeat(64), format: "arrow" }), DatastoreError, "is missing from the datastore");
  const ref = await store.put("text", ctx);
  await writeFile(join(dir, "objects", ref.sha.slice(0, 2), ref.sha), "{broken");
  await rejects(store.get(ref), DatastoreError, "not valid JSON");
});
put.run();

const arrow = suite("ObjectStore with Arrow tables");
arrow.before.each(async () => {
  dir = await makeTempDir();
  store = new ObjectStore(new LocalStorage(dir));
});
arrow.after.each(async () => removeTempDir(dir));

arrow("should store a Table as an Arrow IPC file and read it back equal", async () => {
  const table = mixedTable();
  const ref = await store.put(table, ctx);
  assert.is(ref.format, "arrow");
  assert.is(ref.type, "arrow.Table");
  const bytes = await objectBytes(ref.sha);
  assert.is(ref.sha, createHash("sha256").update(bytes).digest("hex"));
  assert.is(ref.size, bytes.byteLength);
  assertSameTable((await store.get(ref)) as Table, table);
});

arrow("should store identical tables once and leave no staging file", async () => {
  const a = await store.put(numericTable(300_000), ctx);
  const b = await store.put(numericTable(300_000), ctx);
  assert.is(a.sha, b.sha);
  assert.equal(await objectFiles(), [`${a.sha.slice(0, 2)}/${a.sha}`]);
});

arrow("should leave no object and no staging file when a write fails midway", async () => {
  const failing = new ObjectStore(failingAfter(new LocalStorage(dir), 1 << 20));
  await rejects(failing.put(numericTable(1_000_000), ctx), DatastoreError, "Could not store artifact 'data' of step 'start'");
  assert.equal(await objectFiles(), []);
});

arrow("should refuse a table it cannot write midway, leaving nothing behind", async () => {
  const part = (values: string[]) => new Table({ c: vectorFromArray(values, new Dictionary(new Utf8(), new Int32())) });
  await rejects(store.put(part(["a"]).concat(part(["b"])), ctx), ArtifactError, "this.data has a dictionary-encoded column");
  assert.equal(await objectFiles(), []);
});

arrow("should read and preview through a backend without local paths", async () => {
  const remote = new ObjectStore(remoteView(new LocalStorage(dir)));
  const table = mixedTable();
  const ref = await remote.put(table, ctx);
  assertSameTable((await remote.get(ref)) as Table, table);
  const local = await store.loadArrowPreview(ref, 2);
  assert.equal(await remote.loadArrowPreview(ref, 2), local);
  assert.is(local.numRows, 4);
  assert.is(local.rows.length, 2);
});

arrow("should refuse to preview a JSON object", async () => {
  const ref = await store.put([1], ctx);
  await rejects(store.loadArrowPreview(ref), UsageError, "load it with get()");
});
arrow.run();

const crash = suite("ObjectStore crash safety");
crash.before.each(async () => void (dir = await makeTempDir()));
crash.after.each(async () => removeTempDir(dir));

crash("should leave only an ignored staging file when killed mid-write", async () => {
  const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const script = join(dir, "writer.mts");
  await writeFile(
    script,
    `
    import { ObjectStore } from ${JSON.stringify(src("../../src/store/object-store.ts"))};
    import { LocalStorage } from ${JSON.stringify(src("../../src/store/local-storage.ts"))};
    import { numericTable } from ${JSON.stringify(src("./codec/_tables.ts"))};
    const storage = new LocalStorage(${JSON.stringify(dir)});
    const open = storage.openWriteStream.bind(storage);
    storage.openWriteStream = async (key) => {
      const staged = await open(key);
      const write = staged.stream.write.bind(staged.stream);
      let n = 0;
      staged.stream.write = (chunk, ...rest) => { if (++n === 20) { console.log("writing"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000); } return write(chunk, ...rest); };
      return staged;
    };
    await new ObjectStore(storage).put(numericTable(20_000_000), { artifact: "t", step: "s" });
    console.log("done");
  `,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  let said = "";
  child.stdout.on("data", (d: Buffer) => {
    said += String(d);
    child.kill("SIGKILL");
  });
  await new Promise((resolve) => child.on("close", resolve));
  assert.is(said.trim(), "writing");
  const files = await objectFiles();
  assert.ok(files.length === 1 && files[0]!.startsWith("incoming.tmp-"), JSON.stringify(files));
  const again = new ObjectStore(new LocalStorage(dir));
  const ref = await again.put(numericTable(1000), ctx);
  assertSameTable((await again.get(ref)) as Table, numericTable(1000));
});
crash.run();
