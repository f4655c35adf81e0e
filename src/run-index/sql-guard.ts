/**
 * Deciding whether a user's SQL may run over the run index. The decision uses DuckDB's own parser
 * (`json_serialize_sql`, which accepts only SELECT statements, and statement extraction), not keyword
 * lists: exactly one statement, a plain query, reading only the index's views and a few pure table
 * functions. The query then runs in a sandboxed instance that cannot touch the file system anyway.
 */
import { SqlError, SqlRefusedError } from "../util/errors.js";
import type { Database } from "./duckdb.js";

/** The views a SQL query over the run index may read. */
export const SQL_VIEWS = ["runs", "steps", "tasks", "tags", "artifacts", "artifact_values"] as const;

/** The table function over the rows of Arrow artifacts: `artifact('Flow', 'name')`. */
export const ARTIFACT_FUNCTION = "artifact";

/** The views whose rows are loaded lazily, only when a query names them. */
const DETAIL_VIEWS = new Set(["steps", "tasks", "artifacts"]);

/** Table functions that compute values without reading anything. */
const PURE_TABLE_FUNCTIONS = new Set(["range", "generate_series", "unnest", "json_each", "json_tree"]);

/** What is allowed, said in every refusal. */
export const SQL_ALLOWED =
  "Allowed: exactly one read-only query (SELECT, WITH ... SELECT, FROM ..., VALUES, DESCRIBE, SUMMARIZE) " +
  `over the views ${SQL_VIEWS.join(", ")} and the table function artifact('Flow', 'name').`;

/** One `artifact('Flow', 'name')` a query reads. */
export interface ArtifactCall {
  flow: string;
  name: string;
}

/** What the guard learnt about an accepted query. */
export interface SqlPlan {
  /** True when the query reads `steps`, `tasks`, `artifacts`, `artifact_values` or `artifact()`. */
  needsDetails: boolean;
  /** True when the query reads `artifact_values` (JSON artifact values are loaded for it). */
  needsValues: boolean;
  /** The distinct `artifact()` calls, sorted. */
  artifacts: ArtifactCall[];
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
  const calls = new Map<string, ArtifactCall>();
  walk(parsed.statements, tables, calls);
  const needsValues = tables.some((t) => t.toLowerCase() === "artifact_values");
  const artifacts = [...calls.values()].sort((a, b) => (`${a.flow}/${a.name}` < `${b.flow}/${b.name}` ? -1 : 1));
  const needsDetails = needsValues || artifacts.length > 0 || tables.some((t) => DETAIL_VIEWS.has(t.toLowerCase()));
  return { needsDetails, needsValues, artifacts };
}

interface SerializedSql {
  error: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

function refuseUnparsed(parsed: SerializedSql): never {
  if (parsed.error_type === "parser") throw new SqlError(`The SQL does not parse: ${parsed.error_message}`);
  throw new SqlRefusedError(
    `Only queries may run over the run index: statements that write, attach, copy, load, set or pragma anything are refused. ${SQL_ALLOWED}`,
  );
}

/** Collects base-table names and `artifact()` calls; refuses table functions that read, and paths used as tables. */
function walk(node: unknown, tables: string[], calls: Map<string, ArtifactCall>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, tables, calls);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const n = node as Record<string, unknown>;
  if (n.type === "TABLE_FUNCTION") checkTableFunction(n, calls);
  if (n.type === "BASE_TABLE") tables.push(checkTableName(n));
  for (const value of Object.values(n)) walk(value, tables, calls);
}

interface SerializedFunction {
  function_name?: string;
  children?: { class?: string; value?: { is_null?: boolean; value?: unknown; type?: { id?: string } } }[];
}

function checkTableFunction(node: Record<string, unknown>, calls: Map<string, ArtifactCall>): void {
  const fn = node.function as SerializedFunction | undefined;
  const name = String(fn?.function_name ?? "").toLowerCase();
  if (PURE_TABLE_FUNCTIONS.has(name)) return;
  if (name === ARTIFACT_FUNCTION) return void addArtifactCall(fn!, calls);
  throw new SqlRefusedError(`The table function ${name}() is refused: reading files or other databases is not ` + `allowed over the run index. ${SQL_ALLOWED}`);
}

// Only two string constants: the call names what is loaded before the query runs.
function addArtifactCall(fn: SerializedFunction, calls: Map<string, ArtifactCall>): void {
  const args = (fn.children ?? []).map((c) =>
    c.class === "CONSTANT" && c.value?.type?.id === "VARCHAR" && !c.value.is_null ? String(c.value.value) : undefined,
  );
  if (args.length !== 2 || args.some((a) => a === undefined)) {
    throw new SqlRefusedError(`artifact() takes two string literals, the flow and the artifact: artifact('TeamCollabFlow', 'features'). ${SQL_ALLOWED}`);
  }
  const [flow, name] = args as [string, string];
  calls.set(`${flow}/${name}`, { flow, name });
}

function checkTableName(node: Record<string, unknown>): string {
  const name = String(node.table_name ?? "");
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  throw new SqlRefusedError(`Reading '${name}' is refused: files cannot be queried over the run index. ${SQL_ALLOWED}`);
}
