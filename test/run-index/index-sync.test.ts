import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RunIndex } from "../../src/run-index/run-index.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun } from "../_helpers/index-runs.js";
import { runFixture } from "../_helpers/index-child.js";

interface ReaderResult {
  rounds: number;
  errors: string[];
  compactions: number;
}

const many = suite("IndexSync with many processes");
many("should never raise a lock error and hold every run exactly once", async () => {
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  await makeRun(ds, { user: "seed" });
  const writers = ["w1", "w2", "w3", "w4"].map((u) => runFixture<string[]>("index-writer", [dir, "15", u, "tagged"]));
  const readers = [0, 1].map(() => runFixture<ReaderResult>("index-reader", [dir, "6000"]));
  const written = (await Promise.all(writers)).flat();
  const read = await Promise.all(readers);
  for (const r of read) assert.equal(r.errors, [], r.errors.join("\n"));
  assert.ok(read.every((r) => r.rounds > 0));
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  const runs = await index.listRuns("TeamCollabFlow", { namespace: null });
  const ids = runs.map((r) => r.runId);
  assert.is(ids.length, new Set(ids).size, "no run twice");
  assert.is(ids.length, written.length + 1);
  for (const id of written) assert.ok(ids.includes(id), `run ${id} is missing`);
  assert.ok(
    runs.filter((r) => r.user !== "seed").every((r) => r.userTags.includes("tagged")),
    "no tag edit lost",
  );
  await index.close();
  await removeTempDir(dir);
});
many.run();
