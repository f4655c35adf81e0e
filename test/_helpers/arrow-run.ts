/**
 * Checks for a run of test/_fixtures/arrow/arrow-types-flow.ts: what the flow's later step saw, what
 * the client reads (test/_fixtures/arrow/read-arrow.mjs, run as a user's script), `preview()` and
 * `tsflow show` must all be the table the flow stored.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import * as assert from "uvu/assert";
import { tsflow } from "./cli.js";

/** The folder of the Arrow fixtures (the flow and the reader script). */
export const ARROW_FIXTURES = fileURLToPath(new URL("../_fixtures/arrow/", import.meta.url));

/** The schema of the flow's table, as `name: type`. */
export const ARROW_SCHEMA = [
  "int: Int32",
  "float: Float64",
  "text: Utf8",
  "flag: Bool",
  "at: Timestamp<MILLISECOND>",
  "city: Dictionary<Int32, Utf8>",
  "tags: List<Int32>",
  "point: Struct<{x:Int32, label:Utf8}>",
];

/** The flow's table as plain JSON rows. */
export const ARROW_ROWS = [
  { int: 1, float: 0.5, text: "a", flag: true, at: 0, city: "paris", tags: [1, 2], point: { x: 1, label: "a" } },
  { int: 2, float: null, text: "名前", flag: null, at: 1.7e12, city: null, tags: [], point: null },
  { int: null, float: 2.5, text: null, flag: false, at: null, city: "paris", tags: null, point: { x: 3, label: null } },
];

const EMPTY = { rows: 0, schema: ["x: Int32", "y: Float64"] };

/** What read-arrow.mjs prints. */
export interface ArrowRunRead {
  run: string;
  startTask: string;
  seen: unknown;
  schema: string[];
  rows: unknown[];
  empty: unknown;
  preview: { schema: { name: string; type: string }[]; numRows: number; rows: Record<string, unknown>[] };
}

/** Runs the reader script in `cwd` (where `tsflow` resolves) against `root`. */
export async function readArrowRun(cwd: string, root: string, script = "read-arrow.mjs"): Promise<ArrowRunRead> {
  const env = { ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, TSFLOW_PRODUCTION_TOKEN: "" };
  const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd, env });
  return JSON.parse(stdout) as ArrowRunRead;
}

/** Asserts the later step, the client, preview() and `tsflow show` all read the stored table back. */
export async function assertArrowRunReadsBack(read: ArrowRunRead, root: string, cwd: string, bin?: string): Promise<void> {
  assert.equal(read.seen, { schema: ARROW_SCHEMA, rows: ARROW_ROWS, empty: EMPTY }, "the later step");
  assert.equal(read.schema, ARROW_SCHEMA, "the client");
  assert.equal(read.rows, ARROW_ROWS, "the client");
  assert.equal(read.empty, EMPTY, "the client, the empty table");
  assert.equal(
    read.preview.schema.map((f) => `${f.name}: ${f.type}`),
    ARROW_SCHEMA,
    "preview()",
  );
  assert.is(read.preview.numRows, 3);
  assert.equal(
    read.preview.rows.map((r) => r.text),
    ["a", "名前"],
    "preview()",
  );
  assert.equal(
    read.preview.rows.map((r) => r.point),
    [{ x: 1, label: "a" }, null],
    "preview()",
  );
  const show = await tsflow(["show", `${read.startTask}/table`], { root, cwd, ...(bin ? { bin } : {}) });
  assert.is(show.code, 0, show.stderr);
  assert.ok(show.stdout.includes(`  schema     ${ARROW_SCHEMA.join(", ")}\n  rows       3 in 1 record batch\n`), show.stdout);
  assert.match(show.stdout, /\n1 +0\.5 +a +true +1970-01-01T00:00:00\.000Z +paris +\[1,2\] +\{"x":1,"label":"a"\}\n/);
  const empty = await tsflow(["show", `${read.startTask}/empty`], { root, cwd, ...(bin ? { bin } : {}) });
  assert.ok(empty.stdout.includes("  schema     x: Int32, y: Float64\n  rows       0 in 1 record batch\n"), empty.stdout);
}
