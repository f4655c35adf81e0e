import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tableFromArrays } from "apache-arrow";
import { arrowPreviewBundle, isArrowPreview, isArrowTable, previewOfTable } from "../../../kernel/display/arrow-preview.js";

const partial = {
  schema: [
    { name: "i", type: "Int32" },
    { name: "f", type: "Float64" },
  ],
  numRows: 2_000_000,
  rows: [
    { i: 0, f: 0 },
    { i: 1, f: 0.5 },
  ],
  numBatches: 6,
  batchesRead: 1,
};

const bundle = suite("arrowPreviewBundle");
bundle("should show the schema, the row count, the first rows and how little was read", () => {
  const out = arrowPreviewBundle(partial);
  assert.is(
    out["text/plain"],
    [
      "Arrow table · 2000000 rows × 2 columns",
      "i: Int32  f: Float64",
      "--------  ----------",
      "0         0",
      "1         0.5",
      "first 2 of 2000000 rows · read 1 of 6 record batches",
    ].join("\n"),
  );
  assert.match(out["text/html"] as string, /<th style="text-align:left">i: Int32<\/th>/);
});
bundle("should say nothing about batches when the whole table was read", () => {
  const out = arrowPreviewBundle({ ...partial, numRows: 2, numBatches: 1, batchesRead: 1 });
  assert.match(out["text/plain"] as string, /\n2 rows$/);
});
bundle.run();

const table = suite("previewOfTable");
table("should take the first rows of a table in memory, as plain objects", () => {
  const t = tableFromArrays({ i: Int32Array.from({ length: 25 }, (_, k) => k), s: Array.from({ length: 25 }, (_, k) => `r${k}`) });
  assert.ok(isArrowTable(t));
  const preview = previewOfTable(t, 3);
  assert.equal(preview, {
    schema: [
      { name: "i", type: "Int32" },
      { name: "s", type: "Dictionary<Int32, Utf8>" },
    ],
    numRows: 25,
    rows: [
      { i: 0, s: "r0" },
      { i: 1, s: "r1" },
      { i: 2, s: "r2" },
    ],
    numBatches: 1,
    batchesRead: 1,
  });
  assert.match(arrowPreviewBundle(preview)["text/plain"] as string, /first 3 of 25 rows$/);
});
table.run();

const guard = suite("isArrowPreview");
guard("should recognise a library preview and nothing else", () => {
  assert.ok(isArrowPreview(partial));
  assert.not.ok(isArrowPreview({ columns: ["a"], rows: [] }));
  assert.not.ok(isArrowPreview({ schema: [], numRows: 1, rows: [] }), "a preview says how many batches it read");
  assert.not.ok(isArrowPreview(null));
});
guard.run();
