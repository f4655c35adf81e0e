/**
 * Comparing two stored Arrow tables batch by batch: schema changes, row counts and the first rows
 * that differ. At most one record batch of each table is in memory at a time; aligned ranges whose
 * column buffers are byte-equal are skipped without decoding a value, so two 10-million-row tables
 * that differ in one row cost about one read of each file.
 */
import type { Readable } from "node:stream";
import { DataType, RecordBatchReader, type Data, type RecordBatch, type Schema } from "apache-arrow";
import { sameValue } from "../../util/value-diff.js";
import { DatastoreError } from "../../util/errors.js";
import type { RandomAccessFile } from "../storage.js";
import { asFileHandle } from "./arrow-codec.js";
import { plainRow, plainValue } from "./arrow-preview.js";

/** A column of a table: its name and Arrow type (`Int32`, `Utf8`, ...). */
export interface ArrowColumn {
  name: string;
  type: string;
}

/** One row that differs, at the same position in both tables. */
export interface ArrowRowChange {
  /** The row's position (0-based) in both tables. */
  row: number;
  /** The columns (present in both tables) whose values differ. */
  columns: string[];
  /** The row in the first table, as plain values. */
  a: Record<string, unknown>;
  /** The row in the second table, as plain values. */
  b: Record<string, unknown>;
}

/** How two Arrow tables differ. */
export interface ArrowTableDiff {
  /** Columns only in the second table, only in the first, and in both with another type. */
  schema: { added: ArrowColumn[]; removed: ArrowColumn[]; changed: { name: string; a: string; b: string }[] };
  /** Rows of the first and the second table. */
  rows: { a: number; b: number };
  /** Rows compared: the first `min(rows.a, rows.b)` of each, on the columns both tables have. */
  comparedRows: number;
  /** Rows among those compared where some common column differs. */
  differingRows: number;
  /** The first differing rows (up to `maxRows`). */
  firstDifferences: ArrowRowChange[];
  /** Record batches decoded from each table. */
  batchesRead: { a: number; b: number };
}

/** Options of `diffArrowTables`. */
export interface DiffArrowOptions {
  /**
   * How many differing rows to return.
   * @default 5
   */
  maxRows?: number;
}

/** Where a table is read from: a random-access file (local, or ranged reads on S3) or a byte stream. Closed when done. */
export type ArrowSource = RandomAccessFile | Readable;

/**
 * Compares two Arrow IPC files (or streams) batch by batch; both sources are closed when it returns.
 * @throws DatastoreError when a source is not an Arrow IPC file.
 */
export async function diffArrowTables(a: ArrowSource, b: ArrowSource, options: DiffArrowOptions = {}): Promise<ArrowTableDiff> {
  const left = await openCursor(a);
  try {
    const right = await openCursor(b);
    try {
      return await compare(left, right, options.maxRows ?? 5);
    } finally {
      await right.close();
    }
  } finally {
    await left.close();
  }
}

/** Reads one table batch by batch, handing out aligned row ranges. */
class Cursor {
  batch: RecordBatch | undefined;
  pos = 0;
  batches = 0;
  rows = 0;
  private done = false;

  constructor(
    readonly schema: Schema,
    private readonly it: AsyncIterator<RecordBatch>,
    private readonly release: () => Promise<void>,
  ) {}

  /** Rows left in the current batch, loading the next non-empty batch when it is used up (0 at the end). */
  async available(): Promise<number> {
    while (!this.done && (!this.batch || this.pos >= this.batch.numRows)) {
      const next = await this.it.next();
      if (next.done) {
        this.done = true;
        this.batch = undefined;
      } else {
        this.batch = next.value;
        this.pos = 0;
        this.batches++;
        this.rows += next.value.numRows;
      }
    }
    return this.batch ? this.batch.numRows - this.pos : 0;
  }

  /** Takes the next `n` rows of the current batch (a zero-copy slice). */
  take(n: number): RecordBatch {
    const slice = this.batch!.slice(this.pos, this.pos + n);
    this.pos += n;
    return slice;
  }

  /** Counts the rows left without comparing them. */
  async drain(): Promise<void> {
    while ((await this.available()) > 0) this.pos = this.batch!.numRows;
  }

  close(): Promise<void> {
    return this.release();
  }
}

async function openCursor(source: ArrowSource): Promise<Cursor> {
  const reader = await (isStream(source) ? RecordBatchReader.from(source) : RecordBatchReader.from(asFileHandle(source)));
  const release = async () => {
    await reader.cancel();
    if (isStream(source)) source.destroy();
    else await source.close();
  };
  try {
    await reader.open();
    const schema = reader.schema; // taken now: the reader forgets it when reading ends
    if (!schema) throw new Error("no schema");
    return new Cursor(schema, (reader as AsyncIterable<RecordBatch>)[Symbol.asyncIterator](), release);
  } catch (err) {
    await release().catch(() => undefined);
    throw new DatastoreError(`A stored Arrow artifact could not be read (${(err as Error).message}); the object is damaged.`, { cause: err });
  }
}

interface Pairing {
  names: string[];
  left: number[];
  right: number[];
}

async function compare(a: Cursor, b: Cursor, maxRows: number): Promise<ArrowTableDiff> {
  const schema = schemaDiff(a.schema, b.schema);
  const pairs = commonColumns(a.schema, b.schema);
  const out = { compared: 0, differing: 0, first: [] as ArrowRowChange[] };
  for (;;) {
    const n = Math.min(await a.available(), await b.available());
    if (n === 0) break;
    compareRange(a.take(n), b.take(n), pairs, out, maxRows);
  }
  await a.drain();
  await b.drain();
  return {
    schema,
    rows: { a: a.rows, b: b.rows },
    comparedRows: out.compared,
    differingRows: out.differing,
    firstDifferences: out.first,
    batchesRead: { a: a.batches, b: b.batches },
  };
}

/** Rows per block when a column range is not byte-equal: blocks that are equal are still skipped undecoded. */
const BLOCK_ROWS = 4096;

function compareRange(
  x: RecordBatch,
  y: RecordBatch,
  pairs: Pairing,
  out: { compared: number; differing: number; first: ArrowRowChange[] },
  maxRows: number,
): void {
  const differing = new Map<number, string[]>();
  pairs.names.forEach((name, k) => {
    const dx = x.data.children[pairs.left[k]!]!;
    const dy = y.data.children[pairs.right[k]!]!;
    if (fastEqual(dx, dy)) return;
    const vx = x.getChildAt(pairs.left[k]!)!;
    const vy = y.getChildAt(pairs.right[k]!)!;
    for (let start = 0; start < x.numRows; start += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, x.numRows - start);
      if (fastEqual(dx.slice(start, n), dy.slice(start, n))) continue;
      for (let i = start; i < start + n; i++) {
        if (sameValue(plainValue(vx.get(i), dx.type), plainValue(vy.get(i), dy.type))) continue;
        const cols = differing.get(i);
        if (cols) cols.push(name);
        else differing.set(i, [name]);
      }
    }
  });
  const rows = [...differing.keys()].sort((p, q) => p - q);
  for (const i of rows) {
    if (out.first.length >= maxRows) break;
    out.first.push({ row: out.compared + i, columns: differing.get(i)!, a: plainRow(x, i), b: plainRow(y, i) });
  }
  out.differing += rows.length;
  out.compared += x.numRows;
}

function schemaDiff(a: Schema, b: Schema): ArrowTableDiff["schema"] {
  const typesA = new Map(a.fields.map((f) => [f.name, String(f.type)]));
  const typesB = new Map(b.fields.map((f) => [f.name, String(f.type)]));
  return {
    added: b.fields.filter((f) => !typesA.has(f.name)).map((f) => ({ name: f.name, type: String(f.type) })),
    removed: a.fields.filter((f) => !typesB.has(f.name)).map((f) => ({ name: f.name, type: String(f.type) })),
    changed: a.fields
      .filter((f) => typesB.has(f.name) && typesB.get(f.name) !== String(f.type))
      .map((f) => ({ name: f.name, a: String(f.type), b: typesB.get(f.name)! })),
  };
}

function commonColumns(a: Schema, b: Schema): Pairing {
  const indexB = new Map(b.fields.map((f, i) => [f.name, i]));
  const out: Pairing = { names: [], left: [], right: [] };
  a.fields.forEach((f, i) => {
    const j = indexB.get(f.name);
    if (j === undefined) return;
    out.names.push(f.name);
    out.left.push(i);
    out.right.push(j);
  });
  return out;
}

/**
 * True when two column slices certainly hold the same values, judged from their buffers alone;
 * false means "not known", and the caller compares values. Nested and list types are not judged.
 */
function fastEqual(x: Data, y: Data): boolean {
  if (x.length !== y.length || String(x.type) !== String(y.type)) return false;
  if ((x.nullCount > 0 || y.nullCount > 0) && !(x.offset === y.offset && bytesEqual(x.nullBitmap, y.nullBitmap))) return false;
  if (DataType.isDictionary(x.type)) return false;
  if (DataType.isBool(x.type)) return x.offset === y.offset && bytesEqual(x.values, y.values);
  if (x.valueOffsets) return x.children.length === 0 && variableEqual(x, y);
  if (x.children.length > 0) return DataType.isStruct(x.type) && x.children.every((c, i) => fastEqual(c, y.children[i]!));
  return bytesEqual(x.values, y.values);
}

/** Utf8 / Binary slices: the offsets relative to the first one, and the bytes they span. */
function variableEqual(x: Data, y: Data): boolean {
  const ox = x.valueOffsets as ArrayLike<number | bigint>;
  const oy = y.valueOffsets as ArrayLike<number | bigint>;
  const bx = Number(ox[0]);
  const by = Number(oy[0]);
  for (let i = 0; i <= x.length; i++) if (Number(ox[i]) - bx !== Number(oy[i]) - by) return false;
  const end = Number(ox[x.length]) - bx;
  return bytesEqual(x.values.subarray(bx, bx + end), y.values.subarray(by, by + end));
}

function bytesEqual(p: ArrayBufferView | undefined, q: ArrayBufferView | undefined): boolean {
  if (!p || !q) return p === q;
  if (p.byteLength !== q.byteLength) return false;
  return Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(q.buffer, q.byteOffset, q.byteLength));
}

function isStream(source: RandomAccessFile | Readable): source is Readable {
  return typeof (source as Readable).pipe === "function";
}
