/**
 * Garbage collection of a datastore root: the temporary files that writers killed mid-write leave
 * behind. Every write goes to `<target>.tmp-<pid>-<random>` and is renamed into place, so such a file
 * is never a value and no reader looks at it; an interrupted artifact upload can leave a large one
 * (`objects/incoming.tmp-*`). Only files older than a threshold are removed, so writes in progress
 * (in any process, on any machine sharing the root) are left alone.
 */
import type { Datastore } from "./datastore.js";
import { mapLimit } from "../util/concurrency.js";
import { isTempName } from "./temp-name.js";
import { CachedStorage } from "./cached-storage.js";
import { S3Storage } from "./s3-storage.js";
import type { CacheTrimReport } from "./object-cache.js";

/** Options for `collectGarbage`. */
export interface GcOptions {
  /** Only temporary files last written longer ago than this are removed. */
  olderThanMs: number;
  /**
   * Report what would be removed without removing it.
   * @default false
   */
  dryRun?: boolean;
  /**
   * The current time (epoch ms), for tests.
   * @default Date.now()
   */
  now?: number;
}

/** What `collectGarbage` found. */
export interface GcReport {
  /** The temporary files removed (or, in a dry run, that would be). */
  files: { key: string; bytes: number }[];
  /** Their total size. */
  bytes: number;
  /**
   * A shared root's local artifact cache: the copies evicted to bring it within its size limit
   * (least recently used first) and temporary files of interrupted downloads.
   */
  /** On an S3 root: keys of unfinished multipart uploads (killed writers) aborted, or that would be. */
  uploads?: string[];
  cache?: CacheTrimReport & { dir: string; maxBytes: number; keptBytes: number };
}

/**
 * Removes old temporary files where writes are staged: `objects/` (artifacts), `index/` and its
 * journal, and `deployments/`. Run folders hold only small records and are not walked (a root can
 * hold 100,000 runs). On a shared root it also trims this user's artifact cache to its size limit.
 */
export async function collectGarbage(ds: Datastore, options: GcOptions): Promise<GcReport> {
  const storage = ds.storage;
  const now = options.now ?? Date.now();
  const folders = ["objects", "index", "index/journal", "deployments"];
  const objectShards = (await storage.list("objects")).filter((name) => /^[0-9a-f]{2}$/.test(name)).map((name) => `objects/${name}`);
  const candidates = (
    await mapLimit([...folders, ...objectShards], 16, async (dir) => (await storage.list(dir)).filter(isTempName).map((n) => `${dir}/${n}`))
  ).flat();
  const files: GcReport["files"] = [];
  await mapLimit(candidates, 16, async (key) => {
    const modified = await storage.modifiedAt(key);
    if (modified === undefined || now - modified < options.olderThanMs) return;
    const bytes = (await storage.size(key)) ?? 0;
    if (!options.dryRun) await storage.delete(key);
    files.push({ key, bytes });
  });
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const report: GcReport = { files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
  const s3 = storage instanceof CachedStorage ? storage.inner : storage;
  if (s3 instanceof S3Storage) report.uploads = await s3.abortStaleUploads(options.olderThanMs, { dryRun: options.dryRun ?? false, now });
  if (storage instanceof CachedStorage) {
    const cache = storage.objectCache;
    const trimmed = await cache.trim({ olderThanMs: options.olderThanMs, dryRun: options.dryRun ?? false });
    const keptBytes = (await cache.size()) - (options.dryRun ? trimmed.bytes : 0);
    report.cache = { ...trimmed, dir: cache.dir, maxBytes: cache.maxBytes, keptBytes };
  }
  return report;
}

/** Parses a duration such as `90s`, `30m`, `24h` or `7d` into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
