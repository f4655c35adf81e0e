// `tsflow gc` on an S3 root covers this user's artifact cache. Real S3 server (`source /tmp/ceph-env.sh`).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { collectGarbage } from "../../src/store/gc.js";
import { CachedStorage } from "../../src/store/cached-storage.js";
import { ObjectCache } from "../../src/store/object-cache.js";
import { ObjectStore } from "../../src/store/object-store.js";
import { Datastore } from "../../src/store/datastore.js";
import { rootCacheDir } from "../../src/store/cache-dir.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";
import { tsflow } from "../_helpers/cli.js";

/** Stores `n` artifacts of about `bytes` each and reads them through a cache at `cacheDir`. */
async function fillCache(ctx: BucketContext, cacheDir: string, n: number, bytes: number): Promise<void> {
  const objects = new ObjectStore(new CachedStorage(ctx.bucket.storage(), new ObjectCache(join(cacheDir, "objects"), { maxBytes: 1 << 30 })));
  for (let i = 0; i < n; i++) await objects.get(await objects.put({ i, pad: "x".repeat(bytes) }, { artifact: "a", step: "start" }));
}

const gc = useBucket(suite<BucketContext>("collectGarbage on a shared root"));

gc("should trim the artifact cache to its limit, least recently used first", async (ctx) => {
  const cacheDir = join(ctx.dir, "cache");
  await fillCache(ctx, cacheDir, 5, 10_000);
  const cache = new ObjectCache(join(cacheDir, "objects"), { maxBytes: 25_000 });
  const ds = new Datastore(new CachedStorage(ctx.bucket.storage(), cache));
  const report = await collectGarbage(ds, { olderThanMs: 3_600_000 });
  assert.ok(report.cache, "the report covers the cache");
  assert.is(report.cache!.files.length, 3);
  assert.ok(report.cache!.keptBytes <= 25_000);
  assert.is(await new ObjectCache(cache.dir).size(), report.cache!.keptBytes);
});

gc("should trim the cache from the command line, at the limit TSFLOW_CACHE_MAX sets", async (ctx) => {
  const base = join(ctx.dir, "cache-base");
  await fillCache(ctx, rootCacheDir(ctx.bucket.url, { TSFLOW_CACHE_DIR: base }), 4, 10_000);
  const env = { TSFLOW_CACHE_DIR: base, TSFLOW_CACHE_MAX: "15000" };
  const dry = await tsflow(["gc", "--dry-run", "--json"], { root: ctx.bucket.url, env });
  assert.is(dry.code, 0, dry.stderr);
  const planned = JSON.parse(dry.stdout) as { cache: { files: unknown[]; keptBytes: number } };
  assert.is(planned.cache.files.length, 3);
  const done = await tsflow(["gc"], { root: ctx.bucket.url, env });
  assert.is(done.code, 0, done.stderr);
  assert.match(done.stdout, /Artifact cache .*: removed 3 file\(s\)/);
  const bad = await tsflow(["gc"], { root: ctx.bucket.url, env: { ...env, TSFLOW_CACHE_MAX: "lots" } });
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, /TSFLOW_CACHE_MAX='lots' is not a size/);
  assert.not.match(bad.stderr, /\n\s+at /, "no stack trace");
});

gc.run();
