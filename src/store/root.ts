/**
 * Where the datastore root is: `--datastore-root` (an explicit option), else `TSFLOW_DATASTORE_ROOT`,
 * else the nearest `.tsflow` folder in the working directory or one of its parents, else `./.tsflow`
 * (created on first write, announced once on stderr). A root given as `s3://bucket/prefix` is a
 * team's shared root in an S3-compatible bucket (`S3Storage`).
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { Datastore } from "./datastore.js";
import { LocalStorage } from "./local-storage.js";
import { CachedStorage } from "./cached-storage.js";
import { ObjectCache } from "./object-cache.js";
import { rootCacheDir } from "./cache-dir.js";
import type { Storage } from "./storage.js";
import { S3Storage, formatS3Url, isS3Url, parseS3Url } from "./s3-storage.js";
import { DatastoreError } from "../util/errors.js";

/** The folder name of a default datastore root. */
export const DEFAULT_ROOT_NAME = ".tsflow";

const opened = new Map<string, Datastore>();
// Information, not a problem: stdout, as Metaflow prints it.
let announce: (message: string) => void = (m) => process.stdout.write(`${m}\n`);

/**
 * Resolves the datastore root to use, without creating it: an absolute directory, or the canonical
 * `s3://bucket/prefix` URL of an S3 root.
 * @throws DatastoreError when an `s3://` root is malformed.
 */
export function resolveDatastoreRoot(explicit?: string, cwd = process.cwd()): string {
  const given = explicit ?? process.env.TSFLOW_DATASTORE_ROOT;
  if (given && isS3Url(given)) return formatS3Url(parseS3Url(given));
  if (given) return path.resolve(cwd, given);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEFAULT_ROOT_NAME);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(cwd, DEFAULT_ROOT_NAME);
}

/**
 * Opens (and caches per process) the datastore at a root; `create` makes the folder when it is
 * missing and says so once.
 */
export function openDatastore(root?: string, options: { create?: boolean } = {}): Datastore {
  const dir = resolveDatastoreRoot(root);
  if (isS3Url(dir)) return openS3(dir);
  if (options.create && !existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new DatastoreError(
        `Could not create the datastore root ${dir} (${(err as NodeJS.ErrnoException).code}). Choose a --datastore-root you can write to, or create it with the right permissions.`,
        { cause: err },
      );
    }
    announce(`Creating local datastore in ${dir}`);
  }
  let ds = opened.get(dir);
  if (!ds) opened.set(dir, (ds = new Datastore(new LocalStorage(dir))));
  return ds;
}

// An S3 root needs no creating: the bucket must exist (tsflow datastore check says so when it does not).
function openS3(url: string): Datastore {
  let ds = opened.get(url);
  if (!ds) {
    const storage = new S3Storage(url);
    storage.warm();
    opened.set(url, (ds = new Datastore(sharedStorage(storage))));
  }
  return ds;
}

/**
 * A shared root's storage behind this user's artifact cache (`<cache>/objects`, see `cache-dir.ts`):
 * artifacts are downloaded once per machine.
 */
export function sharedStorage(storage: Storage): CachedStorage {
  return new CachedStorage(storage, new ObjectCache(path.join(rootCacheDir(storage.location), "objects")));
}

/** Replaces where the one-time "Creating local datastore" notice goes (the kernel shows it in a cell). */
export function setRootAnnouncer(fn: (message: string) => void): void {
  announce = fn;
}
