/**
 * Artifact contents in SQL, loaded only for what a query names and only for the runs in its scope:
 * - `artifact('Flow', 'name')`: the rows of an Arrow artifact across every run of the flow in scope,
 *   with `run_id`, `step` and `task_id` first. Each distinct table (by content address) is read once,
 *   batch by batch, and attributed to the task that first held it in each run (an artifact a later
 *   step inherits unchanged is not repeated; a step that reassigns it adds its rows under that step).
 *   Columns are the union of the tables' columns by name; a column whose type differs between runs
 *   becomes VARCHAR; an artifact column named like an added one gets a trailing `_`.
 * - `artifact_values`: every JSON artifact (flow, run_id, step, task_id, name, value JSON); each
 *   distinct value is read once per process (objects are immutable) and kept; a value stored in more
 *   than `MAX_JSON_BYTES` reads as NULL (load it with `DataArtifact(...).data`).
 * Both are written into the sandbox's database before it opens (`SqlSandbox.open`), next to the
 * views, and `artifact()` is a table macro over the tables of its call (`artifactTableSuffix`): the
 * query itself never reads a file.
 */
import { createHash } from "node:crypto";
import type { ObjectStore } from "../store/object-store.js";
import type { ArrowColumnScan } from "../store/codec/index.js";
import { SqlError } from "../util/errors.js";
import { toJsonText } from "../util/json-text.js";
import { mapLimit } from "../util/concurrency.js";
import type { ColumnAppender, Database, SqlColumnSpec, SqlColumnType } from "./duckdb.js";
import type { ArtifactCall } from "./sql-guard.js";

/** JSON values stored in more bytes than this are NULL in `artifact_values`. */
export const MAX_JSON_BYTES = 1 << 20;

const IN_SCOPE = "(a.flow, a.run_id) IN (SELECT flow, run_id FROM scope)";

/**
 * The suffix of the sandbox tables of one `artifact()` call (what the macro computes): its rows are
 * in `__artifact_<suffix>` keyed by `__content` (one id per distinct stored table), and
 * `__owners_<suffix>` maps each content to the (run_id, step, task_id) that set it, so a table two
 * runs share is stored once and the run columns are joined in, not repeated per row.
 */
export function artifactTableSuffix(call: ArtifactCall): string {
  return createHash("md5").update(`${call.flow}/${call.name}`).digest("hex");
}

/** Reads the JSON values of artifacts in scope that no earlier query loaded (into `json_values`). */
export async function loadJsonValues(db: Database, objects: ObjectStore): Promise<number> {
  await db.run("CREATE TABLE IF NOT EXISTS json_values (sha VARCHAR, value VARCHAR)");
  const { rows } = await db.query(`SELECT DISTINCT a.sha, max(a.size) FROM artifacts a WHERE a.format = 'json' AND ${IN_SCOPE}
    AND a.sha NOT IN (SELECT sha FROM json_values) GROUP BY a.sha`);
  if (rows.length === 0) return 0;
  const values = await mapLimit(rows, 16, async ([sha, size]) => [
    sha as string,
    (size as number) > MAX_JSON_BYTES ? null : toJsonText(await objects.get({ sha: sha as string, format: "json" })),
  ]);
  await db.append("json_values", values);
  return rows.length;
}

/**
 * Writes into the attached sandbox database `out`: the `artifact_values` table, the `artifact()`
 * macro, and one table per call with its rows.
 */
export async function exportArtifactSql(main: Database, objects: ObjectStore, calls: readonly ArtifactCall[], namespace: string | null): Promise<void> {
  await main.run("CREATE TABLE IF NOT EXISTS json_values (sha VARCHAR, value VARCHAR)");
  await main.run(`CREATE TABLE out.artifact_values AS SELECT a.flow, a.run_id, a.step, a.task_id, a.name, v.value::JSON AS value
    FROM artifacts a LEFT JOIN json_values v ON v.sha = a.sha WHERE a.format = 'json' AND ${IN_SCOPE}
    ORDER BY a.flow, a.run_id, a.step, a.task_id, a.name`);
  await main.run(`CREATE MACRO out.artifact(flow, name) AS TABLE
    SELECT o.run_id, o.step, o.task_id, r.* EXCLUDE (__content)
    FROM query_table('__artifact_' || md5(flow || '/' || name)) r JOIN query_table('__owners_' || md5(flow || '/' || name)) o USING (__content)`);
  for (const call of calls) await exportCall(main, objects, call, namespace);
}

interface Owner {
  runId: string;
  step: string;
  taskId: string;
}

// Per run and distinct table, the first task (by start) that held it: where it was set.
const OWNERS = `SELECT run_id, step, task_id, sha FROM (
  SELECT a.run_id, a.step, a.task_id, a.sha, row_number() OVER (PARTITION BY a.run_id, a.sha
    ORDER BY t.started_at NULLS LAST, a.created_at, a.step, a.task_id) AS rn
  FROM artifacts a LEFT JOIN tasks t ON t.flow = a.flow AND t.run_id = a.run_id AND t.step = a.step AND t.task_id = a.task_id
  WHERE a.flow = $1 AND a.name = $2 AND a.format = 'arrow' AND ${IN_SCOPE})
WHERE rn = 1 ORDER BY run_id, step, task_id`;

async function exportCall(main: Database, objects: ObjectStore, call: ArtifactCall, namespace: string | null): Promise<void> {
  const { rows } = await main.query(OWNERS, [call.flow, call.name]);
  if (rows.length === 0) throw await noSuchArtifact(main, call, namespace);
  const bySha = new Map<string, Owner[]>();
  for (const [runId, step, taskId, sha] of rows as [string, string, string, string][]) {
    bySha.set(sha, [...(bySha.get(sha) ?? []), { runId, step, taskId }]);
  }
  const scans: ArrowColumnScan[] = [];
  try {
    for (const sha of bySha.keys()) scans.push(await objects.scanArrow({ sha, format: "arrow" }));
    const suffix = artifactTableSuffix(call);
    await writeOwners(main, suffix, [...bySha.values()]);
    const columns = unionColumns(scans);
    await main.createTable("out", `__artifact_${suffix}`, [CONTENT, ...columns]);
    const appender = await main.openColumnAppender(
      "out",
      `__artifact_${suffix}`,
      [CONTENT, ...columns].map((c) => c.type),
    );
    try {
      for (const [content, scan] of scans.entries()) await appendScan(appender, scan, columns, content);
    } finally {
      appender.close();
    }
  } finally {
    await Promise.all(scans.map((s) => s.close().catch(() => undefined)));
  }
}

async function writeOwners(main: Database, suffix: string, owners: readonly Owner[][]): Promise<void> {
  await main.createTable("out", `__owners_${suffix}`, [CONTENT, ...ADDED]);
  const appender = await main.openColumnAppender(
    "out",
    `__owners_${suffix}`,
    [CONTENT, ...ADDED].map((c) => c.type),
  );
  try {
    const rows = owners.flatMap((list, content) => list.map((o) => [content, o.runId, o.step, o.taskId]));
    appender.append(
      rows.length,
      [0, 1, 2, 3].map((j) => rows.map((r) => r[j])),
    );
  } finally {
    appender.close();
  }
}

const CONTENT: SqlColumnSpec = { name: "__content", type: "INTEGER" };
const ADDED: SqlColumnSpec[] = [
  { name: "run_id", type: "VARCHAR" },
  { name: "step", type: "VARCHAR" },
  { name: "task_id", type: "VARCHAR" },
];

interface UnionColumn extends SqlColumnSpec {
  /** The column's name in the stored tables. */
  source: string;
}

function unionColumns(scans: readonly ArrowColumnScan[]): UnionColumn[] {
  const out = new Map<string, UnionColumn>();
  for (const scan of scans) {
    for (const c of scan.columns) {
      const seen = out.get(c.name);
      if (!seen) out.set(c.name, { source: c.name, name: outputName(c.name), type: c.type });
      else if (seen.type !== c.type) seen.type = "VARCHAR";
    }
  }
  return [...out.values()];
}

function outputName(name: string): string {
  return name === CONTENT.name || ADDED.some((a) => a.name === name) ? `${name}_` : name;
}

async function appendScan(appender: ColumnAppender, scan: ArrowColumnScan, columns: readonly UnionColumn[], content: number): Promise<void> {
  const positions = columns.map((c) => scan.columns.findIndex((s) => s.name === c.source));
  for await (const batch of scan.batches()) {
    const values = columns.map((c, j) => {
      const at = positions[j]!;
      if (at < 0) return new Array<unknown>(batch.length).fill(null);
      const col = batch.columns[at]!;
      return c.type === "VARCHAR" && scan.columns[at]!.type !== "VARCHAR" ? col.map((v) => asText(v, scan.columns[at]!.type)) : col;
    });
    appender.append(batch.length, [new Array<unknown>(batch.length).fill(content), ...values]);
  }
}

function asText(value: unknown, from: SqlColumnType): string | null {
  if (value === null) return null;
  return from === "TIMESTAMP" ? new Date(value as number).toISOString() : String(value);
}

async function noSuchArtifact(main: Database, call: ArtifactCall, namespace: string | null): Promise<SqlError> {
  const where = namespace === null ? "any namespace" : `namespace ${namespace}`;
  const { rows } = await main.query(`SELECT DISTINCT a.name, a.format FROM artifacts a WHERE a.flow = $1 AND ${IN_SCOPE} ORDER BY 1`, [call.flow]);
  if (rows.some(([name, format]) => name === call.name && format === "json")) {
    return new SqlError(
      `'${call.name}' of ${call.flow} is stored as JSON, not as an Arrow table: query it in artifact_values (WHERE flow = '${call.flow}' AND name = '${call.name}').`,
    );
  }
  const arrow = rows.filter(([, format]) => format === "arrow").map(([name]) => name as string);
  if (rows.length === 0)
    return new SqlError(`No run of ${call.flow} in ${where} has artifacts: check the flow's name, or switch namespace (%namespace, or --global).`);
  const known = arrow.length ? `its Arrow artifacts are ${arrow.join(", ")}` : "it has no Arrow artifact";
  return new SqlError(`No run of ${call.flow} in ${where} has an Arrow artifact '${call.name}': ${known}.`);
}
