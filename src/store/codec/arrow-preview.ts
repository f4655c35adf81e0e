/**
 * Previews of stored Arrow tables, for the notebook kernel and the CLI: the schema, the row count and
 * the first rows, as plain JavaScript values (no Arrow types leave this module).
 */
import { AsyncRecordBatchFileReader, DataType, Message, RecordBatchReader, isArrowVector } from "apache-arrow";
import type { RecordBatch, Schema, Table } from "apache-arrow";
import { DatastoreError } from "../../util/errors.js";
import { mapLimit } from "../../util/concurrency.js";
import type { RandomAccessFile } from "../storage.js";
import { asFileHandle } from "./arrow-codec.js";

/** The first rows of a stored table, with its schema and total row count. */
export interface ArrowPreview {
  /** Columns in order: name and Arrow type (`Int32`, `Utf8`, `Dictionary<Int32, Utf8>`, ...). */
  schema: { name: string; type: string }[];
  /** Rows of the whole table. */
  numRows: number;
  /** The first rows (up to the number asked for), as plain objects keyed by column name. */
  rows: Record<string, unknown>[];
  /** Record batches in the whole table. */
  numBatches: number;
  /** Record batches whose bodies were read and decoded for `rows`: the first few when read from a file, all when the table was loaded. */
  batchesRead: number;
}

type Footer = NonNullable<AsyncRecordBatchFileReader["footer"]>;

/**
 * Previews an Arrow IPC file by random access: reads the footer (schema and batch offsets), the header
 * of every batch (for the row count) and the bodies of only the first batches.
 * @param file - an open handle on the file; closed when this returns or throws.
 * @param rows - how many rows to return.
 */
export async function previewArrowFile(file: RandomAccessFile, rows: number): Promise<ArrowPreview> {
  const reader = await RecordBatchReader.from(asFileHandle(file));
  try {
    await reader.open();
    if (!(reader instanceof AsyncRecordBatchFileReader) || !reader.footer) {
      throw new DatastoreError("A stored Arrow artifact is not an Arrow IPC file; the object is damaged.");
    }
    const numRows = await countRows(file, reader.footer);
    const batches = await firstBatches(reader, rows);
    const numBatches = reader.footer.numRecordBatches;
    return { schema: describeSchema(reader.schema), numRows, rows: plainRows(batches, rows), numBatches, batchesRead: batches.length };
  } finally {
    await reader.cancel();
    await file.close();
  }
}

/**
 * Previews a table already in memory (used when the storage has no local file to read from).
 * @param table - the table.
 * @param rows - how many rows to return.
 */
export function previewTable(table: Table, rows: number): ArrowPreview {
  const numBatches = table.batches.length;
  return { schema: describeSchema(table.schema), numRows: table.numRows, rows: plainRows(table.batches, rows), numBatches, batchesRead: numBatches };
}

async function firstBatches(reader: AsyncRecordBatchFileReader, rows: number): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  for (let i = 0, seen = 0; i < reader.numRecordBatches && seen < rows; i++) {
    const batch = await reader.readRecordBatch(i);
    if (!batch) break;
    batches.push(batch);
    seen += batch.numRows;
  }
  return batches;
}

// Header reads are independent: in parallel, which matters when each is a ranged GET.
async function countRows(file: RandomAccessFile, footer: Footer): Promise<number> {
  const indexes = Array.from({ length: footer.numRecordBatches }, (_, i) => i);
  const lengths = await mapLimit(indexes, 16, async (i) => {
    const block = footer.getRecordBatch(i)!;
    const metadata = Buffer.alloc(block.metaDataLength);
    await file.read(metadata, 0, metadata.length, block.offset);
    return batchLength(metadata);
  });
  return lengths.reduce((a, b) => a + b, 0);
}

/** The row count in a batch's message header: [0xFFFFFFFF] [int32 length] [flatbuffer Message]. */
function batchLength(prefixed: Buffer): number {
  const start = prefixed.readInt32LE(0) === -1 ? 8 : 4;
  const length = prefixed.readInt32LE(start - 4);
  const message = Message.decode(prefixed.subarray(start, start + length));
  if (!message.isRecordBatch()) throw new DatastoreError("A stored Arrow artifact has a damaged batch header.");
  return Number(message.header().length);
}

function describeSchema(schema: Schema): ArrowPreview["schema"] {
  return schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
}

function plainRows(batches: readonly RecordBatch[], limit: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const batch of batches) {
    for (let i = 0; i < batch.numRows && rows.length < limit; i++) rows.push(plainRow(batch, i));
  }
  return rows;
}

/** One row of a batch as a plain object keyed by column name. */
export function plainRow(batch: RecordBatch, index: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  batch.schema.fields.forEach((field, j) => {
    Object.defineProperty(row, field.name, {
      value: plainValue(batch.getChildAt(j)?.get(index), field.type),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return row;
}

/** Converts an Arrow cell to plain JavaScript: dates to `Date`, lists to arrays, structs and maps to objects. */
export function plainValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (DataType.isDictionary(type)) return plainValue(value, type.dictionary);
  if ((DataType.isDate(type) || DataType.isTimestamp(type)) && typeof value === "number") return new Date(value);
  if (isArrowVector(value)) return Array.from(value, (x) => plainValue(x, listItemType(type)));
  if (DataType.isStruct(type)) return Object.fromEntries(type.children.map((f) => [f.name, plainValue((value as Record<string, unknown>)[f.name], f.type)]));
  if (typeof value === "object" && !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return (value as { toJSON(): unknown }).toJSON();
  }
  return value;
}

function listItemType(type: DataType): DataType {
  return (type.children?.[0]?.type as DataType | undefined) ?? type;
}
