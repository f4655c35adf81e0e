import { suite } from "uvu";
import * as assert from "uvu/assert";
import { open, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { encodeArrowTable } from "../../../src/store/codec/arrow-codec.js";
import { previewArrowFile, previewTable } from "../../../src/store/codec/arrow-preview.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { mixedTable, numericTable } from "./_tables.js";

const ctx = { artifact: "frame", step: "load" };
let dir = "";

async function stored(table: unknown): Promise<string> {
  const file = join(dir, "t.arrow");
  await writeFile(file, [...encodeArrowTable(table, ctx)]);
  return file;
}

/** Opens a file and counts the bytes read through the handle. */
async function countingHandle(file: string): Promise<{ handle: FileHandle; bytesRead: () => number }> {
  const handle = await open(file);
  let total = 0;
  const read = handle.read.bind(handle) as (...args: unknown[]) => Promise<{ bytesRead: number }>;
  (handle as unknown as { read: unknown }).read = async (...args: unknown[]) => {
    const result = await read(...args);
    total += result.bytesRead;
    return result;
  };
  return { handle, bytesRead: () => total };
}

const preview = suite("previewArrowFile");
preview.before.each(async () => void (dir = await makeTempDir()));
preview.after.each(async () => removeTempDir(dir));

preview("should give the schema, the row count and the first rows as plain values", async () => {
  const result = await previewArrowFile(await open(await stored(mixedTable())), 3);
  assert.equal(result.schema.slice(0, 4), [
    { name: "id", type: "Int32" },
    { name: "score", type: "Float64" },
    { name: "name", type: "Utf8" },
    { name: "city", type: "Dictionary<Int32, Utf8>" },
  ]);
  assert.is(result.numRows, 4);
  assert.is(result.rows.length, 3);
  const [first, second, third] = result.rows as Record<string, unknown>[];
  assert.equal(first, {
    id: 1,
    score: 1.5,
    name: "ada",
    city: "paris",
    day: new Date(Date.UTC(2024, 0, 2)),
    at: new Date(123),
    ts: new Date(0),
    big: 1n,
    flag: true,
    tags: [1, 2],
    point: { x: 1, label: "a" },
  });
  assert.is(second!.name, null);
  assert.is(second!.tags, null);
  assert.ok(Number.isNaN(second!.score));
  assert.equal(third!.tags, []);
  assert.equal(third!.point, { x: 3, label: null });
});

preview("should read only the footer, the batch headers and the first batch", async () => {
  const file = await stored(numericTable(2_000_000)); // 24 MB, several batches
  const { handle, bytesRead } = await countingHandle(file);
  const result = await previewArrowFile(handle, 10);
  assert.is(result.numRows, 2_000_000);
  assert.equal(result.rows[9], { i: 9, f: 4.5 });
  assert.ok(bytesRead() < 5 << 20, `read ${bytesRead()} bytes`);
  assert.ok(result.numBatches >= 5, `${result.numBatches} batches`);
  assert.is(result.batchesRead, 1);
  assert.is(handle.fd, -1);
});

preview("should handle empty tables and more rows asked than stored", async () => {
  const empty = await previewArrowFile(await open(await stored(numericTable(0))), 10);
  assert.equal(empty, {
    schema: [
      { name: "i", type: "Int32" },
      { name: "f", type: "Float64" },
    ],
    numRows: 0,
    rows: [],
    numBatches: 1,
    batchesRead: 1,
  });
  const small = await previewArrowFile(await open(await stored(numericTable(2))), 10);
  assert.equal(small.rows, [
    { i: 0, f: 0 },
    { i: 1, f: 0.5 },
  ]);
});
preview.run();

const inMemory = suite("previewTable");
inMemory("should preview a table in memory the same way", async () => {
  dir = await makeTempDir();
  try {
    const fromFile = await previewArrowFile(await open(await stored(mixedTable())), 2);
    assert.equal(previewTable(mixedTable(), 2), fromFile);
  } finally {
    await removeTempDir(dir);
  }
});
inMemory.run();
