/**
 * `LocalStorage` is the `Storage` backend for a datastore root on a local (or NFS) filesystem.
 * Writes go to a unique temporary file beside the target and are renamed into place, so a reader
 * never sees half a file and a `kill -9` at any moment leaves either nothing or the whole value.
 */
import { createReadStream, createWriteStream } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { DatastoreError } from "../util/errors.js";
import type { ListOptions, RandomAccessFile, StagedWrite, Storage, WriteOptions } from "./storage.js";
import { tempName } from "./temp-name.js";

/** A `Storage` on the local filesystem, rooted at one directory. */
export class LocalStorage implements Storage {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  localPath(key: string): string {
    return path.join(this.location, key);
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.localPath(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrap(err, "read", key);
    }
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.localPath(key), "utf8");
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrap(err, "read", key);
    }
  }

  // Directories this process made or saw: a task writes several files into new folders, and a
  // failed write (ENOENT) before each mkdir doubles its file-system round trips.
  private readonly knownDirs = new Set<string>();

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    if (this.knownDirs.size > 10_000) this.knownDirs.clear();
    this.knownDirs.add(dir);
  }

  async write(key: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<boolean> {
    const target = this.localPath(key);
    const tmp = tempName(target);
    try {
      await this.ensureDir(path.dirname(tmp));
      await inParentDir(tmp, () => fs.writeFile(tmp, data));
      if (options.ifAbsent) return await linkIfAbsent(tmp, target);
      if (options.ifMatch !== undefined) return await this.renameIfMatch(tmp, target, options.ifMatch);
      await fs.rename(tmp, target);
      return true;
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw wrap(err, "write", key);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<string[]> {
    try {
      const names = await fs.readdir(this.localPath(prefix));
      const after = options.startAfter;
      return after === undefined ? names : names.filter((n) => n > after).sort();
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === "ENOTDIR") return [];
      throw wrap(err, "list", prefix);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.localPath(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number | undefined> {
    return (await this.stat(key))?.size;
  }

  async modifiedAt(key: string): Promise<number | undefined> {
    return (await this.stat(key))?.mtimeMs;
  }

  async version(key: string): Promise<string | undefined> {
    try {
      return fileVersion(await fs.stat(this.localPath(key), { bigint: true }));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrap(err, "stat", key);
    }
  }

  // A rename cannot compare first, so the compare and the rename happen under a create-only guard
  // file; a guard left by a process killed between the two is taken over after a few seconds.
  private async renameIfMatch(tmp: string, target: string, expected: string): Promise<boolean> {
    const guard = `${target}.cas-guard`;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        await fs.writeFile(guard, "", { flag: "wx" });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const st = await fs.stat(guard).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > 5_000) await fs.rm(guard, { force: true });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    try {
      const st = await fs.stat(target, { bigint: true }).catch(() => undefined);
      if (!st || fileVersion(st) !== expected) return false;
      await fs.rename(tmp, target);
      return true;
    } finally {
      await fs.rm(tmp, { force: true });
      await fs.rm(guard, { force: true });
    }
  }

  private async stat(key: string): Promise<import("node:fs").Stats | undefined> {
    try {
      return await fs.stat(this.localPath(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrap(err, "stat", key);
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.localPath(key), { force: true, recursive: true });
  }

  async openReadStream(key: string): Promise<Readable> {
    const file = this.localPath(key);
    await fs.access(file).catch((err) => {
      throw isMissing(err) ? err : wrap(err, "read", key);
    });
    return createReadStream(file, { highWaterMark: 1 << 20 });
  }

  async openRandomAccess(key: string): Promise<RandomAccessFile> {
    try {
      return await fs.open(this.localPath(key), "r");
    } catch (err) {
      throw isMissing(err) ? err : wrap(err, "read", key);
    }
  }

  async openWriteStream(key: string): Promise<StagedWrite> {
    const target = this.localPath(key);
    const tmp = tempName(target);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const stream = createWriteStream(tmp, { highWaterMark: 1 << 20 });
    return {
      stream,
      commit: async (finalKey?: string) => {
        if (!stream.writableFinished) {
          stream.end();
          await finished(stream);
        }
        const final = finalKey === undefined ? target : this.localPath(finalKey);
        await inParentDir(final, () => fs.rename(tmp, final)).catch(async (err) => {
          await fs.rm(tmp, { force: true });
          throw wrap(err, "write", finalKey ?? key);
        });
      },
      abort: async () => {
        stream.destroy();
        await fs.rm(tmp, { force: true });
      },
    };
  }

  async append(key: string, text: string): Promise<void> {
    const file = this.localPath(key);
    try {
      await fs.appendFile(file, text);
    } catch (err) {
      if (!isMissing(err)) throw wrap(err, "append to", key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.appendFile(file, text);
    }
  }
}

// Runs a file operation that needs `file`'s folder; if the folder is missing (a first write, or it was
// removed), makes it and runs the operation again.
async function inParentDir<T>(file: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!isMissing(err)) throw err;
    await fs.mkdir(path.dirname(file), { recursive: true });
    return op();
  }
}

// link(2) fails with EEXIST instead of replacing: the create-only primitive that rename lacks.
async function linkIfAbsent(tmp: string, target: string): Promise<boolean> {
  try {
    await fs.link(tmp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

// A rename over a file gives the key a new inode: inode, size and change time name one version.
function fileVersion(st: import("node:fs").BigIntStats): string {
  return `${st.ino}-${st.size}-${st.mtimeNs}`;
}

/** Tells whether an error is the filesystem's "no such file". */
export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

function wrap(err: unknown, verb: string, key: string): DatastoreError {
  const e = err as NodeJS.ErrnoException;
  const hint =
    e.code === "ENOSPC"
      ? "The disk is full: free space or point --datastore-root at another disk."
      : e.code === "EACCES" || e.code === "EPERM" || e.code === "EROFS"
        ? "The datastore root is not writable by you: fix its permissions or choose another --datastore-root."
        : "Check that the datastore root is reachable and writable.";
  return new DatastoreError(`Could not ${verb} '${key}' (${e.code ?? e.message}). ${hint}`, { cause: err });
}
