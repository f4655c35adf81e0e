/**
 * A `Storage` is the byte-level backend of a datastore root: keys are `/`-separated relative paths.
 * The local filesystem implementation is `LocalStorage`; an S3-compatible backend implements the same
 * interface (conditional create maps to `If-None-Match: *`, atomic replace to a single PUT).
 */
import type { Readable, Writable } from "node:stream";

/** Options for `Storage.write`. */
export interface WriteOptions {
  /**
   * Create only: when the key exists already, nothing is written and `write` returns false.
   * @default false
   */
  ifAbsent?: boolean;
  /**
   * Compare-and-swap: replace the value only when its current `version` is this one; when it is
   * not (or the key is missing) nothing is written and `write` returns false. Needs `version`.
   * @default no condition
   */
  ifMatch?: string;
}

/** Options for `Storage.list`. */
export interface ListOptions {
  /**
   * Only names that sort after this one (S3's `StartAfter`): an incremental listing costs the
   * names after it, not the whole folder.
   * @default every name
   */
  startAfter?: string;
}

/** A `Storage` holds the bytes of one datastore root. Every write is atomic: a reader sees the old or the new value, never a torn one. */
export interface Storage {
  /** A human-readable location of the root (a path or a URL). */
  readonly location: string;
  /** Reads a whole value, or `undefined` when the key does not exist. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Reads a whole UTF-8 value, or `undefined` when the key does not exist. */
  readText(key: string): Promise<string | undefined>;
  /** Writes a whole value atomically; returns false when `ifAbsent` is set and the key exists. */
  write(key: string, data: Uint8Array | string, options?: WriteOptions): Promise<boolean>;
  /**
   * Lists the direct children (names, not keys) under a key prefix; empty when there are none.
   * With `startAfter`, only the names after it, sorted.
   */
  list(prefix: string, options?: ListOptions): Promise<string[]>;
  /** Tells whether a key exists. */
  exists(key: string): Promise<boolean>;
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Opens a stream that reads a value; rejects with ENOENT-coded error when missing. */
  openReadStream(key: string): Promise<Readable>;
  /**
   * Opens a stream that writes a value; the value appears atomically at `key` only after `commit()`.
   * `abort()` discards what was written.
   */
  openWriteStream(key: string): Promise<StagedWrite>;
  /**
   * Appends text to a value (logs); appends may interleave across processes only at whole calls.
   * Absent on object stores (S3 has no append): logs are then stored as numbered immutable chunks.
   */
  append?(key: string, text: string): Promise<void>;
  /**
   * Opens a value for random access (ranged reads: Arrow previews, parallel downloads); rejects with
   * an ENOENT-coded error when missing. `readsAll` says the caller will read the whole value, so a
   * caching backend may fetch it whole first (a preview reads a few ranges and says false).
   */
  openRandomAccess(key: string, options?: { readsAll?: boolean }): Promise<RandomAccessFile>;
  /** A local filesystem path for the key, when the backend has one (used for memory-mapped reads). */
  localPath?(key: string): string;
  /** Byte size of a value, or `undefined` when missing. */
  size(key: string): Promise<number | undefined>;
  /** When a value was last written (epoch ms), or `undefined` when missing (S3: `LastModified`). */
  modifiedAt(key: string): Promise<number | undefined>;
  /**
   * An opaque token naming the stored version of a value (S3: the ETag without quotes), or
   * `undefined` when missing; it changes whenever the value is replaced. Backends that have it
   * support `ifMatch`.
   */
  version?(key: string): Promise<string | undefined>;
}

/**
 * Random access to one stored value, shaped like a Node `FileHandle` (a local file is one): reads of
 * byte ranges at any position. On S3 each `read` is one ranged GET.
 */
export interface RandomAccessFile {
  /** A file descriptor, or -1 when the value is not a local file. */
  readonly fd: number;
  /** The value's size. */
  stat(): Promise<{ size: number }>;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`. */
  read<T extends NodeJS.ArrayBufferView>(buffer: T, offset: number, length: number, position: number): Promise<{ bytesRead: number; buffer: T }>;
  /** Releases the handle. */
  close(): Promise<void>;
}

/** A value being written by stream; invisible to readers until committed. */
export interface StagedWrite {
  /** The stream to write bytes to. */
  readonly stream: Writable;
  /**
   * Makes the value visible at its key (atomically), or at `finalKey` when given: a key known only
   * once the bytes are written, such as a content address computed while streaming. A value
   * committed to an existing key replaces it.
   */
  commit(finalKey?: string): Promise<void>;
  /** Discards the staged bytes. */
  abort(): Promise<void>;
}
