/**
 * `CachedStorage` puts a shared (S3) root's `Storage` behind the reader's local artifact cache:
 * reads of content-addressed objects (`objects/<sha[0:2]>/<sha>`) are served from `ObjectCache`,
 * downloading each object once; everything else goes straight to the root. An object is
 * immutable, so a cached copy is always current, and a copy is the same local file a local root
 * would read from.
 */
import { createReadStream } from "node:fs";
import * as fs from "node:fs/promises";
import type { Readable } from "node:stream";
import type { ListOptions, RandomAccessFile, StagedWrite, Storage, WriteOptions } from "./storage.js";
import type { ObjectCache } from "./object-cache.js";

const OBJECT_KEY = /^objects\/[0-9a-f]{2}\/([0-9a-f]{64})$/;

/** A `Storage` whose object reads go through a local `ObjectCache`. */
export class CachedStorage implements Storage {
  readonly location: string;
  /** Present when the root has versions (conditional writes); see `Storage.version`. */
  readonly version?: (key: string) => Promise<string | undefined>;
  /** Present when the root can append (S3 cannot). */
  readonly append?: (key: string, text: string) => Promise<void>;

  /**
   * @param inner the root's storage (without local paths).
   * @param objectCache the cache of this root's objects.
   */
  constructor(
    readonly inner: Storage,
    readonly objectCache: ObjectCache,
  ) {
    this.location = inner.location;
    if (inner.version) this.version = (key) => inner.version!(key);
    if (inner.append) this.append = (key, text) => inner.append!(key, text);
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    const sha = OBJECT_KEY.exec(key)?.[1];
    if (sha === undefined) return this.inner.read(key);
    const file = await this.cached(sha, key);
    return file === undefined ? undefined : fs.readFile(file);
  }

  async readText(key: string): Promise<string | undefined> {
    const bytes = await this.read(key);
    return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  async openReadStream(key: string): Promise<Readable> {
    const sha = OBJECT_KEY.exec(key)?.[1];
    if (sha === undefined) return this.inner.openReadStream(key);
    const file = await this.objectCache.fetch(sha, () => this.inner.openReadStream(key));
    return createReadStream(file, { highWaterMark: 1 << 20 });
  }

  /**
   * A cached object is a local file handle (read as a local root's are); a miss is fetched whole
   * into the cache when the caller reads it all, else read by ranges from the root (a preview).
   */
  async openRandomAccess(key: string, options: { readsAll?: boolean } = {}): Promise<RandomAccessFile> {
    const sha = OBJECT_KEY.exec(key)?.[1];
    if (sha === undefined) return this.inner.openRandomAccess(key, options);
    const hit = await this.objectCache.peek(sha);
    if (hit === undefined && !options.readsAll) return this.inner.openRandomAccess(key, options);
    return fs.open(hit ?? (await this.objectCache.fetch(sha, () => this.inner.openReadStream(key))), "r");
  }

  write(key: string, data: Uint8Array | string, options?: WriteOptions): Promise<boolean> {
    return this.inner.write(key, data, options);
  }

  list(prefix: string, options?: ListOptions): Promise<string[]> {
    return this.inner.list(prefix, options);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  openWriteStream(key: string): Promise<StagedWrite> {
    return this.inner.openWriteStream(key);
  }

  size(key: string): Promise<number | undefined> {
    return this.inner.size(key);
  }

  modifiedAt(key: string): Promise<number | undefined> {
    return this.inner.modifiedAt(key);
  }

  /** The cached copy of an object, downloading it; undefined when the root does not have it. */
  private async cached(sha: string, key: string): Promise<string | undefined> {
    try {
      return await this.objectCache.fetch(sha, () => this.inner.openReadStream(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }
}
