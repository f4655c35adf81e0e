// The local artifact cache: downloads from the real S3 server (`source /tmp/ceph-env.sh`), checks
// hashes, keeps within its size limit by evicting the least recently used copies.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { readdir, readFile, utimes } from "node:fs/promises";
import { join } from "node:path";
import { ObjectCache, parseSize } from "../../src/store/object-cache.js";
import { keys } from "../../src/store/layout.js";
import { DatastoreError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";

/** Stores `bytes` as an object in the bucket; returns its sha. */
async function putObject(ctx: BucketContext, bytes: Buffer): Promise<string> {
  const sha = createHash("sha256").update(bytes).digest("hex");
  await ctx.bucket.storage().write(keys.object(sha), bytes);
  return sha;
}

const cache = useBucket(suite<BucketContext>("ObjectCache"));

cache("should download an object once and serve the copy after", async (ctx) => {
  const s3 = ctx.bucket.storage();
  const sha = await putObject(ctx, Buffer.alloc(50_000, 7));
  const c = new ObjectCache(join(ctx.dir, "objects"), { maxBytes: 1 << 20 });
  let downloads = 0;
  const open = () => {
    downloads++;
    return s3.openReadStream(keys.object(sha));
  };
  const file = await c.fetch(sha, open);
  assert.equal(await readFile(file), Buffer.alloc(50_000, 7));
  assert.is(await c.fetch(sha, open), file);
  assert.is(downloads, 1);
  assert.is(await c.size(), 50_000);
});

cache("should refuse bytes that do not hash to the object's address and keep nothing", async (ctx) => {
  const s3 = ctx.bucket.storage();
  const sha = createHash("sha256").update("the real value").digest("hex");
  await s3.write(keys.object(sha), "a damaged value");
  const c = new ObjectCache(join(ctx.dir, "objects"), { maxBytes: 1 << 20 });
  await rejects(
    c.fetch(sha, () => s3.openReadStream(keys.object(sha))),
    DatastoreError,
    "hashes to",
  );
  assert.is(await c.peek(sha), undefined);
  assert.equal(await readdir(join(ctx.dir, "objects", sha.slice(0, 2))), [], "no temporary file left");
});

cache("should evict the least recently used copies when a download takes it over its limit", async (ctx) => {
  const s3 = ctx.bucket.storage();
  const c = new ObjectCache(join(ctx.dir, "objects"), { maxBytes: 250_000 });
  const shas: string[] = [];
  for (let i = 0; i < 3; i++) {
    const sha = await putObject(ctx, Buffer.alloc(80_000, i));
    shas.push(sha);
    const file = await c.fetch(sha, () => s3.openReadStream(keys.object(sha)));
    const t = (Date.now() - (10 - i) * 3_600_000) / 1000; // used 10 h, 9 h, 8 h ago
    await utimes(file, t, t);
  }
  await c.peek(shas[0]!); // the oldest is used again: now the newest
  const fourth = await putObject(ctx, Buffer.alloc(80_000, 9));
  await new ObjectCache(c.dir, { maxBytes: 250_000 }).fetch(fourth, () => s3.openReadStream(keys.object(fourth)));
  assert.ok(await c.peek(shas[0]!), "the copy used last stays");
  assert.is(await c.peek(shas[1]!), undefined, "the least recently used went");
  assert.ok(await c.peek(fourth));
  assert.ok((await new ObjectCache(c.dir).size()) <= 250_000);
});

cache("should trim to its limit, and old temporary files, on request", async (ctx) => {
  const s3 = ctx.bucket.storage();
  const big = new ObjectCache(join(ctx.dir, "objects"), { maxBytes: 1 << 30 });
  for (let i = 0; i < 4; i++) {
    const sha = await putObject(ctx, Buffer.alloc(10_000, i));
    await big.fetch(sha, () => s3.openReadStream(keys.object(sha)));
  }
  const small = new ObjectCache(big.dir, { maxBytes: 25_000 });
  const dry = await small.trim({ dryRun: true });
  assert.is(dry.files.length, 2);
  assert.is(await small.size(), 40_000, "a dry run removes nothing");
  const done = await small.trim();
  assert.is(done.bytes, 20_000);
  assert.is(await new ObjectCache(big.dir).size(), 20_000);
});

cache.run();

const size = suite("parseSize");
size("should read byte counts and sizes with units", () => {
  assert.is(parseSize("1024"), 1024);
  assert.is(parseSize("500MB"), 500 * 2 ** 20);
  assert.is(parseSize("5GB"), 5 * 2 ** 30);
  assert.is(parseSize("2GiB"), 2 * 2 ** 30);
  assert.is(parseSize("1.5k"), 1536);
  assert.is(parseSize("lots"), undefined);
});
size.run();
