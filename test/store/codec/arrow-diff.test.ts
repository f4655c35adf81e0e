import { suite } from "uvu";
import * as assert from "uvu/assert";
import { open, writeFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Table, tableFromArrays, vectorFromArray, Utf8 } from "apache-arrow";
import { encodeArrowTable } from "../../../src/store/codec/arrow-codec.js";
import { diffArrowTables } from "../../../src/store/codec/arrow-diff.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { mixedTable, numericTable } from "./_tables.js";

const ctx = { artifact: "frame", step: "load" };
let dir = "";
let n = 0;

async function stored(table: unknown): Promise<string> {
  const file = join(dir, `t${n++}.arrow`);
  await writeFile(file, [...encodeArrowTable(table, ctx)]);
  return file;
}

async function diffFiles(a: unknown, b: unknown, maxRows?: number) {
  const [fa, fb] = [await stored(a), await stored(b)];
  return diffArrowTables(await open(fa), await open(fb), maxRows === undefined ? {} : { maxRows });
}

const diff = suite("diffArrowTables");
diff.before(async () => {
  dir = await makeTempDir();
});
diff.after(async () => {
  await removeTempDir(dir);
});
diff("should find nothing between equal tables of many types, nulls included", async () => {
  const d = await diffFiles(mixedTable(), mixedTable());
  assert.equal(d.schema, { added: [], removed: [], changed: [] });
  assert.equal(d.rows, { a: 4, b: 4 });
  assert.is(d.differingRows, 0);
  assert.equal(d.firstDifferences, []);
});
diff("should find the one changed row of a multi-batch table and count rows only one side has", async () => {
  const a = numericTable(2_000_000);
  const f = Float64Array.from(a.getChild("f")!.toArray() as Float64Array);
  f[1_500_000] = -1;
  const i = Int32Array.from({ length: 2_000_100 }, (_, k) => k);
  const fb = new Float64Array(2_000_100);
  fb.set(f);
  const d = await diffFiles(a, tableFromArrays({ i, f: fb }));
  assert.equal(d.rows, { a: 2_000_000, b: 2_000_100 });
  assert.is(d.comparedRows, 2_000_000);
  assert.is(d.differingRows, 1);
  assert.equal(d.firstDifferences, [{ row: 1_500_000, columns: ["f"], a: { i: 1_500_000, f: 750_000 }, b: { i: 1_500_000, f: -1 } }]);
  assert.ok(d.batchesRead.a > 1, `read ${d.batchesRead.a} batches`);
});
diff("should compare tables whose batches are cut at other rows", async () => {
  const whole = numericTable(5000);
  const cut = new Table([whole.slice(0, 1234).batches, whole.slice(1234, 3000).batches, whole.slice(3000).batches].flat());
  const d = await diffFiles(whole, cut);
  assert.is(d.differingRows, 0);
  assert.is(d.batchesRead.b, 3);
});
diff("should report schema changes and compare the common columns, strings and nulls by value", async () => {
  const a = new Table({
    id: vectorFromArray(Int32Array.of(1, 2, 3)),
    gone: vectorFromArray(Int32Array.of(0, 0, 0)),
    name: vectorFromArray(["x", "y", "z"], new Utf8()),
  });
  const b = new Table({ id: vectorFromArray([1, 2, 4]), name: vectorFromArray(["x", null, "z"], new Utf8()) });
  const d = await diffFiles(a, b, 1);
  assert.equal(d.schema.added, []);
  assert.equal(d.schema.removed, [{ name: "gone", type: "Int32" }]);
  assert.equal(d.schema.changed, [{ name: "id", a: "Int32", b: "Float64" }]);
  assert.is(d.differingRows, 2, "row 1 (name null) and row 2 (id 3 -> 4)");
  assert.equal(
    d.firstDifferences.map((r) => [r.row, r.columns]),
    [[1, ["name"]]],
  );
});
diff("should read a byte stream as well as a file", async () => {
  const fa = await stored(numericTable(10));
  const fb = await stored(numericTable(11));
  const d = await diffArrowTables(createReadStream(fa), await open(fb));
  assert.equal(d.rows, { a: 10, b: 11 });
  assert.is(d.differingRows, 0);
});
diff.run();
