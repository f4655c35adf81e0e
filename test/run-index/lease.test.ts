// The compaction lease of a shared root, on the real S3 server (`source /tmp/ceph-env.sh`).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hostname } from "node:os";
import { tryLease, waitLease, LEASE_SKEW_MS } from "../../src/run-index/lease.js";
import { createTestBucket, type TestBucket } from "../_helpers/s3.js";

const KEY = "index/compact.lease";

const lease = suite<{ bucket: TestBucket }>("tryLease");
lease.before.each(async (ctx) => {
  ctx.bucket = await createTestBucket();
});
lease.after.each(async (ctx) => {
  await ctx.bucket.destroy();
});

lease("should give the lease to exactly one of many machines racing for it", async (ctx) => {
  const got = await Promise.all(Array.from({ length: 12 }, () => tryLease(ctx.bucket.storage(), KEY)));
  assert.is(got.filter(Boolean).length, 1);
  assert.is(await tryLease(ctx.bucket.storage(), KEY), undefined, "held: nobody else gets it");
  await got.find(Boolean)!.release();
  const next = await Promise.all(Array.from({ length: 12 }, () => tryLease(ctx.bucket.storage(), KEY)));
  assert.is(next.filter(Boolean).length, 1, "released: exactly one taker again");
});

lease("should let exactly one machine take over an expired lease, and its old holder not release the new one", async (ctx) => {
  const storage = ctx.bucket.storage();
  const stale = { token: "gone", host: "another-host", pid: 1, at: Date.now() - 60_000 - LEASE_SKEW_MS - 5_000, ttlMs: 60_000 };
  await storage.write(KEY, JSON.stringify(stale));
  const takers = await Promise.all(Array.from({ length: 8 }, () => tryLease(ctx.bucket.storage(), KEY)));
  assert.is(takers.filter(Boolean).length, 1);
  const body = JSON.parse((await storage.readText(KEY))!) as { token: string; host: string };
  assert.is.not(body.token, "gone");
  assert.is(body.host, hostname());
});

lease("should not take a lease whose holder on another host is within its time", async (ctx) => {
  const storage = ctx.bucket.storage();
  await storage.write(KEY, JSON.stringify({ token: "busy", host: "another-host", pid: 1, at: Date.now(), ttlMs: 60_000 }));
  assert.is(await tryLease(storage, KEY), undefined);
  assert.is(await waitLease(storage, KEY, 300), undefined, "waiting does not break it either");
});

lease("should not release a lease another machine took over after this one's expired", async (ctx) => {
  const storage = ctx.bucket.storage();
  const mine = await tryLease(storage, KEY, 1);
  assert.ok(mine);
  // Expired (ttl 1 ms, plus the skew margin pretended past): another machine takes it over.
  const body = JSON.parse((await storage.readText(KEY))!) as Record<string, unknown>;
  await storage.write(KEY, JSON.stringify({ ...body, token: "theirs", at: Date.now() }));
  await mine!.release();
  const after = JSON.parse((await storage.readText(KEY))!) as { token: string; released?: boolean };
  assert.is(after.token, "theirs");
  assert.is(after.released, undefined, "the compare-and-swap release left their lease alone");
});

lease.run();
