/**
 * Completion inside a `%%sql` cell: the run index's views, their columns and SQL keywords, filtered by
 * the word at the cursor. After `FROM`/`JOIN` only views are offered; after `<view>.` or `<alias>.`
 * that view's columns. Pure: no I/O, so it answers in microseconds whatever the index holds.
 */
import type { Completion } from "../engine/engine.js";

/** The views a `%%sql` query reads, and their columns in order. */
export type SqlSchema = Readonly<Record<string, readonly string[]>>;

/**
 * The run index's SQL views as the library's sandbox defines them (`src/run-index/sql-sandbox.ts`). A copy,
 * because asking the index (`DESCRIBE`) would load its detail views on a keystroke; a test compares it
 * with the real views.
 */
export const SQL_SCHEMA: SqlSchema = {
  runs: [
    "flow",
    "run_id",
    "created_at",
    "user",
    "system_tags",
    "user_tags",
    "tags",
    "successful",
    "finished",
    "finished_at",
    "status",
    "origin_run_id",
    "end_step",
  ],
  steps: ["flow", "run_id", "step", "tasks", "successful", "started_at", "finished_at"],
  tasks: ["flow", "run_id", "step", "task_id", "index", "attempts", "successful", "started_at", "finished_at"],
  tags: ["flow", "run_id", "tag", "kind"],
  artifacts: ["flow", "run_id", "step", "task_id", "name", "sha", "size", "format", "type", "created_at"],
  artifact_values: ["flow", "run_id", "step", "task_id", "name", "value"],
};

/** The keywords offered, in the order people reach for them. */
export const SQL_KEYWORDS: readonly string[] = [
  "SELECT",
  "DISTINCT",
  "FROM",
  "WHERE",
  "GROUP BY",
  "ORDER BY",
  "HAVING",
  "LIMIT",
  "OFFSET",
  "AS",
  "AND",
  "OR",
  "NOT",
  "IN",
  "IS",
  "NULL",
  "LIKE",
  "ILIKE",
  "BETWEEN",
  "JOIN",
  "LEFT JOIN",
  "INNER JOIN",
  "ON",
  "USING",
  "UNION ALL",
  "WITH",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "ASC",
  "DESC",
  "TRUE",
  "FALSE",
  "COUNT",
  "SUM",
  "AVG",
  "MIN",
  "MAX",
  "DESCRIBE",
  "SUMMARIZE",
  "VALUES",
];

const WORD_AT_END = /[A-Za-z_]\w*$|$/;
const QUALIFIED_AT_END = /([A-Za-z_]\w*)\.(\w*)$/;
const VIEW_POSITION = /\b(from|join)\s*$/i;
/** Words that follow a view without being its alias (`FROM runs WHERE ...`, `FROM runs JOIN ...`). */
const CLAUSES = [
  "where",
  "join",
  "left",
  "right",
  "inner",
  "outer",
  "full",
  "cross",
  "natural",
  "on",
  "using",
  "group",
  "order",
  "having",
  "limit",
  "offset",
  "union",
  "qualify",
  "window",
];
const VIEW_REFERENCE = new RegExp(`\\b(?:from|join)\\s+([A-Za-z_]\\w*)(?:\\s+(?:as\\s+)?(?!(?:${CLAUSES.join("|")})\\b)([A-Za-z_]\\w*))?`, "gi");

/**
 * Completes the word at `cursor` in the SQL of a `%%sql` cell (offsets are in `sql`).
 * @param sql - the query text (the cell after its `%%sql` line).
 * @param cursor - the cursor's offset in `sql`.
 * @param schema - the views and their columns. @default SQL_SCHEMA
 * @returns the matches, in the order columns, views, keywords; none inside a string or a comment.
 * @example
 * completeSql("SELECT * FROM r", 15).matches; // ["runs"]
 */
export function completeSql(sql: string, cursor: number, schema: SqlSchema = SQL_SCHEMA): Completion {
  const before = sql.slice(0, cursor);
  if (insideLiteral(before)) return { start: cursor, end: cursor, matches: [] };
  const qualified = QUALIFIED_AT_END.exec(before);
  if (qualified) {
    const partial = qualified[2] as string;
    const view = viewOf(qualified[1] as string, sql, schema);
    return { start: cursor - partial.length, end: cursor, matches: matching(view ? (schema[view] ?? []) : [], partial) };
  }
  const partial = (WORD_AT_END.exec(before) as RegExpExecArray)[0];
  const start = cursor - partial.length;
  if (partial === "" && /\w$/.test(before)) return { start, end: cursor, matches: [] }; // in a number
  const views = Object.keys(schema);
  if (VIEW_POSITION.test(before.slice(0, start))) return { start, end: cursor, matches: matching(views, partial) };
  const referenced = referencedViews(sql, schema);
  const columns = (referenced.length ? referenced : views).flatMap((v) => schema[v] ?? []);
  const keywords = /^[a-z]/.test(partial) ? SQL_KEYWORDS.map((k) => k.toLowerCase()) : SQL_KEYWORDS;
  return { start, end: cursor, matches: [...new Set([...matching(columns, partial), ...matching(views, partial), ...matching(keywords, partial)])] };
}

function matching(candidates: readonly string[], partial: string): string[] {
  const lower = partial.toLowerCase();
  return [...new Set(candidates.filter((c) => c.toLowerCase().startsWith(lower)))];
}

/** The view a qualifier names: the view itself, or an alias given in `FROM view alias` / `JOIN view AS alias`. */
function viewOf(qualifier: string, sql: string, schema: SqlSchema): string | undefined {
  const name = qualifier.toLowerCase();
  if (Object.hasOwn(schema, name)) return name;
  for (const [, view, alias] of sql.matchAll(VIEW_REFERENCE)) {
    if (alias?.toLowerCase() === name && Object.hasOwn(schema, (view as string).toLowerCase())) return (view as string).toLowerCase();
  }
  return undefined;
}

/** The views the query reads (after `FROM`/`JOIN`), in order of first mention. */
function referencedViews(sql: string, schema: SqlSchema): string[] {
  const views = [...sql.matchAll(VIEW_REFERENCE)].map((m) => (m[1] as string).toLowerCase());
  return [...new Set(views.filter((v) => Object.hasOwn(schema, v)))];
}

/** What closes each kind of literal: strings, quoted identifiers, line and block comments. */
const CLOSERS: Readonly<Record<string, string>> = { "--": "\n", "/*": "*/", "'": "'", '"': '"' };

/** Whether the text ends inside a string, a quoted identifier or a comment (`''` needs no care: it closes and reopens). */
function insideLiteral(text: string): boolean {
  let close: string | undefined;
  let i = 0;
  while (i < text.length) {
    if (close === undefined) {
      const opener = Object.keys(CLOSERS).find((o) => text.startsWith(o, i));
      close = opener === undefined ? undefined : CLOSERS[opener];
      i += opener?.length ?? 1;
    } else if (text.startsWith(close, i)) {
      i += close.length;
      close = undefined;
    } else {
      i++;
    }
  }
  return close !== undefined;
}
