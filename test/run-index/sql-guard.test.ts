import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RunIndex } from "../../src/run-index/run-index.js";
import { SqlError, SqlRefusedError } from "../../src/util/errors.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun } from "../_helpers/index-runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { readdir } from "node:fs/promises";

const dir = await makeTempDir();
const ds = localDatastore(dir);
await makeRun(ds, { user: "alice", tags: ["exp"] });
await makeRun(ds, { user: "bob", outcome: "failed" });
const index = await RunIndex.open(ds, { onNotice: () => undefined });

const refused: [string, string | RegExp][] = [
  ["INSERT INTO runs SELECT * FROM runs", "Only queries may run"],
  ["UPDATE runs SET status = 'x'", "Only queries may run"],
  ["DELETE FROM runs", "Only queries may run"],
  ["CREATE TABLE x AS SELECT 1", "Only queries may run"],
  ["DROP TABLE runs", "Only queries may run"],
  [`ATTACH '${dir}/index/index.duckdb' AS x`, "Only queries may run"],
  ["COPY runs TO '/tmp/tsflow-leak.csv'", "Only queries may run"],
  ["COPY (SELECT 1) TO '/tmp/tsflow-leak.csv'", "Only queries may run"],
  ["INSTALL httpfs", "Only queries may run"],
  ["LOAD httpfs", "Only queries may run"],
  ["PRAGMA version", "Only queries may run"],
  ["SET threads = 1", "Only queries may run"],
  ["EXPLAIN SELECT 1", "Only queries may run"],
  ["CALL pragma_version()", "Only queries may run"],
  ["SELECT * FROM read_csv('/etc/passwd')", "read_csv() is refused"],
  ["SELECT * FROM read_parquet('/tmp/x.parquet')", "read_parquet() is refused"],
  ["SELECT * FROM read_json('/tmp/x.json')", "read_json() is refused"],
  ["SELECT * FROM glob('/etc/*')", "glob() is refused"],
  ["SELECT (SELECT count(*) FROM read_text('/etc/hostname'))", "read_text() is refused"],
  ["WITH a AS (SELECT * FROM read_blob('/etc/hostname')) SELECT * FROM a", "read_blob() is refused"],
  ["SELECT * FROM '/etc/passwd'", "files cannot be queried"],
  ["SELECT * FROM query('SELECT 1')", "query() is refused"],
  ["SELECT * FROM query_table('runs')", "query_table() is refused"],
  ["SELECT * FROM artifact('F', 'x' || 'y')", "artifact() takes two string literals"],
  ["SELECT * FROM artifact('F', NULL)", "artifact() takes two string literals"],
  ["SELECT * FROM artifact(name := 'F')", "artifact() takes two string literals"],
  ["SELECT 1; SELECT 2", "2 statements"],
  ["SELECT 1; DROP TABLE runs", "Only queries may run"],
  ["", "no statement"],
];
const refusals = suite("querySql refusals");
for (const [sql, why] of refused) {
  refusals(`should refuse ${JSON.stringify(sql)}`, async () => {
    const err = await rejects(index.querySql(sql, { namespace: null }), SqlRefusedError, why);
    assert.match(err.message, /Allowed: exactly one read-only query/);
  });
}
refusals("should report a query that does not parse or bind as SqlError", async () => {
  await rejects(index.querySql("SELEC 1", { namespace: null }), SqlError, "does not parse");
  await rejects(index.querySql("SELECT nope FROM runs", { namespace: null }), SqlError, "nope");
});
refusals.run();

const allowed = suite("querySql queries");
allowed("should scope every view to the namespace", async () => {
  const alice = await index.querySql("SELECT user, status FROM runs", { namespace: "user:alice" });
  assert.equal(alice, { columns: ["user", "status"], rows: [["alice", "successful"]] });
  const all = await index.querySql("SELECT count(*) AS n FROM runs", { namespace: null });
  assert.equal(all.rows, [[2]]);
  assert.equal((await index.querySql("SELECT * FROM runs", { namespace: "" })).rows, []);
  const t = await index.querySql("SELECT tag, kind FROM tags ORDER BY tag", { namespace: "exp" });
  assert.equal(t.rows, [
    ["exp", "user"],
    ["runtime:node", "system"],
    ["user:alice", "system"],
  ]);
});
allowed("should load steps, tasks and artifacts lazily and hide _ names", async () => {
  const tasks = await index.querySql("SELECT step, successful FROM tasks ORDER BY step", { namespace: "user:bob" });
  assert.equal(tasks.rows, [
    ["end", false],
    ["start", true],
  ]);
  const steps = await index.querySql("SELECT step, tasks FROM steps ORDER BY step", { namespace: "user:bob" });
  assert.equal(steps.rows, [
    ["end", 1],
    ["start", 1],
  ]);
  const names = await index.querySql("SELECT DISTINCT name FROM artifacts", { namespace: null });
  assert.equal(names.rows, [["choice"]]);
});
allowed("should accept FROM-first, WITH, VALUES, DESCRIBE and pure table functions", async () => {
  for (const sql of [
    "FROM runs",
    "WITH r AS (SELECT * FROM runs) SELECT count(*) FROM r",
    "VALUES (1)",
    "DESCRIBE runs",
    "SELECT * FROM range(3)",
    "SELECT created_at FROM runs WHERE created_at > now() - INTERVAL 1 DAY",
  ]) {
    await index.querySql(sql, { namespace: null });
  }
  const [[when]] = (await index.querySql("SELECT max(created_at) FROM runs", { namespace: null })).rows as [[Date]];
  assert.ok(when instanceof Date);
});
allowed("should leave nothing in the temporary folder, even before the index is closed", async () => {
  const tmp = await makeTempDir();
  const saved = process.env["TMPDIR"];
  process.env["TMPDIR"] = tmp; // where os.tmpdir() points, for the sandboxes made now
  try {
    for (const ns of ["user:alice", null, "user:bob"]) {
      const { rows } = await index.querySql("SELECT count(*) FROM runs", { namespace: ns });
      assert.is(rows[0]![0], ns === null ? 2 : 1);
      assert.equal(await readdir(tmp), [], "the sandbox's file is deleted once it is open");
    }
  } finally {
    if (saved === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = saved;
    await removeTempDir(tmp);
  }
});
allowed.after(async () => {
  await index.close();
  await removeTempDir(dir);
});
allowed.run();
