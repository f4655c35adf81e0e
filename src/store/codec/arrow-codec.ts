/**
 * The Arrow artifact format: an apache-arrow `Table` is stored as an **Arrow IPC file** (the
 * random-access "file" format, also known as Feather v2: magic `ARROW1`, record batches, a footer
 * with the schema and the offset of every batch). pyarrow (`pa.ipc.open_file`, `feather.read_table`),
 * polars (`read_ipc`) and DuckDB read an object file as is.
 *
 * The file format was chosen over the stream format for its footer: a preview reads the schema, the
 * batch offsets and only the first batch, and counts rows from the batch headers without their bodies.
 * Its one limit: a dictionary-encoded column whose dictionary is *replaced* between batches cannot be
 * written (the stream format could), and is refused.
 *
 * Writing streams: batches larger than about 4 MiB are cut (zero-copy slices) so that each written
 * batch stays small; bytes are produced batch by batch, as views of the table's own buffers where
 * possible, and checked on the way (`arrow-verify.ts`): a file that would not read back as the table
 * is never stored. Reading streams too: each batch body is read from the file into its own buffer and the
 * vectors are views of it, so a table read back costs about its file size in memory.
 */
import type { Readable } from "node:stream";
import { type RecordBatch, RecordBatchReader, Table } from "apache-arrow";
import type { AsyncByteQueue, RecordBatchFileWriter, Schema } from "apache-arrow";
import type { ArrayBufferViewInput } from "apache-arrow/util/buffer";
import { DatastoreError } from "../../util/errors.js";
import { arrowLibraryOf, type ArrowLibrary } from "./arrow-library.js";
import { readWhole } from "../random-access.js";
import type { RandomAccessFile } from "../storage.js";
import { canonicalSchema } from "./arrow-schema.js";
import { ArrowFileCheck } from "./arrow-verify.js";
import { refusal, renderPath, type ArtifactContext } from "./refusal.js";

/** Batches are cut to about this many bytes when written. */
const TARGET_BATCH_BYTES = 4 << 20;
/** The default `wholeFileLimit`. */
const WHOLE_FILE_LIMIT = 1 << 30;
/** Cut points are multiples of this row count, so validity bitmaps slice on byte boundaries. */
const ROW_ALIGN = 1024;

/** An `AsyncByteQueue` that only collects what the writer writes, so the caller can drain it synchronously. */
interface ChunkCollector extends AsyncByteQueue {
  /** Returns and forgets the chunks collected so far. */
  take(): Uint8Array[];
}

// The writer keeps a sink only if it is an AsyncByteQueue of its own copy: one collector class per copy.
const collectors = new WeakMap<ArrowLibrary, new () => ChunkCollector>();

function collectorFor(lib: ArrowLibrary): ChunkCollector {
  let Collector = collectors.get(lib);
  if (!Collector) {
    Collector = class extends lib.AsyncByteQueue {
      private chunks: Uint8Array[] = [];

      override write(value: ArrayBufferViewInput | Uint8Array): void {
        const chunk = value as Uint8Array;
        if (chunk.byteLength > 0) this.chunks.push(chunk);
      }

      take(): Uint8Array[] {
        const taken = this.chunks;
        this.chunks = [];
        return taken;
      }
    };
    collectors.set(lib, Collector);
  }
  return new Collector();
}

/**
 * Encodes a table as an Arrow IPC file, lazily: each `next()` produces the bytes of at most one
 * batch, so a consumer that writes them out before asking for more holds one batch at a time.
 * The table is written by the writer of the copy of apache-arrow that made it (see `arrow-library.ts`).
 * @param table - the apache-arrow `Table` to store (typed `unknown` so callers need not import apache-arrow).
 * @param ctx - the artifact and step, for error messages.
 * @returns the chunks of the file, in order (views of the table's buffers where possible).
 * @throws ArtifactError when the value is not a Table, comes from a copy of apache-arrow tsflow
 *   cannot reach, or replaces a dictionary between batches.
 */
export function* encodeArrowTable(table: unknown, ctx: ArtifactContext): Generator<Uint8Array, void, undefined> {
  assertTable(table, ctx);
  const lib = arrowLibraryOf(table, ctx);
  const schema = canonicalSchema(table.schema, lib);
  const check = new ArrowFileCheck({ schema, numRows: table.numRows }, ctx);
  for (const chunk of writeFile(table, schema, lib, ctx)) {
    check.push(chunk);
    yield chunk;
  }
  check.finish();
}

function* writeFile(table: Table, schema: Schema, lib: ArrowLibrary, ctx: ArtifactContext): Generator<Uint8Array> {
  const sink = collectorFor(lib);
  const writer = new lib.RecordBatchFileWriter();
  writer.reset(sink, schema);
  yield* sink.take();
  for (const batch of table.batches) {
    for (const slice of sliceBatch(batch, schema, lib)) {
      writeBatch(writer, slice, ctx);
      yield* sink.take();
    }
  }
  writer.finish();
  yield* sink.take();
}

// Table's instanceof recognises tables from every copy of apache-arrow (a registered symbol).
function assertTable(table: unknown, ctx: ArtifactContext): asserts table is Table {
  if (!(table instanceof Table)) throw refusal(ctx, renderPath(ctx, []), "is not an Arrow Table", "Store it as JSON instead.");
}

function writeBatch(writer: RecordBatchFileWriter, batch: RecordBatch, ctx: ArtifactContext): void {
  try {
    writer.write(batch);
  } catch (err) {
    if (!/replacement dictionaries/.test((err as Error).message)) throw err;
    throw refusal(
      ctx,
      renderPath(ctx, []),
      "has a dictionary-encoded column whose dictionary changes between batches",
      "Rebuild the column with one dictionary for the whole table (e.g. decode it to plain strings) before storing.",
      err,
    );
  }
}

/** Cuts a batch into slices of about `TARGET_BATCH_BYTES`, each rebuilt with the written schema. */
function* sliceBatch(batch: RecordBatch, schema: Schema, lib: ArrowLibrary): Generator<RecordBatch> {
  const rows = batch.numRows;
  const step = rowsPerSlice(batch);
  // The writer silently stops at a batch whose schema differs from the one it started with.
  if (rows <= step) yield new lib.RecordBatch(schema, batch.data);
  else for (let start = 0; start < rows; start += step) yield new lib.RecordBatch(schema, batch.data.slice(start, Math.min(step, rows - start)));
}

function rowsPerSlice(batch: RecordBatch): number {
  const bytesPerRow = batch.data.byteLength / Math.max(1, batch.numRows);
  const rows = Math.floor(TARGET_BATCH_BYTES / Math.max(1, bytesPerRow));
  return Math.max(ROW_ALIGN, rows - (rows % ROW_ALIGN));
}

/** Options for `readArrowFile`. */
export interface ReadArrowOptions {
  /**
   * Files up to this many bytes are read whole into one buffer; larger ones batch by batch.
   * @default 1 GiB
   */
  wholeFileLimit?: number;
}

/**
 * Reads a table from an Arrow IPC file. A file up to `wholeFileLimit` is read in one pass into one
 * buffer and the table's vectors are views of it (one copy, no concatenation); a larger one is read
 * by random access, one batch body at a time, each into its own buffer.
 * @param file - an open handle on the file; closed when this returns or throws.
 * @param options - see `ReadArrowOptions`.
 * @returns the table, with the stored schema (metadata included) and values.
 */
export async function readArrowFile(file: RandomAccessFile, options: ReadArrowOptions = {}): Promise<Table> {
  try {
    const { size } = await file.stat();
    if (size > (options.wholeFileLimit ?? WHOLE_FILE_LIMIT)) return await readAllBatches(await RecordBatchReader.from(asFileHandle(file)), async () => {});
    return decodeArrowBytes(await readWhole(file, size));
  } finally {
    await file.close();
  }
}

/**
 * Decodes a whole Arrow IPC file (or stream) held in memory; the table's vectors are views of
 * `bytes`. Synchronous, for reads that cannot wait (a step reading `this.x`).
 * @param bytes - the stored bytes.
 * @returns the table, with its schema even when it has no rows.
 * @throws DatastoreError when the bytes are not an Arrow IPC file.
 */
export function decodeArrowBytes(bytes: Uint8Array): Table {
  try {
    const reader = RecordBatchReader.from(bytes).open();
    const schema = reader.schema; // taken now: the reader forgets it when reading ends
    if (!schema) throw new Error("no schema");
    return new Table(schema, reader.readAll());
  } catch (err) {
    throw damaged(err);
  }
}

/** apache-arrow reads anything shaped like a Node `FileHandle` (it checks `stat` and a numeric `fd`). */
export function asFileHandle(file: RandomAccessFile): import("node:fs/promises").FileHandle {
  return file as unknown as import("node:fs/promises").FileHandle;
}

function damaged(err: unknown): DatastoreError {
  return new DatastoreError(`A stored Arrow artifact could not be read (${(err as Error).message}); the object is damaged.`, { cause: err });
}

/**
 * Reads a table from a stream of Arrow IPC bytes (file or stream format), for storage without a
 * local path. A file-format stream is buffered whole before it is decoded (its footer is at the end).
 * @param stream - a readable byte stream; destroyed when this returns or throws.
 * @returns the table.
 */
export async function readArrowStream(stream: Readable): Promise<Table> {
  return readAllBatches(await RecordBatchReader.from(stream), async () => void stream.destroy());
}

type AnyReader = Awaited<ReturnType<typeof RecordBatchReader.from<any>>> | RecordBatchReader;

async function readAllBatches(reader: AnyReader, release: () => Promise<void>): Promise<Table> {
  try {
    await reader.open();
    const schema = reader.schema; // taken now: the reader forgets it when iteration ends
    if (!schema) throw new Error("no schema");
    const batches: RecordBatch[] = [];
    for await (const batch of reader as AsyncIterable<RecordBatch>) batches.push(batch);
    return new Table(schema, batches);
  } catch (err) {
    throw damaged(err);
  } finally {
    await reader.cancel();
    await release();
  }
}
