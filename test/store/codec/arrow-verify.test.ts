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

test("should refuse the damaged file one copy's writer makes of another copy's table (issue 15)", async () => {
  const foreign = cjsArrow.tableFromArrays({ x: Int32Array.from([1, 2, 3]), y: Float64Array.from([0.5, 1.5, 2.5]) });
  const damaged = tableToIPC(foreign as unknown as own.Table, "file"); // tsflow's own writer, a CommonJS table
  await rejects(() => check(damaged, foreign as unknown as own.Table), ArtifactError,
    /Cannot store artifact 'frame' of step 'load': the Arrow file written for it does not read back \(the footer's schema/);
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
