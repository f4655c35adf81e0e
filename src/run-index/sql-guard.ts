/**
 * Deciding whether a user's SQL may run over the run index. The decision uses DuckDB's own parser
 * (`json_serialize_sql`, which accepts only SELECT statements, and statement extraction), not keyword
 * lists: exactly one statement, a plain query, reading only the index's views and a few pure table
 * functions. The query then runs in a sandboxed instance that cannot touch the file system anyway.
 */
import { SqlError, SqlRefusedError } from "../util/errors.js";
import type { Database } from "./duckdb.js";

/** The views a SQL query over the run index may read. */
export const SQL_VIEWS = ["runs", "steps", "tasks", "tags", "artifacts"] as const;

/** The views whose rows are loaded lazily, only when a query names them. */
const DETAIL_VIEWS = new Set(["steps", "tasks", "artifacts"]);

/** Table functions that compute values without reading anything. */
const PURE_TABLE_FUNCTIONS = new Set(["range", "generate_series", "unnest", "json_each", "json_tree"]);

/** What is allowed, said in every refusal. */
export const SQL_ALLOWED =
  "Allowed: exactly one read-only query (SELECT, WITH ... SELECT, FROM ..., VALUES, DESCRIBE, SUMMARIZE) " +
  `over the views ${SQL_VIEWS.join(", ")}.`;

/** What the guard learnt about an accepted query. */
export interface SqlPlan {
  /** True when the query reads `steps`, `tasks` or `artifacts`. */
  needsDetails: boolean;
}

/**
 * Checks a user's SQL; returns what it reads, or throws `SqlRefusedError` (not allowed) or `SqlError`
 * (allowed but does not parse). `db` only parses: the SQL is never run here.
 */
export async function checkSql(db: Database, sql: string): Promise<SqlPlan> {
  const { rows } = await db.query("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
  const parsed = JSON.parse(rows[0]![0] as string) as SerializedSql;
  if (parsed.error) return refuseUnparsed(parsed);
  const count = parsed.statements?.length ?? 0;
  if (count === 0) throw new SqlRefusedError(`The SQL holds no statement. ${SQL_ALLOWED}`);
  if (count > 1) throw new SqlRefusedError(`The SQL holds ${count} statements; run them one at a time. ${SQL_ALLOWED}`);
  const tables: string[] = [];
  walk(parsed.statements, tables);
  return { needsDetails: tables.some((t) => DETAIL_VIEWS.has(t.toLowerCase())) };
}

interface SerializedSql {
  error: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

function refuseUnparsed(parsed: SerializedSql): never {
  if (parsed.error_type === "parser") throw new SqlError(`The SQL does not parse: ${parsed.error_message}`);
  throw new SqlRefusedError(`Only queries may run over the run index: statements that write, attach, copy, load, ` +
    `set or pragma anything are refused. ${SQL_ALLOWED}`);
}

/** Collects base-table names and refuses table functions that read and paths used as tables. */
function walk(node: unknown, tables: string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, tables));
  if (typeof node !== "object" || node === null) return;
  const n = node as Record<string, unknown>;
  if (n.type === "TABLE_FUNCTION") checkTableFunction(n);
  if (n.type === "BASE_TABLE") tables.push(checkTableName(n));
  for (const value of Object.values(n)) walk(value, tables);
}

function checkTableFunction(node: Record<string, unknown>): void {
  const fn = node.function as { function_name?: string } | undefined;
  const name = String(fn?.function_name ?? "").toLowerCase();
  if (PURE_TABLE_FUNCTIONS.has(name)) return;
  throw new SqlRefusedError(`The table function ${name}() is refused: reading files or other databases is not ` +
    `allowed over the run index. ${SQL_ALLOWED}`);
}

function checkTableName(node: Record<string, unknown>): string {
  const name = String(node.table_name ?? "");
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  throw new SqlRefusedError(`Reading '${name}' is refused: files cannot be queried over the run index. ${SQL_ALLOWED}`);
}
