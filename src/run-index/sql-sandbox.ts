/**
 * The sandbox a user's SQL runs in: a separate DuckDB instance opened read-only on a private file
 * that holds only the runs of the query's namespace (and their steps, tasks, tags and artifacts),
 * with file system access disabled and the configuration locked. So even a query the guard let
 * through cannot write, read files, attach databases, load extensions or see other namespaces.
 *
 * The views (tables in the sandbox) and their columns:
 * - `runs`: flow, run_id, created_at, user, system_tags, user_tags, tags, successful, finished,
 *   finished_at, status, origin_run_id, end_step
 * - `tags`: flow, run_id, tag, kind ('system' | 'user')
 * - `steps`: flow, run_id, step, tasks, successful, started_at, finished_at
 * - `tasks`: flow, run_id, step, task_id, index, attempts, successful, started_at, finished_at
 * - `artifacts`: flow, run_id, step, task_id, name, sha, size, format, type, created_at
 * - `artifact_values`: flow, run_id, step, task_id, name, value (JSON), and the table macro
 *   `artifact('Flow', 'name')` (see `artifact-sql.ts`)
 * Times are TIMESTAMP (UTC); `successful` of a task is null while it runs.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { Database, sqlLiteral } from "./duckdb.js";

const IN_SCOPE = "(flow, run_id) IN (SELECT flow, run_id FROM scope)";
const ts = (col: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE epoch_ms(${col}) END AS ${col}`;

const EXPORTS = [
  `CREATE TABLE out.runs AS SELECT flow, run_id, ${ts("created_at")}, "user", system_tags, user_tags, tags,
    successful, finished, ${ts("finished_at")}, status, origin_run_id, end_step
    FROM runs WHERE ${IN_SCOPE} ORDER BY created_at DESC, run_id DESC`,
  `CREATE TABLE out.tags AS
    SELECT flow, run_id, unnest(system_tags) AS tag, 'system' AS kind FROM runs WHERE ${IN_SCOPE}
    UNION ALL SELECT flow, run_id, unnest(user_tags) AS tag, 'user' AS kind FROM runs WHERE ${IN_SCOPE}`,
  `CREATE TABLE out.tasks AS SELECT flow, run_id, step, task_id, "index", attempts, success AS successful,
    ${ts("started_at")}, ${ts("finished_at")} FROM tasks WHERE ${IN_SCOPE}`,
  `CREATE TABLE out.steps AS SELECT flow, run_id, step, count(*) AS tasks, bool_and(successful) AS successful,
    min(started_at) AS started_at, CASE WHEN count(finished_at) = count(*) THEN max(finished_at) END AS finished_at
    FROM out.tasks GROUP BY flow, run_id, step`,
  `CREATE TABLE out.artifacts AS SELECT flow, run_id, step, task_id, name, sha, size, format, type,
    ${ts("created_at")} FROM artifacts WHERE ${IN_SCOPE}`,
];

/**
 * One sandbox at a time, rebuilt when the namespace, the data or the need for details changes. Its
 * file is deleted as soon as DuckDB has it open (the open handle keeps the data readable), so nothing
 * is left in the temporary folder even when the process is killed.
 */
export class SqlSandbox {
  private db: Database | undefined;
  private key: string | undefined;

  /**
   * Returns a sandbox holding what `main`'s `scope` table selects; `key` names that content, and a
   * sandbox with the same key is reused. `extra` writes more into the sandbox's database, attached
   * to `main` as `out`, after the views.
   */
  async open(main: Database, key: string, extra?: (main: Database) => Promise<void>): Promise<Database> {
    if (this.db && this.key === key) return this.db;
    this.close();
    const dir = await fs.mkdtemp(path.join(tmpdir(), "tsflow-sql-"));
    try {
      const file = path.join(dir, "scope.duckdb");
      await exportScope(main, file, extra);
      this.db = await Database.create({ path: file, readOnly: true, sandbox: true, threads: 2 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    this.key = key;
    return this.db;
  }

  /** Closes the current sandbox. */
  close(): void {
    this.db?.close();
    this.db = undefined;
    this.key = undefined;
  }
}

async function exportScope(main: Database, file: string, extra?: (main: Database) => Promise<void>): Promise<void> {
  await main.run(`ATTACH ${sqlLiteral(file)} AS out`);
  try {
    for (const sql of EXPORTS) await main.run(sql);
    await extra?.(main);
  } finally {
    await main.run("DETACH DATABASE IF EXISTS out");
  }
  await fs.rm(`${file}.wal`, { force: true });
}
