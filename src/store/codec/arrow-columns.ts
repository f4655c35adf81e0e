/**
 * Reading a stored Arrow table batch by batch as plain column values with SQL column types, for
 * loading it into DuckDB (`artifact('Flow', 'name')` in SQL): one record batch in memory at a time.
 */
import type { Readable } from "node:stream";
import { DataType, RecordBatchReader, type Field, type RecordBatch, type Vector } from "apache-arrow";
import { DatastoreError } from "../../util/errors.js";
import type { RandomAccessFile } from "../storage.js";
import { asFileHandle } from "./arrow-codec.js";
import { toJsonText } from "../../util/json-text.js";
import { plainValue } from "./arrow-preview.js";

/**
 * The SQL type a column is loaded as. Integers up to 32 bits are INTEGER, 64-bit ones BIGINT, floats
 * and decimals DOUBLE, strings (dictionary-encoded ones too) VARCHAR, dates and timestamps TIMESTAMP
 * (epoch ms in, UTC); anything else (lists, structs, maps, binary) is VARCHAR holding JSON text.
 */
export type SqlTypeName = "BOOLEAN" | "INTEGER" | "BIGINT" | "DOUBLE" | "VARCHAR" | "TIMESTAMP";

/** A column of a scanned table, as SQL sees it. */
export interface SqlColumn {
  name: string;
  type: SqlTypeName;
}

/** One batch: a value array per column, all `length` long. TIMESTAMP values are epoch ms. */
export interface ColumnBatch {
  length: number;
  columns: unknown[][];
}

/** A stored table opened for scanning. */
export interface ArrowColumnScan {
  columns: SqlColumn[];
  /** The batches in order; the source is closed when they are done (or `close()` is called). */
  batches(): AsyncGenerator<ColumnBatch>;
  close(): Promise<void>;
}

type Source = RandomAccessFile | Readable;

/**
 * Opens a stored Arrow table (a file or a byte stream) for scanning as SQL columns.
 * @throws DatastoreError when the source is not an Arrow IPC file.
 */
export async function scanArrowColumns(source: Source): Promise<ArrowColumnScan> {
  const reader = await (isStream(source) ? RecordBatchReader.from(source) : RecordBatchReader.from(asFileHandle(source)));
  const close = async () => {
    await reader.cancel();
    if (isStream(source)) source.destroy();
    else await source.close();
  };
  let fields: Field[];
  try {
    await reader.open();
    if (!reader.schema) throw new Error("no schema");
    fields = reader.schema.fields;
  } catch (err) {
    await close().catch(() => undefined);
    throw new DatastoreError(`A stored Arrow artifact could not be read (${(err as Error).message}); the object is damaged.`, { cause: err });
  }
  const columns = fields.map((f) => ({ name: f.name, type: sqlTypeOf(f.type) }));
  async function* batches(): AsyncGenerator<ColumnBatch> {
    try {
      for await (const batch of reader as AsyncIterable<RecordBatch>) yield toColumns(batch, columns);
    } finally {
      await close();
    }
  }
  return { columns, batches, close };
}

function sqlTypeOf(type: DataType): SqlTypeName {
  if (DataType.isDictionary(type)) return sqlTypeOf(type.dictionary);
  if (DataType.isBool(type)) return "BOOLEAN";
  if (DataType.isInt(type)) return type.bitWidth === 64 || (type.bitWidth === 32 && !type.isSigned) ? "BIGINT" : "INTEGER";
  if (DataType.isFloat(type) || DataType.isDecimal(type)) return "DOUBLE";
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return "TIMESTAMP";
  return "VARCHAR";
}

function toColumns(batch: RecordBatch, columns: SqlColumn[]): ColumnBatch {
  return {
    length: batch.numRows,
    columns: columns.map((c, j) => columnValues(batch.getChildAt(j)!, batch.schema.fields[j]!.type, c.type)),
  };
}

function columnValues(vector: Vector, type: DataType, sql: SqlTypeName): unknown[] {
  const out = new Array<unknown>(vector.length);
  const base = DataType.isDictionary(type) ? type.dictionary : type;
  const text = sql === "VARCHAR" && !DataType.isUtf8(base) && !DataType.isLargeUtf8(base);
  for (let i = 0; i < vector.length; i++) {
    const v = plainValue(vector.get(i), type);
    if (v === null || v === undefined) out[i] = null;
    else if (text) out[i] = toJsonText(v);
    else if (sql === "TIMESTAMP") out[i] = v instanceof Date ? v.getTime() : Number(v);
    else if (sql === "DOUBLE") out[i] = Number(v);
    else out[i] = v;
  }
  return out;
}

function isStream(source: RandomAccessFile | Readable): source is Readable {
  return typeof (source as Readable).pipe === "function";
}
