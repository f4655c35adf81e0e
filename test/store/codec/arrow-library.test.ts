import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as own from "apache-arrow";
import { arrowLibraryOf, ownArrow } from "../../../src/store/codec/arrow-library.js";
import { ArtifactError } from "../../../src/util/errors.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { rejects } from "../../_helpers/assert-rejects.js";
import { cjsArrow, importSecondInstallation } from "./_arrow-copies.js";

const ctx = { artifact: "frame", step: "load" };
const test = suite("arrowLibraryOf");

test("should find tsflow's own copy for its own tables", () => {
  assert.is(arrowLibraryOf(own.tableFromArrays({ x: [1] }), ctx), ownArrow);
});

test("should find the CommonJS build that made a table, through the module cache", () => {
  assert.is.not(cjsArrow.Table, own.Table);
  const lib = arrowLibraryOf(cjsArrow.tableFromArrays({ x: Int32Array.of(1) }), ctx);
  assert.is(lib.Table, cjsArrow.Table);
  assert.is(lib.RecordBatchFileWriter, cjsArrow.RecordBatchFileWriter);
});

test("should refuse a table of an ES module build it cannot reach, naming the artifact and the fix", async () => {
  const dir = await makeTempDir();
  try {
    const second = await importSecondInstallation(dir);
    const table = second.tableFromArrays({ x: Int32Array.of(1) });
    assert.ok(table instanceof own.Table, "instanceof holds across copies, which is why it cannot decide the writer");
    await rejects(() => arrowLibraryOf(table, ctx), ArtifactError, /'frame' of step 'load'.*copy of apache-arrow.*npm dedupe/);
  } finally {
    await removeTempDir(dir);
  }
});

test.run();
