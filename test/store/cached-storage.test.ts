// Artifacts of an S3 root read through the local cache. Real S3 server (`source /tmp/ceph-env.sh`).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import { CachedStorage } from "../../src/store/cached-storage.js";
import { ObjectCache } from "../../src/store/object-cache.js";
import { ObjectStore } from "../../src/store/object-store.js";
import { keys } from "../../src/store/layout.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";
import { assertSameTable, numericTable } from "./codec/_tables.js";

const cached = useBucket(suite<BucketContext>("CachedStorage"));

const machine = (ctx: BucketContext, name: string) => new CachedStorage(ctx.bucket.storage(), new ObjectCache(join(ctx.dir, name, "objects")));

cached("should read an artifact from the root once, then from the local copy", async (ctx) => {
  const writer = new ObjectStore(machine(ctx, "alice"));
  const ref = await writer.put({ alpha: 0.5, notes: "x".repeat(1000) }, { artifact: "params", step: "start" });
  const reader = machine(ctx, "bob");
  const objects = new ObjectStore(reader);
  assert.equal(await objects.get(ref), { alpha: 0.5, notes: "x".repeat(1000) });
  await ctx.bucket.storage().delete(keys.object(ref.sha)); // the root's copy is gone: only the cache can answer
  assert.equal(await objects.get(ref), { alpha: 0.5, notes: "x".repeat(1000) });
  assert.is(await new ObjectStore(machine(ctx, "carol")).has(ref.sha), false, "other keys still go to the root");
});

cached("should serve a cached Arrow table as a local file, and preview an uncached one by ranges without caching it", async (ctx) => {
  const table = numericTable(200_000);
  const ref = await new ObjectStore(ctx.bucket.storage()).put(table, { artifact: "t", step: "start" });
  const reader = machine(ctx, "bob");
  const objects = new ObjectStore(reader);
  const preview = await objects.loadArrowPreview(ref, 3);
  assert.is(preview.numRows, 200_000);
  assert.is(await reader.objectCache.peek(ref.sha), undefined, "a preview does not download the whole table");
  assertSameTable((await objects.get(ref)) as Table, table);
  assert.ok(await reader.objectCache.peek(ref.sha), "a full read fills the cache");
  const handle = await reader.openRandomAccess(keys.object(ref.sha));
  assert.ok(handle.fd >= 0, "the cached copy is a local file (memory-mappable), not ranged GETs");
  await handle.close();
  await ctx.bucket.storage().delete(keys.object(ref.sha));
  assertSameTable((await objects.get(ref)) as Table, table);
});

cached.run();
