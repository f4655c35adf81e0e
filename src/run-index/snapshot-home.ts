/**
 * Where the run index's snapshot lives and how it is replaced. A local root keeps it in the root
 * (`index/index.duckdb`, replaced by rename under the file lock of `compact-lock.ts`). A shared root
 * (S3) keeps the shared snapshot in the root and a copy of each version a reader loaded in the
 * reader's cache folder; the copy is downloaded only when the shared version (ETag) changed, and
 * the shared one is replaced only by a compare-and-swap on the version it was built from, under the
 * lease of `lease.ts`.
 */
import * as fs from "node:fs/promises";
import { createWriteStream, existsSync } from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Datastore } from "../store/datastore.js";
import { keys } from "../store/layout.js";
import type { Storage } from "../store/storage.js";
import { tempName } from "../store/temp-name.js";
import type { Database } from "./duckdb.js";
import { type HeldLock, tryLock, waitLock } from "./compact-lock.js";
import { tryLease, waitLease } from "./lease.js";
import { snapshotIdentity, writeSnapshot } from "./snapshot.js";

/** The snapshot of one root: its current version, a local file to attach, and how to replace it. */
export interface SnapshotHome {
  /** True for a shared (S3) root: the journal is read incrementally and the sync state persisted. */
  readonly shared: boolean;
  /** Where the snapshot is, for messages. */
  readonly location: string;
  /** The reader's folder for derived files (a local root: its `index/` folder). */
  readonly stateDir: string;
  /** The version of the current snapshot, or undefined when there is none. */
  identity(): Promise<string | undefined>;
  /** A local file holding version `id` of the snapshot (downloaded into the cache when shared). */
  localFile(id: string | undefined): Promise<string>;
  /**
   * Writes the index's runs as the new snapshot, replacing version `expected` (undefined: none);
   * returns false when someone else replaced it meanwhile (nothing was written).
   */
  publish(db: Database, expected: string | undefined): Promise<boolean>;
  /** Tries once to take the compaction lock. */
  tryLock(): Promise<HeldLock | undefined>;
  /** Takes the compaction lock, polling until `timeoutMs`. */
  waitLock(timeoutMs: number): Promise<HeldLock | undefined>;
  /** True when a snapshot was ever published (a missing one then means it was deleted). */
  wasEverBuilt(): Promise<boolean>;
  /** Records that a snapshot was published. */
  markBuilt(): Promise<void>;
  /** The size of the current snapshot in bytes (0 when there is none). */
  bytes(): Promise<number>;
}

/** The snapshot of a local root, in the root itself. */
export class LocalSnapshotHome implements SnapshotHome {
  readonly shared = false;
  readonly stateDir: string;

  constructor(readonly location: string) {
    this.stateDir = path.dirname(location);
  }

  identity(): Promise<string | undefined> {
    return snapshotIdentity(this.location);
  }

  async localFile(): Promise<string> {
    return this.location;
  }

  async publish(db: Database): Promise<boolean> {
    await writeSnapshot(db, this.location);
    return true;
  }

  tryLock(): Promise<HeldLock | undefined> {
    return tryLock(this.lockFile());
  }

  waitLock(timeoutMs: number): Promise<HeldLock | undefined> {
    return waitLock(this.lockFile(), timeoutMs);
  }

  async wasEverBuilt(): Promise<boolean> {
    return existsSync(this.marker());
  }

  async markBuilt(): Promise<void> {
    await fs.writeFile(this.marker(), "", { flag: "wx" }).catch(() => undefined);
  }

  async bytes(): Promise<number> {
    return (await fs.stat(this.location).catch(() => undefined))?.size ?? 0;
  }

  private lockFile(): string {
    return path.join(this.stateDir, "compact.lock");
  }

  private marker(): string {
    return path.join(this.stateDir, "snapshot-ever-built");
  }
}

/** Versions of the shared snapshot a cache folder keeps (the current one and the one before). */
const KEEP_COPIES = 2;

/** The snapshot of a shared root: the shared object in the root, copies in the reader's cache folder. */
export class SharedSnapshotHome implements SnapshotHome {
  readonly shared = true;
  readonly location: string;

  constructor(
    private readonly storage: Storage,
    readonly stateDir: string,
  ) {
    this.location = `${storage.location}/${keys.indexFile()}`;
  }

  identity(): Promise<string | undefined> {
    return this.storage.version!(keys.indexFile());
  }

  /** Downloads version `id` unless the cache holds it; a copy with the version in its name is never rewritten. */
  async localFile(id: string | undefined): Promise<string> {
    const file = this.copyFile(id ?? "none");
    if (id === undefined || existsSync(file)) return file;
    await fs.mkdir(this.stateDir, { recursive: true });
    const tmp = tempName(file);
    try {
      const stream = await this.storage.openReadStream(keys.indexFile()).catch((err) => {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      });
      if (!stream) return file; // vanished meanwhile: loading the missing file reports it
      await pipeline(stream, createWriteStream(tmp));
      await fs.rename(tmp, file);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    await this.dropOldCopies(file);
    return file;
  }

  async publish(db: Database, expected: string | undefined): Promise<boolean> {
    await fs.mkdir(this.stateDir, { recursive: true });
    const tmp = tempName(path.join(this.stateDir, "publish.duckdb"));
    try {
      await writeSnapshot(db, tmp);
      // One PUT, never multipart: RGW ignores If-None-Match on CompleteMultipartUpload.
      const bytes = await fs.readFile(tmp);
      const condition = expected === undefined ? { ifAbsent: true } : { ifMatch: expected };
      return await this.storage.write(keys.indexFile(), bytes, condition);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  tryLock(): Promise<HeldLock | undefined> {
    return tryLease(this.storage, leaseKey());
  }

  waitLock(timeoutMs: number): Promise<HeldLock | undefined> {
    return waitLease(this.storage, leaseKey(), timeoutMs);
  }

  wasEverBuilt(): Promise<boolean> {
    return this.storage.exists(markerKey());
  }

  async markBuilt(): Promise<void> {
    await this.storage.write(markerKey(), "", { ifAbsent: true }).catch(() => false);
  }

  async bytes(): Promise<number> {
    return (await this.storage.size(keys.indexFile())) ?? 0;
  }

  private copyFile(id: string): string {
    return path.join(this.stateDir, `snapshot-${id.replace(/[^A-Za-z0-9_-]/g, "_")}.duckdb`);
  }

  // A reader still attached to a removed copy keeps reading it (the file lives until it detaches).
  private async dropOldCopies(current: string): Promise<void> {
    const names = (await fs.readdir(this.stateDir)).filter((n) => /^snapshot-.*\.duckdb$/.test(n));
    const dated = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(this.stateDir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
    const old = dated
      .filter((d) => path.join(this.stateDir, d.n) !== current)
      .sort((a, b) => b.t - a.t)
      .slice(KEEP_COPIES - 1);
    await Promise.all(old.map((d) => fs.rm(path.join(this.stateDir, d.n), { force: true })));
  }
}

const leaseKey = keys.indexLease;
const markerKey = keys.indexBuiltMarker;

/**
 * The snapshot home of a datastore: in the root when it is local, in the root and `cacheDir` when
 * it is shared (its storage has versions, i.e. conditional writes); undefined when it has neither
 * (the index then lives in memory only).
 */
export function snapshotHomeOf(ds: Datastore, cacheDir: () => string): SnapshotHome | undefined {
  const local = ds.storage.localPath?.(keys.indexFile());
  if (local !== undefined) return new LocalSnapshotHome(local);
  if (typeof ds.storage.version === "function") return new SharedSnapshotHome(ds.storage, cacheDir());
  return undefined;
}
