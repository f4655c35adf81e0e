import { suite } from "uvu";
import * as assert from "uvu/assert";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeArrowTable } from "../../../src/store/codec/arrow-codec.js";
import { scanArrowColumns } from "../../../src/store/codec/arrow-columns.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { mixedTable, numericTable } from "./_tables.js";

const ctx = { artifact: "frame", step: "load" };
let dir = "";

async function scanOf(table: unknown) {
  const file = join(dir, "t.arrow");
  await writeFile(file, [...encodeArrowTable(table, ctx)]);
  return scanArrowColumns(await open(file));
}

const scan = suite("scanArrowColumns");
scan.before(async () => {
  dir = await makeTempDir();
});
scan.after(async () => {
  await removeTempDir(dir);
});
scan("should give every column a SQL type and plain values, nested ones as JSON text", async () => {
  const s = await scanOf(mixedTable());
  assert.equal(s.columns, [
    { name: "id", type: "INTEGER" },
    { name: "score", type: "DOUBLE" },
    { name: "name", type: "VARCHAR" },
    { name: "city", type: "VARCHAR" },
    { name: "day", type: "TIMESTAMP" },
    { name: "at", type: "TIMESTAMP" },
    { name: "ts", type: "TIMESTAMP" },
    { name: "big", type: "BIGINT" },
    { name: "flag", type: "BOOLEAN" },
    { name: "tags", type: "VARCHAR" },
    { name: "point", type: "VARCHAR" },
  ]);
  const batches = [];
  for await (const b of s.batches()) batches.push(b);
  assert.is(batches.length, 1);
  const [b] = batches;
  assert.is(b!.length, 4);
  const col = (name: string) => b!.columns[s.columns.findIndex((c) => c.name === name)];
  assert.equal(col("id"), [1, 2, 3, 4]);
  assert.equal(col("name"), ["ada", null, "", "名前"]);
  assert.equal(col("city"), ["paris", "oslo", null, "paris"]);
  assert.equal(col("day"), [Date.UTC(2024, 0, 2), null, 0, Date.UTC(1969, 11, 31)]);
  assert.equal(col("big"), [1n, null, -(2n ** 62n), 0n]);
  assert.equal(col("tags"), ["[1,2]", null, "[]", "[3]"]);
  assert.equal(col("point"), ['{"x":1,"label":"a"}', null, '{"x":3,"label":null}', '{"x":4,"label":"d"}']);
});
scan("should read a large table one batch at a time", async () => {
  const s = await scanOf(numericTable(1_000_000));
  let rows = 0;
  let batches = 0;
  for await (const b of s.batches()) {
    rows += b.length;
    batches++;
    assert.ok(b.length < 1_000_000);
  }
  assert.is(rows, 1_000_000);
  assert.ok(batches > 1, `${batches} batches`);
});
scan.run();
