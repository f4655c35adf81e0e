/**
 * The compaction lock `index/compact.lock`: a create-only file naming its holder (host, pid, token).
 * Only its holder may replace the snapshot or delete journal events. A lock whose holder died (same
 * host, pid gone) or that is older than `STALE_MS` is taken over; the takeover itself is guarded by
 * a create-only marker so two processes never both take over the same stale lock.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

/** A lock this old is considered abandoned even when its holder cannot be checked (another host). */
export const STALE_MS = 10 * 60_000;

interface LockOwner {
  host: string;
  pid: number;
  token: string;
  at: number;
}

/** A held compaction lock. */
export interface HeldLock {
  /** Releases the lock (only if it is still ours). */
  release(): Promise<void>;
}

/**
 * Tries once to take the lock; returns undefined when another live process holds it. Throws only on
 * file system errors other than "exists" (e.g. a read-only root: the caller then skips compaction).
 */
export async function tryLock(file: string): Promise<HeldLock | undefined> {
  const me: LockOwner = { host: hostname(), pid: process.pid, token: randomBytes(8).toString("hex"), at: Date.now() };
  if (await createExclusive(file, JSON.stringify(me))) return held(file, me.token);
  const owner = await readOwner(file);
  if (owner === null || !isStale(owner)) return undefined;
  const marker = `${file}.takeover-${owner.token}`;
  if (!(await createExclusive(marker, me.token))) return void (await removeIfOld(marker));
  try {
    const again = await readOwner(file);
    if (again && again.token === owner.token) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(marker, { force: true });
  }
  return (await createExclusive(file, JSON.stringify(me))) ? held(file, me.token) : undefined;
}

// A takeover marker left by a process that died mid-takeover would block the lock forever.
async function removeIfOld(marker: string): Promise<void> {
  const st = await fs.stat(marker).catch(() => undefined);
  if (st && Date.now() - st.mtimeMs > 60_000) await fs.rm(marker, { force: true });
}

/** Takes the lock, polling until `timeoutMs`; undefined when it stayed busy. */
export async function waitLock(file: string, timeoutMs: number): Promise<HeldLock | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const lock = await tryLock(file);
    if (lock || Date.now() > deadline) return lock;
    await new Promise((r) => setTimeout(r, delay));
  }
}

function held(file: string, token: string): HeldLock {
  return {
    release: async () => {
      const owner = await readOwner(file);
      if (owner?.token === token) await fs.rm(file, { force: true });
    },
  };
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text, { flag: "wx" });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

// null = no lock file (released meanwhile); a torn or foreign file reads as an owner from the epoch.
async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const text = await fs.readFile(file, "utf8");
    try {
      return JSON.parse(text) as LockOwner;
    } catch {
      const st = await fs.stat(file);
      return { host: "", pid: 0, token: `torn-${st.ino}-${st.mtimeMs}`, at: st.mtimeMs };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function isStale(owner: LockOwner): boolean {
  if (Date.now() - owner.at > STALE_MS) return true;
  return owner.host === hostname() && !isAlive(owner.pid);
}

/** Tells whether a process of this host is alive (EPERM: alive, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
