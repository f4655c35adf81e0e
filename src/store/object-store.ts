/**
 * The content-addressed object store of a datastore root: every artifact value is stored once, at
 * `objects/<sha[0:2]>/<sha>`, where `sha` is the SHA-256 of its stored bytes. Objects are immutable;
 * artifact records (`artifacts.json`) refer to them by `ArtifactRef`.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { DatastoreError, UsageError, isTsflowError } from "../util/errors.js";
import {
  artifactFormat,
  decodeJson,
  describeType,
  encodeJson,
  loadArrowCodec,
  type ArrowPreview,
  type ArtifactContext,
  type ArrowTableDiff,
  type DiffArrowOptions,
  type ArrowColumnScan,
} from "./codec/index.js";
import { keys } from "./layout.js";
import { isMissing } from "./local-storage.js";
import type { ArtifactRef } from "./records.js";
import type { RandomAccessFile, Storage } from "./storage.js";

export { describeType, type ArrowPreview, type ArtifactContext, type ArrowTableDiff, type DiffArrowOptions, type ArrowColumnScan };

/**
 * Where streamed objects are staged before their address is known. A crash mid-write leaves a
 * `objects/incoming.tmp-*` file there: never an object, ignored by readers, safe to delete.
 */
const STAGING_KEY = "objects/incoming";

/** What `put` learns about the stored bytes. */
type Stored = Pick<ArtifactRef, "sha" | "size" | "format">;

/**
 * An `ObjectStore` holds the artifact values of one datastore root, content-addressed: identical
 * values are stored once. Writes are atomic (a reader never sees half an object). An Arrow `Table` is
 * stored as an Arrow IPC file, streamed; every other value as tagged JSON (see `json-codec.ts`).
 * @example
 * const objects = new ObjectStore(new LocalStorage("/data/tsflow"));
 * const ref = await objects.put({ alpha: 0.5 }, { artifact: "params", step: "start" });
 * await objects.get(ref); // { alpha: 0.5 }
 */
export class ObjectStore {
  /** The byte backend the objects live in. */
  readonly storage: Storage;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /**
   * Stores a value, unless an identical one is stored already.
   * @param value - the artifact value.
   * @param ctx - the artifact and step, named in the error when the value cannot be stored.
   * @returns the reference to record for the artifact (`createdAt` is now).
   * @throws ArtifactError (`UNSERIALIZABLE_ARTIFACT`) when the value cannot be stored faithfully.
   * @throws DatastoreError when the datastore cannot be written.
   */
  async put(value: unknown, ctx: ArtifactContext): Promise<ArtifactRef> {
    const createdAt = Date.now();
    const stored = artifactFormat(value) === "arrow" ? await this.putArrow(value, ctx) : await this.putJson(value, ctx);
    return { ...stored, createdAt, type: describeType(value) };
  }

  /**
   * Loads a stored value.
   * @param ref - the object's address and format, from an `ArtifactRef`.
   * @returns a fresh copy of the value (an apache-arrow `Table` for the `arrow` format).
   * @throws DatastoreError when the object is missing or damaged.
   */
  async get(ref: Pick<ArtifactRef, "sha" | "format">): Promise<unknown> {
    const key = keys.object(ref.sha);
    if (ref.format === "arrow") return this.getArrow(key, ref.sha);
    const bytes = await this.storage.read(key);
    if (bytes === undefined) throw this.missing(ref.sha);
    return decodeJson(bytes);
  }

  /**
   * Tells whether an object is stored.
   * @param sha - the object's SHA-256 (hex).
   */
  async has(sha: string): Promise<boolean> {
    return this.storage.exists(keys.object(sha));
  }

  /**
   * Previews a stored Arrow table without loading it: the schema, the row count (from the batch
   * headers) and the first `rows` rows as plain objects (reads only the first batches' bodies).
   * @param ref - the object's address and format; the format must be `arrow`.
   * @param rows - how many rows to return.
   * @throws UsageError when the object is not an Arrow table; DatastoreError when it is missing.
   */
  async loadArrowPreview(ref: Pick<ArtifactRef, "sha" | "format">, rows = 10): Promise<ArrowPreview> {
    if (ref.format !== "arrow") throw new UsageError(`Object ${ref.sha} is stored as ${ref.format}, not as an Arrow table: load it with get() instead.`);
    const file = await this.openFile(keys.object(ref.sha), ref.sha);
    return (await loadArrowCodec()).previewArrowFile(file, rows);
  }

  /**
   * Compares two stored Arrow tables batch by batch (one batch of each in memory at a time): schema
   * changes, row counts and the first differing rows.
   * @param a - the first table's address; its format must be `arrow`.
   * @param b - the second table's address; its format must be `arrow`.
   * @throws UsageError when an object is not an Arrow table; DatastoreError when one is missing or damaged.
   */
  async diffArrow(a: Pick<ArtifactRef, "sha" | "format">, b: Pick<ArtifactRef, "sha" | "format">, options: DiffArrowOptions = {}): Promise<ArrowTableDiff> {
    for (const ref of [a, b]) {
      if (ref.format !== "arrow") throw new UsageError(`Object ${ref.sha} is stored as ${ref.format}, not as an Arrow table: compare its value instead.`);
    }
    const { diffArrowTables } = await loadArrowCodec();
    const left = await this.openFile(keys.object(a.sha), a.sha);
    const right = await this.openFile(keys.object(b.sha), b.sha).catch(async (err: unknown) => {
      await left.close();
      throw err;
    });
    return diffArrowTables(left, right, options);
  }

  /**
   * Opens a stored Arrow table for reading batch by batch as SQL-typed plain columns (one batch in
   * memory at a time); its file (or stream) is opened once and closed when the batches are done.
   * @throws UsageError when the object is not an Arrow table; DatastoreError when it is missing or damaged.
   */
  async scanArrow(ref: Pick<ArtifactRef, "sha" | "format">): Promise<ArrowColumnScan> {
    if (ref.format !== "arrow") throw new UsageError(`Object ${ref.sha} is stored as ${ref.format}, not as an Arrow table: load it with get() instead.`);
    const { scanArrowColumns } = await loadArrowCodec();
    return scanArrowColumns(await this.openFile(keys.object(ref.sha), ref.sha));
  }

  private async putJson(value: unknown, ctx: ArtifactContext): Promise<Stored> {
    const bytes = encodeJson(value, ctx);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const key = keys.object(sha);
    // Locally a stat spares writing a temporary file; on S3 the create-only PUT is the check (one request, not two).
    if (this.storage.localPath === undefined || !(await this.storage.exists(key))) await this.storage.write(key, bytes, { ifAbsent: true });
    return { sha, size: bytes.byteLength, format: "json" };
  }

  // The address is known only after the last byte: stream to a staging file while hashing, then
  // rename into place, or drop the staged copy when the object exists already.
  private async putArrow(value: unknown, ctx: ArtifactContext): Promise<Stored> {
    const chunks = (await loadArrowCodec()).encodeArrowTable(value, ctx);
    const first = chunks.next(); // refusals surface before anything is opened
    const staged = await this.storage.openWriteStream(STAGING_KEY);
    try {
      const { sha, size } = await writeHashed(prepend(first, chunks), staged.stream);
      const key = keys.object(sha);
      if (await this.storage.exists(key)) await staged.abort();
      else await staged.commit(key);
      return { sha, size, format: "arrow" };
    } catch (err) {
      await staged.abort();
      throw isTsflowError(err) ? err : this.writeFailed(err, ctx);
    }
  }

  // Random access on every backend: a local file, or ranged GETs in parallel on S3 (one buffer either way).
  private async getArrow(key: string, sha: string): Promise<unknown> {
    return (await loadArrowCodec()).readArrowFile(await this.openFile(key, sha, true));
  }

  private async openFile(key: string, sha: string, readsAll = false): Promise<RandomAccessFile> {
    try {
      return await this.storage.openRandomAccess(key, { readsAll });
    } catch (err) {
      if (isMissing(err)) throw this.missing(sha);
      throw isTsflowError(err) ? err : new DatastoreError(`Could not open object ${sha} (${(err as Error).message}).`, { cause: err });
    }
  }

  private writeFailed(err: unknown, ctx: ArtifactContext): DatastoreError {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === "ENOSPC" ? "The disk is full: free space or use another datastore root." : "Check that the datastore root is writable.";
    return new DatastoreError(
      `Could not store artifact '${ctx.artifact}' of step '${ctx.step}' in ${this.storage.location} (${e.code ?? e.message}). ${hint}`,
      { cause: err },
    );
  }

  private missing(sha: string): DatastoreError {
    return new DatastoreError(
      `Object ${sha} is missing from the datastore at ${this.storage.location}. ` +
        "The datastore is incomplete (copied partially, or objects deleted): restore the objects/ folder.",
    );
  }
}

function* prepend<T>(first: IteratorResult<T, void>, rest: Iterator<T, void>): Generator<T> {
  for (let r = first; !r.done; r = rest.next()) yield r.value;
}

/** Writes chunks to a stream with backpressure, hashing them on the way; ends the stream. */
async function writeHashed(chunks: Iterable<Uint8Array>, sink: Writable): Promise<{ sha: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const hashed = function* () {
    for (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  };
  // highWaterMark 1: hold at most one chunk ahead of the file, so memory stays at about one batch.
  await pipeline(Readable.from(hashed(), { objectMode: true, highWaterMark: 1 }), sink);
  return { sha: hash.digest("hex"), size };
}
