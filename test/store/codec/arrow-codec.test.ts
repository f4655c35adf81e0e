import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createReadStream } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Dictionary, Int32, Table, Utf8, tableFromArrays, tableFromIPC, vectorFromArray } from "apache-arrow";
import { decodeArrowBytes, encodeArrowTable, readArrowFile, readArrowStream } from "../../../src/store/codec/arrow-codec.js";
import { ArtifactError, DatastoreError } from "../../../src/util/errors.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { rejects } from "../../_helpers/assert-rejects.js";
import { assertSameTable, mixedTable, numericTable } from "./_tables.js";
import { cjsArrow, everyTypeTable } from "./_arrow-copies.js";

const bigints = (_: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v);

const ctx = { artifact: "frame", step: "load" };

async function writeTable(dir: string, table: unknown, name = "t.arrow"): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, [...encodeArrowTable(table, ctx)]);
  return file;
}

const encode = suite("encodeArrowTable");
let dir = "";
encode.before.each(async () => void (dir = await makeTempDir()));
encode.after.each(async () => removeTempDir(dir));

encode("should write an Arrow IPC file that other readers open", async () => {
  const table = mixedTable();
  const bytes = Buffer.concat([...encodeArrowTable(table, ctx)]);
  assert.is(bytes.subarray(0, 6).toString(), "ARROW1");
  assert.is(bytes.subarray(-6).toString(), "ARROW1");
  assertSameTable(tableFromIPC(bytes), table);
});

encode("should write a table of another copy of apache-arrow (the CommonJS build) with that copy, every column type intact", () => {
  for (const table of [everyTypeTable(cjsArrow), cjsArrow.tableFromArrays({ x: new Int32Array(0), s: [] as string[] })]) {
    const back = tableFromIPC(Buffer.concat([...encodeArrowTable(table, ctx)]));
    assert.equal(
      back.schema.fields.map((f) => `${f.name}: ${f.type}`),
      table.schema.fields.map((f) => `${f.name}: ${f.type}`),
    );
    assert.equal(JSON.parse(JSON.stringify(back.toArray(), bigints)), JSON.parse(JSON.stringify(table.toArray(), bigints)));
    assert.is(back.numRows, table.numRows);
  }
});

encode("should produce the file lazily, about one batch per step", () => {
  const table = numericTable(1_000_000); // 12 MB in one batch
  const chunks = encodeArrowTable(table, ctx);
  let largest = 0;
  let total = 0;
  for (const chunk of chunks) {
    largest = Math.max(largest, chunk.byteLength);
    total += chunk.byteLength;
  }
  assert.ok(total > 12_000_000);
  assert.ok(largest <= 4 << 20, `largest chunk ${largest}`);
  assert.ok(table.batches.length === 1);
});

encode("should refuse a value that is not a Table", () => {
  assert.throws(
    () => [...encodeArrowTable({ numRows: 1 }, ctx)],
    (e: unknown) => e instanceof ArtifactError && /this\.frame is not an Arrow Table/.test(e.message),
  );
});

encode("should refuse a dictionary replaced between batches, with what to do", () => {
  const part = (values: string[]) => new Table({ c: vectorFromArray(values, new Dictionary(new Utf8(), new Int32())) });
  const table = part(["a", "b"]).concat(part(["c"]));
  assert.throws(
    () => [...encodeArrowTable(table, ctx)],
    (e: unknown) =>
      e instanceof ArtifactError &&
      e.code === "UNSERIALIZABLE_ARTIFACT" &&
      e.message.includes("'frame' of step 'load': this.frame has a dictionary-encoded column") &&
      e.message.includes("one dictionary"),
  );
});
encode.run();

const read = suite("readArrowFile/readArrowStream");
read.before.each(async () => void (dir = await makeTempDir()));
read.after.each(async () => removeTempDir(dir));

read("should read back a table equal in schema, metadata and values", async () => {
  const table = mixedTable();
  const file = await writeTable(dir, table);
  assertSameTable(await readArrowFile(await open(file)), table);
  assertSameTable(await readArrowStream(createReadStream(file)), table);
});

read("should read batch by batch above the whole-file limit", async () => {
  const table = numericTable(1_000_000);
  const file = await writeTable(dir, table);
  const back = await readArrowFile(await open(file), { wholeFileLimit: 0 });
  assertSameTable(back, table);
  assert.ok(back.batches.length >= 3, `batches: ${back.batches.length}`);
  assert.is(back.getChild("f")!.get(999_999), 499_999.5);
});

read("should read tables of several input batches, and empty tables with their schema", async () => {
  const several = tableFromArrays({ x: Int32Array.of(1, 2) }).concat(tableFromArrays({ x: Int32Array.of(3) }));
  assertSameTable(await readArrowFile(await open(await writeTable(dir, several, "a"))), several);
  const empty = tableFromArrays({ x: new Int32Array(0), s: [] as string[] });
  const back = await readArrowFile(await open(await writeTable(dir, empty, "b")));
  assertSameTable(back, empty);
  assert.equal(
    back.schema.fields.map((f) => f.name),
    ["x", "s"],
  );
});

read("should decode a file held in memory synchronously, keeping an empty table's schema", () => {
  const table = mixedTable();
  assertSameTable(decodeArrowBytes(Buffer.concat([...encodeArrowTable(table, ctx)])), table);
  const empty = tableFromArrays({ x: new Int32Array(0) });
  assert.equal(
    decodeArrowBytes(Buffer.concat([...encodeArrowTable(empty, ctx)])).schema.fields.map((f) => f.name),
    ["x"],
  );
  assert.throws(
    () => decodeArrowBytes(Buffer.from("nope")),
    (e: unknown) => e instanceof DatastoreError,
  );
});

read("should raise DatastoreError for a damaged file, and close it", async () => {
  const good = Buffer.concat([...encodeArrowTable(mixedTable(), ctx)]);
  for (const [name, bytes] of [
    ["junk", Buffer.from("ARROW1\0\0 not really an arrow file, just text")],
    ["cut", good.subarray(0, good.length - 100)],
  ] as const) {
    const file = join(dir, name);
    await writeFile(file, bytes);
    const handle = await open(file);
    await rejects(readArrowFile(handle), DatastoreError, "could not be read");
    assert.is(handle.fd, -1);
  }
});

read("should give equal tables built apart the same bytes (canonical dictionary ids)", () => {
  const a = Buffer.concat([...encodeArrowTable(mixedTable(), ctx)]);
  const b = Buffer.concat([...encodeArrowTable(mixedTable(), ctx)]);
  assert.ok(a.equals(b));
  const dict = (ids: number) => new Table({ c: vectorFromArray(["x", "y", "x"], new Dictionary(new Utf8(), new Int32(), ids)) });
  assert.ok(Buffer.concat([...encodeArrowTable(dict(7), ctx)]).equals(Buffer.concat([...encodeArrowTable(dict(99), ctx)])));
});
read.run();
