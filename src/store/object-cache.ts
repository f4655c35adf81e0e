/**
 * The local cache of artifact objects read from a shared (S3) root: `<root cache>/objects/<sha[0:2]>/<sha>`.
 * Objects are content-addressed and immutable, so a cached copy is never stale; it is verified
 * against its SHA-256 while it downloads, and appears only whole (temporary file, then rename). The
 * cache holds at most `maxBytes`; when a download takes it over, the least recently used copies go
 * (a hit refreshes a copy's modification time, which is its "last used").
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DatastoreError, UsageError } from "../util/errors.js";
import { isTempName, tempName } from "./temp-name.js";

/** The default size limit of a root's artifact cache: 5 GiB. `TSFLOW_CACHE_MAX` changes it. */
export const DEFAULT_CACHE_MAX_BYTES = 5 * 2 ** 30;
/** Eviction frees down to this share of the limit, so not every download evicts again. */
const EVICT_TO = 0.9;
/** A hit older than this refreshes the copy's "last used" time (one utimes, not one per read). */
const TOUCH_AFTER_MS = 60_000;

/** One cached copy. */
interface Entry {
  file: string;
  bytes: number;
  usedAt: number;
}

/** What `ObjectCache.trim` removed. */
export interface CacheTrimReport {
  /** Copies removed (least recently used first), and temporary files of interrupted downloads. */
  files: { file: string; bytes: number }[];
  /** Their total size. */
  bytes: number;
}

/**
 * An `ObjectCache` is one folder of cached artifact objects with a size limit.
 * @example
 * const cache = new ObjectCache("/home/me/.cache/tsflow/ab12.../objects", { maxBytes: 2 ** 30 });
 * const file = await cache.fetch(sha, () => storage.openReadStream(keys.object(sha)));
 */
export class ObjectCache {
  /** The size limit in bytes. */
  readonly maxBytes: number;
  private entries: Map<string, Entry> | undefined;
  private total = 0;

  constructor(
    readonly dir: string,
    options: { maxBytes?: number } = {},
  ) {
    this.maxBytes = options.maxBytes ?? cacheMaxFromEnv();
  }

  /** The cached copy's path, refreshed as used, or undefined when it is not cached. */
  async peek(sha: string): Promise<string | undefined> {
    const file = this.fileOf(sha);
    const st = await fs.stat(file).catch(() => undefined);
    if (!st) return undefined;
    if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) {
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined);
    }
    return file;
  }

  /**
   * The path of a local copy of object `sha`: the cached one, or a fresh download from `open`,
   * checked against the hash before it is kept.
   * @throws DatastoreError when the downloaded bytes do not hash to `sha` (nothing is kept).
   */
  async fetch(sha: string, open: () => Promise<Readable>): Promise<string> {
    const hit = await this.peek(sha);
    if (hit) return hit;
    const file = this.fileOf(sha);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = tempName(file);
    try {
      const hash = createHash("sha256");
      let bytes = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(await open(), hashing, createWriteStream(tmp, { highWaterMark: 1 << 20 }));
      const got = hash.digest("hex");
      if (got !== sha)
        throw new DatastoreError(
          `Object ${sha} read from the datastore hashes to ${got}: it is damaged in the datastore or was cut off on the way. Try again; if it persists, the object must be restored.`,
        );
      await fs.rename(tmp, file);
      await this.added(sha, file, bytes);
      return file;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Removes least recently used copies until the cache is within `maxBytes`, and old temporary files. */
  async trim(options: { olderThanMs?: number; dryRun?: boolean } = {}): Promise<CacheTrimReport> {
    const entries = await this.load();
    const files: CacheTrimReport["files"] = [];
    for (const tmp of await this.tempFiles(options.olderThanMs ?? 3_600_000)) {
      if (!options.dryRun) await fs.rm(tmp.file, { force: true });
      files.push(tmp);
    }
    let total = this.total;
    for (const e of [...entries.values()].sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.maxBytes) break;
      if (!options.dryRun) await this.remove(e);
      total -= e.bytes;
      files.push({ file: e.file, bytes: e.bytes });
    }
    return { files, bytes: files.reduce((s, f) => s + f.bytes, 0) };
  }

  /** The bytes the cache holds now. */
  async size(): Promise<number> {
    await this.load();
    return this.total;
  }

  private fileOf(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`invalid object id '${sha}'`);
    return path.join(this.dir, sha.slice(0, 2), sha);
  }

  private async added(sha: string, file: string, bytes: number): Promise<void> {
    const entries = await this.load();
    if (!entries.has(sha)) this.total += bytes;
    entries.set(sha, { file, bytes, usedAt: Date.now() });
    if (this.total > this.maxBytes) await this.evict(sha);
  }

  // Other processes of this user fill the same folder: re-read it before choosing what to evict.
  private async evict(keep: string): Promise<void> {
    this.entries = undefined;
    const entries = await this.load();
    const target = this.maxBytes * EVICT_TO;
    for (const e of [...entries.values()].sort((a, b) => a.usedAt - b.usedAt)) {
      if (this.total <= target) break;
      if (path.basename(e.file) !== keep) await this.remove(e);
    }
  }

  // A reader that has the file open (or memory-mapped) keeps its bytes until it closes it.
  private async remove(e: Entry): Promise<void> {
    await fs.rm(e.file, { force: true });
    this.entries?.delete(path.basename(e.file));
    this.total -= e.bytes;
  }

  /** Lists the cache once per process (cost: one stat per cached copy), then keeps the count itself. */
  private async load(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    let total = 0;
    for (const shard of await readdirOrEmpty(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdirOrEmpty(path.join(this.dir, shard))) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        const file = path.join(this.dir, shard, name);
        const st = await fs.stat(file).catch(() => undefined);
        if (!st) continue;
        entries.set(name, { file, bytes: st.size, usedAt: st.mtimeMs });
        total += st.size;
      }
    }
    this.entries = entries;
    this.total = total;
    return entries;
  }

  private async tempFiles(olderThanMs: number): Promise<{ file: string; bytes: number }[]> {
    const out: { file: string; bytes: number }[] = [];
    for (const shard of await readdirOrEmpty(this.dir)) {
      for (const name of (await readdirOrEmpty(path.join(this.dir, shard))).filter(isTempName)) {
        const file = path.join(this.dir, shard, name);
        const st = await fs.stat(file).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs >= olderThanMs) out.push({ file, bytes: st.size });
      }
    }
    return out;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}

/**
 * Parses a size such as `500MB`, `5GB`, `2GiB` or a plain byte count; undefined when it is not one.
 * @param text the size.
 */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? "b").toLowerCase().replace(/i?b$/, "") || "b";
  const scale = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[unit as "b" | "k" | "m" | "g" | "t"];
  return Math.floor(Number(m[1]) * scale);
}

function cacheMaxFromEnv(): number {
  const text = process.env.TSFLOW_CACHE_MAX;
  if (!text) return DEFAULT_CACHE_MAX_BYTES;
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`TSFLOW_CACHE_MAX='${text}' is not a size: give a number of bytes or one with a unit, such as 500MB or 5GB.`);
  return bytes;
}
