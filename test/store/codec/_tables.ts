/** Arrow tables for codec and object store tests, and a faithful comparison of two tables. */
import {
  DateDay,
  DateMillisecond,
  Dictionary,
  Field,
  Int32,
  Int64,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  makeVector,
  tableFromArrays,
  vectorFromArray,
} from "apache-arrow";
import * as assert from "uvu/assert";

/** A small table with many column types, nulls, and schema and field metadata. */
export function mixedTable(): Table {
  const columns = {
    id: makeVector(Int32Array.of(1, 2, 3, 4)),
    score: makeVector(Float64Array.of(1.5, NaN, -0, Infinity)),
    name: vectorFromArray(["ada", null, "", "名前"], new Utf8()),
    city: vectorFromArray(["paris", "oslo", null, "paris"], new Dictionary(new Utf8(), new Int32())),
    day: vectorFromArray([new Date(Date.UTC(2024, 0, 2)), null, new Date(0), new Date(Date.UTC(1969, 11, 31))], new DateDay()),
    at: vectorFromArray([new Date(123), new Date(-5), null, new Date(1.7e12)], new DateMillisecond()),
    ts: vectorFromArray([0, 1, null, 1.7e12], new TimestampMillisecond()),
    big: vectorFromArray([1n, null, -(2n ** 62n), 0n], new Int64()),
    flag: vectorFromArray([true, null, false, true]),
    tags: vectorFromArray([[1, 2], null, [], [3]], new List(new Field("item", new Int32(), true))),
    point: vectorFromArray(
      [{ x: 1, label: "a" }, null, { x: 3, label: null }, { x: 4, label: "d" }],
      new Struct([new Field("x", new Int32(), true), new Field("label", new Utf8(), true)]),
    ),
  };
  const table = new Table(columns);
  const fields = table.schema.fields.map((f) => (f.name === "id" ? f.clone({ metadata: new Map([["unit", "count"]]) }) : f));
  const schema = new Schema(fields, new Map([["source", "test"]]));
  return new Table(
    schema,
    table.batches.map((b) => new RecordBatch(schema, b.data)),
  );
}

/** A numeric table of `rows` rows: an Int32 column and a Float64 column. */
export function numericTable(rows: number): Table {
  const i = new Int32Array(rows);
  const f = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    i[k] = k;
    f[k] = k * 0.5;
  }
  return tableFromArrays({ i, f });
}

/** Asserts two tables are equal in schema (types, nullability, metadata) and values. */
export function assertSameTable(actual: Table, expected: Table): void {
  assert.is(actual.numRows, expected.numRows);
  assert.equal(describe(actual.schema), describe(expected.schema));
  expected.schema.fields.forEach((field, i) => {
    const a = actual.getChildAt(i)!.toArray() as unknown;
    const e = expected.getChildAt(i)!.toArray() as unknown;
    if (ArrayBuffer.isView(a) && ArrayBuffer.isView(e)) assert.ok(bytesOf(a).equals(bytesOf(e)), `column ${field.name}`);
    else assert.is(valuesText(a), valuesText(e), `column ${field.name}`);
  });
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function describe(schema: Schema): unknown {
  const fields = schema.fields.map((f) => [f.name, String(f.type), f.nullable, [...f.metadata]]);
  return { fields, metadata: [...schema.metadata] };
}

/** Values as text that keeps NaN, -0, the infinities and bigints apart. */
export function valuesText(values: unknown): string {
  return JSON.stringify(values, (_k, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number" && (Number.isNaN(v) || Object.is(v, -0) || !Number.isFinite(v))) return `#${Object.is(v, -0) ? "-0" : v}`;
    return v;
  });
}
