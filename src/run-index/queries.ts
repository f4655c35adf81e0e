/**
 * The SQL of every lookup the run index answers: one statement each over the `runs` view (see
 * `schema.ts`), values always bound as `$n` parameters. A namespace filter is `($g OR
 * list_contains(tags, $ns))` where `$g` is true for the global namespace (`null`).
 *
 * The hot lookups (a flow's newest runs, `latestSuccessfulRun`, run-id completion) never sort a
 * flow's runs: the snapshot stores them by flow, newest first, so a filtered scan of it with a LIMIT
 * stops at the first matches (DuckDB keeps insertion order for a query without ORDER BY). With an
 * empty delta (a one-shot process, a reader just after a compaction) that scan is the answer.
 * Otherwise `RunIndex` scans `limit + offset + deltaRuns` snapshot rows (at most `deltaRuns` of them
 * are stale) and merges them with the matching runs of the delta, which it keeps in JS.
 */
import { RUN_COLUMNS } from "./run-row.js";

const IN_NS = (g: number, ns: number) => `($${g} OR list_contains(tags, $${ns}))`;

const RUNS_FILTER = `flow = $1 AND ${IN_NS(2, 3)} AND list_has_all(tags, $4::VARCHAR[]) AND (NOT $5 OR successful)`;

/** A flow's runs in the snapshot, newest first: $1 flow, $2 global, $3 ns, $4 required tags, $5 successful only, $6 limit, $7 offset. */
export const LIST_RUNS_SNAPSHOT = `SELECT ${RUN_COLUMNS} FROM snap.runs WHERE ${RUNS_FILTER} LIMIT $6 OFFSET $7`;

/** $1 flow, $2 run id. */
export const GET_RUN = `SELECT ${RUN_COLUMNS} FROM runs WHERE flow = $1 AND run_id = $2`;

/** $1 global, $2 ns. */
export const LIST_FLOWS = `SELECT DISTINCT flow FROM runs WHERE ${IN_NS(1, 2)} ORDER BY flow`;

/** $1 flow. */
export const FLOW_EXISTS = "SELECT EXISTS (SELECT 1 FROM runs WHERE flow = $1)";

/** $1 any flow, $2 flow, $3 global, $4 ns. */
export const COUNT_RUNS = `SELECT count(*) FROM runs WHERE ($1 OR flow = $2) AND ${IN_NS(3, 4)}`;

/** Every tag in use with the number of runs carrying it. */
export const LIST_NAMESPACES = `SELECT tag, count(*) FROM (SELECT unnest(tags) AS tag FROM runs)
GROUP BY tag ORDER BY NOT (starts_with(tag, 'user:') OR starts_with(tag, 'production:')), tag`;

/** $1 flow, $2 any run, $3 run id: identity namespaces first, then by run count. */
export const WHERE_ELSE = `SELECT tag, count(*) AS n FROM (SELECT unnest(tags) AS tag FROM runs
  WHERE flow = $1 AND ($2 OR run_id = $3))
GROUP BY tag ORDER BY (starts_with(tag, 'user:') OR starts_with(tag, 'production:')) DESC, n DESC, tag`;

/** $1 prefix. */
export const LIST_TAGS = `SELECT DISTINCT tag FROM (SELECT unnest(tags) AS tag FROM runs)
WHERE starts_with(tag, $1) ORDER BY tag`;

const RUN_IDS_FILTER = `flow = $1 AND ${IN_NS(2, 3)} AND starts_with(run_id, $4)`;

/**
 * Run ids of a flow in the snapshot, newest first, as `flow, run_id, created_at` (the leading
 * columns of `RUN_COLUMNS`): $1 flow, $2 global, $3 ns, $4 prefix, $5 limit, $6 offset.
 */
export const LIST_RUN_IDS_SNAPSHOT = `SELECT flow, run_id, created_at FROM snap.runs WHERE ${RUN_IDS_FILTER} LIMIT $5 OFFSET $6`;

/** Runs and flows in the index. */
export const COUNTS = "SELECT count(*), count(DISTINCT flow) FROM runs";

/** $1 global, $2 ns: fills the (emptied) `scope` with the runs a SQL query may see. */
export const FILL_SCOPE = `INSERT INTO scope SELECT flow, run_id FROM runs WHERE ${IN_NS(1, 2)}`;

/** Runs in scope whose details (tasks, artifacts) are not loaded yet. */
export const MISSING_DETAILS = `SELECT flow, run_id FROM scope
WHERE (flow, run_id) NOT IN (SELECT flow, run_id FROM details_loaded)`;

/** $1 the run read (`Flow/RunId`): the runs whose tasks read it, newest first. */
export const LIST_CONSUMERS = `SELECT ${RUN_COLUMNS} FROM runs WHERE list_contains(upstream, $1)
ORDER BY created_at DESC, run_id DESC`;

/** $1 flow, $2 global, $3 ns, $4 created_at, $5 run id: successful runs newer than that run. */
export const COUNT_NEWER_SUCCESSFUL = `SELECT count(*) FROM runs WHERE flow = $1 AND ${IN_NS(2, 3)} AND successful
  AND (created_at > $4 OR (created_at = $4 AND run_id > $5))`;

/** $1 flow, $2 run ids: those runs' snapshot rows, every column (what `factsFromSnapshotRow` reads). */
export const SNAPSHOT_FACTS = `SELECT flow, run_id, created_at, "user", system_tags, user_tags, successful, finished, finished_at,
  status, origin_run_id, end_step, upstream FROM snap.runs WHERE flow = $1 AND list_contains($2, run_id)`;
