/**
 * The compaction lease of a shared root (`index/compact.lease` on S3): the cross-machine form of
 * `compact-lock.ts`. It is one small object naming its holder; it is taken by a create-only write
 * (`If-None-Match: *`) or, when the lease there is released or expired, by a compare-and-swap on
 * the version read (`If-Match`), so of many contenders exactly one wins. The holder renews it while
 * it works and releases it by a compare-and-swap too (never a blind delete, which could remove a
 * lease someone else took over meanwhile).
 *
 * The lease only saves work: the snapshot itself is replaced by a compare-and-swap (see
 * `snapshot-home.ts`), so even two holders (a stalled one whose lease expired) cannot lose data.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Storage } from "../store/storage.js";
import { type HeldLock, isAlive } from "./compact-lock.js";

/** How long a lease lasts unless renewed; the holder renews it every third of this. */
export const LEASE_TTL_MS = 60_000;
/**
 * Clocks of machines sharing a root may disagree by up to this much: a lease counts as expired
 * only this long after its holder's clock says it ends.
 */
export const LEASE_SKEW_MS = 60_000;

interface LeaseBody {
  token: string;
  host: string;
  pid: number;
  /** When it was taken or last renewed, by the holder's clock (epoch ms). */
  at: number;
  ttlMs: number;
  released?: boolean;
}

/**
 * Tries once to take the lease at `key`; undefined when someone else holds it.
 * @param storage a storage with `version` (conditional writes).
 * @param key the lease object's key.
 */
export async function tryLease(storage: Storage, key: string, ttlMs = LEASE_TTL_MS): Promise<HeldLock | undefined> {
  const me: LeaseBody = { token: randomBytes(8).toString("hex"), host: hostname(), pid: process.pid, at: Date.now(), ttlMs };
  if (await storage.write(key, JSON.stringify(me), { ifAbsent: true })) return held(storage, key, me);
  // Version first, body second: the body is at least as new as the version, and a replace in
  // between makes the compare-and-swap below fail, never succeed wrongly.
  const seen = await storage.version!(key);
  if (seen === undefined) return undefined; // released by delete meanwhile: the next try creates it
  const body = parse(await storage.readText(key));
  if (body && !isFree(body)) return undefined;
  if (!(await storage.write(key, JSON.stringify(me), { ifMatch: seen }))) return undefined;
  return held(storage, key, me);
}

/** Takes the lease, polling until `timeoutMs`; undefined when it stayed busy. */
export async function waitLease(storage: Storage, key: string, timeoutMs: number): Promise<HeldLock | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const lease = await tryLease(storage, key);
    if (lease || Date.now() > deadline) return lease;
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function held(storage: Storage, key: string, me: LeaseBody): Promise<HeldLock> {
  let version = await storage.version!(key);
  let lost = false;
  const renew = async () => {
    if (lost || version === undefined) return;
    const next = { ...me, at: Date.now() };
    if (await storage.write(key, JSON.stringify(next), { ifMatch: version }).catch(() => false)) version = await storage.version!(key);
    else lost = true;
  };
  const timer = setInterval(() => void renew(), Math.max(1_000, me.ttlMs / 3));
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      if (lost || version === undefined) return;
      await storage.write(key, JSON.stringify({ ...me, released: true }), { ifMatch: version }).catch(() => false);
    },
  };
}

function isFree(body: LeaseBody): boolean {
  if (body.released) return true;
  if (Date.now() - body.at > body.ttlMs + LEASE_SKEW_MS) return true;
  return body.host === hostname() && !isAlive(body.pid);
}

// A torn or foreign body (undefined) is free: nobody could be renewing it.
function parse(text: string | undefined): LeaseBody | undefined {
  if (text === undefined) return undefined;
  try {
    const b = JSON.parse(text) as LeaseBody;
    return typeof b.at === "number" && typeof b.ttlMs === "number" ? b : undefined;
  } catch {
    return undefined;
  }
}
