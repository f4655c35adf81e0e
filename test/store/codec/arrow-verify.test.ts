import { suite } from "uvu";
import { tableFromArrays, tableToIPC, type Schema } from "apache-arrow";
import { ArrowFileCheck } from "../../../src/store/codec/arrow-verify.js";
import { ArtifactError } from "../../../src/util/errors.js";
import { rejects } from "../../_helpers/assert-rejects.js";
import { cjsArrow, everyTypeTable } from "./_arrow-copies.js";
import * as own from "apache-arrow";

const ctx = { artifact: "frame", step: "load" };

/** Feeds `bytes` to a check in chunks of `size` bytes, then finishes it. */
function check(bytes: Uint8Array, expected: { schema: Schema; numRows: number }, size = 7): void {
  const c = new ArrowFileCheck(expected, ctx);
  for (let i = 0; i < bytes.byteLength; i += size) c.push(bytes.subarray(i, i + size));
  c.finish();
}

const test = suite("ArrowFileCheck");

test("should accept a file that reads back as its table, however the bytes are chunked", () => {
  const table = everyTypeTable(own);
  const bytes = tableToIPC(table, "file");
  for (const size of [1, 7, 64, bytes.byteLength]) check(bytes, table, size);
  const empty = tableFromArrays({ x: new Int32Array(0) });
  check(tableToIPC(empty, "file"), empty);
});

test("should accept every other column type apache-arrow writes, nested ones included", () => {
  const { vectorFromArray: v, Field: F } = own;
  const field = (name: string, type: own.DataType, nullable = true) => new F(name, type, nullable);
  const columns = {
    int8: v([1, null], new own.Int8()),
    uint64: v([1n, null], new own.Uint64()),
    f16: v([1.5, null], new own.Float16()),
    largeUtf8: v(["a", null], new own.LargeUtf8()),
    utf8View: v(["a", null], new own.Utf8View()),
    binary: v([Uint8Array.of(1), null], new own.Binary()),
    fixedBinary: v([Uint8Array.of(1, 2), null], new own.FixedSizeBinary(2)),
    day: v([new Date(0), null], new own.DateDay()),
    time: v([1000n, null], new own.TimeMicrosecond()),
    zoned: v([0, null], new own.TimestampSecond("UTC")),
    duration: v([1n, null], new own.DurationMillisecond()),
    interval: v([Int32Array.of(1, 2), null], new own.IntervalDayTime()),
    nothing: v([null, null], new own.Null()),
    decimal: own.makeVector({ type: new own.Decimal(2, 10, 128), data: new Uint32Array(8), length: 2 }),
    fixedList: v([[1, 2], null], new own.FixedSizeList(2, field("i", new own.Int32()))),
    map: v(
      [new Map([["a", 1]]), null],
      new own.Map_<own.Utf8, own.Int32>(new F("entries", new own.Struct([field("key", new own.Utf8(), false), field("value", new own.Int32())]), false) as any),
    ),
    nested: v([[[1]], null], new own.List(field("l", new own.List(field("i", new own.Int32()))))),
    dictInStruct: v([{ d: "x" }, null], new own.Struct([field("d", new own.Dictionary(new own.Utf8(), new own.Int32()))])),
  };
  for (const [name, column] of Object.entries(columns)) {
    const table = new own.Table({ [name]: column });
    check(tableToIPC(table, "file"), table);
  }
});

test("should refuse the damaged file one copy's writer makes of another copy's table (issue 15)", async () => {
  const foreign = cjsArrow.tableFromArrays({ x: Int32Array.from([1, 2, 3]), y: Float64Array.from([0.5, 1.5, 2.5]) });
  const damaged = tableToIPC(foreign as unknown as own.Table, "file"); // tsflow's own writer, a CommonJS table
  await rejects(
    () => check(damaged, foreign as unknown as own.Table),
    ArtifactError,
    /Cannot store artifact 'frame' of step 'load': the Arrow file written for it does not read back \(the footer's schema/,
  );
});

test("should refuse a file whose rows, batches or end differ from the table", async () => {
  const table = tableFromArrays({ x: Int32Array.from([1, 2, 3]) });
  const bytes = tableToIPC(table, "file");
  await rejects(() => check(bytes, { schema: table.schema, numRows: 4 }), ArtifactError, "its batches hold 3 rows, the table 4");
  await rejects(() => check(bytes.subarray(0, bytes.byteLength - 3), table), ArtifactError, "does not end with the Arrow file magic");
  await rejects(() => check(bytes.subarray(0, 40), table), ArtifactError, "ends inside a message");
  const wider = tableFromArrays({ x: Int32Array.from([1, 2, 3]), y: Int32Array.from([1, 2, 3]) });
  await rejects(() => check(bytes, wider), ArtifactError, "a batch has 1 column nodes where the schema has 2");
  const float = tableFromArrays({ x: Float64Array.from([1, 2, 3]) });
  await rejects(() => check(bytes, float), ArtifactError, "reads back as (x: 2(bitWidth=32 isSigned=true)), the table's is (x: 3(precision=2))");
});

test.run();
