import { suite } from "uvu";
import * as assert from "uvu/assert";
import { completeSql, SQL_KEYWORDS, SQL_SCHEMA } from "../../../kernel/tsflow/sql-completion.js";
import { closeClient, querySql, useDatastore } from "../../../src/index.js";
import { SQL_VIEWS } from "../../../src/run-index/sql-guard.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

const at = (sql: string) => completeSql(sql, sql.length);

const c = suite("completeSql");
c("should offer keywords, views and columns for the word at the cursor", () => {
  assert.equal(at("SEL"), { start: 0, end: 3, matches: ["SELECT"] });
  assert.equal(at("sel").matches, ["select"], "keywords follow the case typed");
  assert.equal(at("SELECT * FROM runs GR").matches, ["GROUP BY"]);
  assert.equal(at("SELECT * FROM runs ORDER BY created_at DESC LI").matches, ["LIMIT", "LIKE"]);
  const all = at("SELECT ");
  assert.ok(all.matches.includes("run_id") && all.matches.includes("artifacts") && all.matches.includes("WHERE"), JSON.stringify(all));
  assert.is(all.matches.length, new Set([...Object.values(SQL_SCHEMA).flat(), ...Object.keys(SQL_SCHEMA), ...SQL_KEYWORDS]).size);
});
c("should offer only views after FROM and JOIN", () => {
  assert.equal(at("SELECT * FROM "), { start: 14, end: 14, matches: ["runs", "steps", "tasks", "tags", "artifacts", "artifact_values"] });
  assert.equal(at("SELECT * FROM t").matches, ["tasks", "tags"]);
  assert.equal(at("SELECT * FROM runs r\nJOIN ta").matches, ["tasks", "tags"]);
});
c("should offer a view's columns after view. or alias.", () => {
  assert.equal(at("SELECT runs."), { start: 12, end: 12, matches: SQL_SCHEMA["runs"] });
  assert.equal(at("SELECT tags.ki").matches, ["kind"]);
  const sql = "SELECT a.s FROM artifacts AS a JOIN runs r USING (flow, run_id) WHERE r.st";
  assert.equal(completeSql(sql, 10).matches, ["step", "sha", "size"]);
  assert.equal(at(sql).matches, ["status"]);
  assert.equal(at("SELECT x.").matches, [], "an unknown qualifier has no columns");
});
c("should prefer the columns of the views the query reads, then views and keywords", () => {
  const sql = "SELECT s FROM steps";
  assert.equal(completeSql(sql, 8), { start: 7, end: 8, matches: ["step", "successful", "started_at", "steps", "select", "sum", "summarize"] });
  assert.equal(at("SELECT * FROM runs WHERE us").matches, ["user", "user_tags", "using"]);
});
c("should offer nothing inside a string, a quoted name, a comment or a number", () => {
  assert.equal(at("SELECT * FROM runs WHERE status = 'fa").matches, []);
  assert.equal(at(`SELECT "us`).matches, []);
  assert.equal(at("-- the runs\nSELECT * FR").matches, ["FROM"], "a line comment ends at its line");
  assert.equal(at("SELECT * -- fr").matches, []);
  assert.equal(at("SELECT /* fr").matches, []);
  assert.equal(at("SELECT 'it''s' AS x FR").matches, ["FROM"]);
  assert.equal(at("SELECT * FROM runs LIMIT 1").matches, []);
});
c.run();

const schema = suite("SQL_SCHEMA");
schema("should list exactly the run index's views and their columns", async () => {
  const root = await makeTempDir("tsflow-sql-schema-");
  try {
    useDatastore(root);
    assert.equal(Object.keys(SQL_SCHEMA), [...SQL_VIEWS]);
    for (const view of SQL_VIEWS) {
      const { columns } = await querySql(`SELECT * FROM ${view} LIMIT 0`, { namespace: null });
      assert.equal(columns, SQL_SCHEMA[view], view);
    }
  } finally {
    await closeClient();
    useDatastore(undefined);
    await removeTempDir(root);
  }
});
schema.run();
