// SQL over artifact contents (artifact('Flow', 'name') and artifact_values) through real runs, real
// files and real DuckDB; every object file the index opens is counted.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, runFlow, useDatastore } from "tsflow";
import { RunIndex } from "../../src/run-index/run-index.js";
import { Datastore } from "../../src/store/datastore.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import { SqlError, SqlRefusedError } from "../../src/util/errors.js";
import { DiffFlow } from "../_fixtures/flows/diff-flow.js";
import { TableStepsFlow } from "../_fixtures/flows/table-steps.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { rejects } from "../_helpers/assert-rejects.js";

/** Local storage that counts how often each object file is opened or read. */
class CountingStorage extends LocalStorage {
  readonly objectReads = new Map<string, number>();
  override localPath(key: string): string {
    if (/^objects\/[0-9a-f]{2}\//.test(key)) this.objectReads.set(key, (this.objectReads.get(key) ?? 0) + 1);
    return super.localPath(key);
  }
  get reads(): number {
    return [...this.objectReads.values()].reduce((a, b) => a + b, 0);
  }
}

const quiet = { onEvent: () => {} };
const byJson = (p: unknown, q: unknown) => (JSON.stringify(p) < JSON.stringify(q) ? -1 : 1);
let root = "";
let storage: CountingStorage;
let index: RunIndex;
const alice: string[] = [];
const alice_ns = { namespace: "user:alice" };

async function fresh(): Promise<void> {
  await index?.close();
  storage = new CountingStorage(root);
  index = await RunIndex.open(new Datastore(storage), { onNotice: () => undefined });
}

const rows = suite("artifact()");
rows.before(async () => {
  root = await makeTempDir();
  useDatastore(root);
  process.env.TSFLOW_USER = "alice";
  for (const n of [3, 4, 5]) alice.push((await runFlow(DiffFlow, { params: { rows: n, "change-row": 1 }, ...quiet })).id);
  process.env.TSFLOW_USER = "bob";
  for (const n of [6, 7]) await runFlow(DiffFlow, { params: { rows: n, "extra-column": true }, ...quiet });
  process.env.TSFLOW_USER = "alice";
  await closeClient();
  await fresh();
});

rows("should yield an Arrow artifact's rows across the namespace's runs, reading one file per run", async () => {
  const r = await index.querySql("SELECT run_id, step, task_id, id, name, score FROM artifact('DiffFlow', 'table') ORDER BY run_id, id", alice_ns);
  assert.equal(r.columns, ["run_id", "step", "task_id", "id", "name", "score"]);
  assert.is(r.rows.length, 3 + 4 + 5);
  assert.equal(new Set(r.rows.map((x) => x[0])), new Set(alice));
  assert.equal(r.rows[0], [alice[0], "end", "2", 0, "row-0", 0]);
  assert.equal(r.rows[1], [alice[0], "end", "2", 1, "row-1", -1]);
  assert.is(storage.reads, 3, `object reads: ${JSON.stringify([...storage.objectReads])}`);
  assert.is(storage.objectReads.size, 3);
});

rows("should read nothing more when the same query runs again, and no object for a query without artifact()", async () => {
  await fresh();
  await index.querySql("SELECT count(*) FROM runs JOIN artifacts USING (flow, run_id)", alice_ns);
  assert.is(storage.reads, 0);
  const q = "SELECT count(*) AS n FROM artifact('DiffFlow', 'table')";
  assert.equal((await index.querySql(q, alice_ns)).rows, [[12]]);
  assert.equal((await index.querySql(q, alice_ns)).rows, [[12]]);
  assert.is(storage.reads, 3);
});

rows("should be scoped to the namespace: the union of columns over every namespace, NULL where a run lacks one", async () => {
  await fresh();
  const bob = await index.querySql("SELECT count(*), count(flag) FROM artifact('DiffFlow', 'table')", { namespace: "user:bob" });
  assert.equal(bob.rows, [[13, 13]]);
  assert.is(storage.reads, 2);
  const all = await index.querySql("SELECT count(*), count(flag) FROM artifact('DiffFlow', 'table')", { namespace: null });
  assert.equal(all.rows, [[25, 13]]);
  const described = await index.querySql("DESCRIBE SELECT * FROM artifact('DiffFlow', 'table')", { namespace: null });
  assert.equal(
    described.rows.map((x) => [x[0], x[1]]),
    [
      ["run_id", "VARCHAR"],
      ["step", "VARCHAR"],
      ["task_id", "VARCHAR"],
      ["id", "INTEGER"],
      ["name", "VARCHAR"],
      ["score", "DOUBLE"],
      ["flag", "BOOLEAN"],
    ],
  );
});

rows("should join with the other views", async () => {
  const r = await index.querySql(
    `SELECT a.run_id, r.successful, max(a.score) AS best FROM artifact('DiffFlow', 'table') a
    JOIN runs r ON r.run_id = a.run_id GROUP BY ALL ORDER BY best`,
    alice_ns,
  );
  assert.equal(
    r.rows.map((x) => x.slice(1)),
    [
      [true, 1],
      [true, 1.5],
      [true, 2],
    ],
  );
});

rows("should refuse a call that is not two string literals, and say what to do for a JSON or unknown artifact", async () => {
  await rejects(
    index.querySql("SELECT * FROM artifact('DiffFlow', 'ta' || 'ble')", alice_ns),
    SqlRefusedError,
    "artifact() takes two string literals, the flow and the artifact",
  );
  await rejects(index.querySql("SELECT * FROM artifact('DiffFlow')", alice_ns), SqlRefusedError, "artifact() takes two string literals");
  await rejects(
    index.querySql("SELECT * FROM artifact('DiffFlow', 'config')", alice_ns),
    SqlError,
    "'config' of DiffFlow is stored as JSON, not as an Arrow table: query it in artifact_values",
  );
  await rejects(
    index.querySql("SELECT * FROM artifact('DiffFlow', 'nope')", alice_ns),
    SqlError,
    "No run of DiffFlow in namespace user:alice has an Arrow artifact 'nope': its Arrow artifacts are table.",
  );
  await rejects(
    index.querySql("SELECT * FROM artifact('../../etc', 'passwd')", alice_ns),
    SqlError,
    "No run of ../../etc in namespace user:alice has artifacts",
  );
  await rejects(index.querySql("SELECT * FROM query_table('__artifact_x')", alice_ns), SqlRefusedError, "query_table() is refused");
  await rejects(
    index.querySql("SELECT * FROM artifact('DiffFlow', 'table') WHERE run_id IN (SELECT * FROM read_text('/etc/hostname'))", alice_ns),
    SqlRefusedError,
    "read_text() is refused",
  );
});
rows.run();

const values = suite("artifact_values");
values("should give JSON artifacts' values as JSON, scoped, reading each distinct value once", async () => {
  await fresh();
  const r = await index.querySql(
    `SELECT run_id, step, name, value, value->>'$.name' AS model FROM artifact_values
    WHERE flow = 'DiffFlow' AND name IN ('config', 'rows') AND step = 'end' ORDER BY name, CAST(value AS VARCHAR)`,
    alice_ns,
  );
  assert.equal(r.columns, ["run_id", "step", "name", "value", "model"]);
  assert.equal(
    r.rows.map((x) => [x[2], x[3], x[4]]),
    [
      ["config", '{"alpha":0.5,"layers":[16,8],"name":"model"}', "model"],
      ["config", '{"alpha":0.5,"layers":[16,8],"name":"model"}', "model"],
      ["config", '{"alpha":0.5,"layers":[16,8],"name":"model"}', "model"],
      ["rows", "3", null],
      ["rows", "4", null],
      ["rows", "5", null],
    ],
  );
  const distinct = (await index.querySql("SELECT count(DISTINCT sha) FROM artifacts WHERE format = 'json'", alice_ns)).rows[0]![0];
  assert.is(storage.reads, distinct);
  const sum = await index.querySql("SELECT sum(CAST(value AS INTEGER)) FROM artifact_values WHERE name = 'rows' AND step = 'start'", { namespace: "user:bob" });
  assert.equal(sum.rows, [[13]]);
});
values.run();

const steps = suite("artifact() across steps");
steps.after(async () => {
  await index.close();
  await removeTempDir(root);
});
steps("should attribute a table to the step that set it, not to the steps that inherited it", async () => {
  useDatastore(root);
  const once = (await runFlow(TableStepsFlow, quiet)).id;
  const twice = (await runFlow(TableStepsFlow, { params: { reassign: true }, ...quiet })).id;
  await closeClient();
  await fresh();
  const r = await index.querySql("SELECT run_id, step, x, \"when\", tag FROM artifact('TableStepsFlow', 'table') ORDER BY run_id, step, x", alice_ns);
  const named = (id: unknown) => (id === once ? "once" : id === twice ? "twice" : id);
  // x is Int32 in one table and Float64 in the other: VARCHAR; `when` is a TIMESTAMP (a Date in JS).
  const seen = r.rows.map((x) => [named(x[0]), x[1], x[2], x[3] === null ? null : (x[3] as Date).toISOString(), x[4]]);
  const expected = [
    ["once", "start", "1", "1970-01-01T00:00:00.000Z", null],
    ["once", "start", "2", "1970-01-02T00:00:00.000Z", null],
    ["twice", "end", "0.5", null, "re"],
    ["twice", "start", "1", "1970-01-01T00:00:00.000Z", null],
    ["twice", "start", "2", "1970-01-02T00:00:00.000Z", null],
  ];
  assert.equal(seen.sort(byJson), expected.sort(byJson));
  assert.is(storage.objectReads.size, 2, "the start table is one object, read once for both runs");
});
steps.run();
