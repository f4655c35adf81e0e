/**
 * The tables of the run index. A reader queries the snapshot in place: it is attached read-only as
 * the database `snap` (or, without a snapshot file, an in-memory database of that name), and never
 * copied. Runs re-read from the journal since that snapshot go to the small in-memory `delta_runs`;
 * `delta_keys` lists every run re-read (a run that vanished is in `delta_keys` only). The view `runs`
 * is the snapshot's rows minus the re-read ones, plus `delta_runs`: the datastore as of the last
 * refresh. `upstream` lists the runs (`Flow/RunId`) a run's tasks read through the client (its
 * lineage), so the runs that read a run are one query. The per-run details `tasks` and `artifacts` are loaded lazily, only for runs that a SQL
 * query needs. A snapshot file holds `runs` (sorted by flow, newest first) and `meta`. Times are
 * epoch milliseconds (BIGINT) internally; the SQL views show them as TIMESTAMP.
 */

/** Bumped whenever the snapshot's tables change shape; an older snapshot is rebuilt. */
export const SNAPSHOT_FORMAT = "tsflow-run-index-2";

const RUNS_COLUMNS = `
  flow VARCHAR NOT NULL, run_id VARCHAR NOT NULL, created_at BIGINT NOT NULL, "user" VARCHAR,
  system_tags VARCHAR[] NOT NULL, user_tags VARCHAR[] NOT NULL, tags VARCHAR[] NOT NULL,
  successful BOOLEAN NOT NULL, finished BOOLEAN NOT NULL, finished_at BIGINT, status VARCHAR NOT NULL,
  origin_run_id VARCHAR, end_step VARCHAR NOT NULL, upstream VARCHAR[] NOT NULL`;

/** Orders runs as the snapshot stores them: by flow, newest first (the order the hot queries stream). */
export const SNAPSHOT_ORDER = "flow, created_at DESC, run_id DESC";

/** Creates the in-memory tables of a reader (the view `runs` needs `snap` attached before it is used). */
export const CREATE_TABLES = `
CREATE TABLE delta_runs (${RUNS_COLUMNS});
CREATE TABLE delta_keys (flow VARCHAR, run_id VARCHAR);
CREATE VIEW runs AS
  SELECT * FROM snap.runs WHERE (flow, run_id) NOT IN (SELECT flow, run_id FROM delta_keys)
  UNION ALL SELECT * FROM delta_runs;
CREATE TABLE stage_runs (
  flow VARCHAR, run_id VARCHAR, created_at BIGINT, "user" VARCHAR, system_tags VARCHAR, user_tags VARCHAR,
  tags VARCHAR, successful BOOLEAN, finished BOOLEAN, finished_at BIGINT, status VARCHAR,
  origin_run_id VARCHAR, end_step VARCHAR, upstream VARCHAR);
CREATE TABLE stage_keys (flow VARCHAR, run_id VARCHAR);
CREATE TABLE tasks (
  flow VARCHAR, run_id VARCHAR, step VARCHAR, task_id VARCHAR, "index" BIGINT, attempts BIGINT,
  success BOOLEAN, started_at BIGINT, finished_at BIGINT);
CREATE TABLE artifacts (
  flow VARCHAR, run_id VARCHAR, step VARCHAR, task_id VARCHAR, name VARCHAR, sha VARCHAR, size BIGINT,
  format VARCHAR, type VARCHAR, created_at BIGINT);
CREATE TABLE details_loaded (flow VARCHAR, run_id VARCHAR);
CREATE TABLE scope (flow VARCHAR, run_id VARCHAR);
`;

const splitTags = (col: string) => `CASE WHEN ${col} = '' THEN []::VARCHAR[] ELSE string_split(${col}, chr(10)) END`;
const STAGED_ROWS = `SELECT flow, run_id, created_at, "user", ${splitTags("system_tags")}, ${splitTags("user_tags")},
  ${splitTags("tags")}, successful, finished, finished_at, status, origin_run_id, end_step, ${splitTags("upstream")} FROM stage_runs`;

/** Attaches an empty in-memory base named `snap` (a root without a snapshot file, or before a rebuild). */
export const ATTACH_EMPTY_BASE = `DETACH DATABASE IF EXISTS snap; ATTACH ':memory:' AS snap; CREATE TABLE snap.runs (${RUNS_COLUMNS});`;

/** Fills the (empty, in-memory) base from the staged rows of a full scan, in snapshot order. */
export const BASE_FROM_STAGED = `
INSERT INTO snap.runs ${STAGED_ROWS} ORDER BY ${SNAPSHOT_ORDER};
DELETE FROM stage_runs; DELETE FROM stage_keys;
`;

/**
 * Moves staged rows into the delta, replacing older rows of the same runs: `stage_keys` lists every
 * run re-read (a run that vanished from the datastore is in `stage_keys` but not in `stage_runs`).
 */
export const MERGE_STAGED = `
DELETE FROM delta_runs WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
INSERT INTO delta_keys SELECT DISTINCT flow, run_id FROM stage_keys
  WHERE (flow, run_id) NOT IN (SELECT flow, run_id FROM delta_keys);
INSERT INTO delta_runs ${STAGED_ROWS};
DELETE FROM stage_runs; DELETE FROM stage_keys;
`;

/** Drops the loaded details of the staged runs (run before `MERGE_STAGED`, when any are loaded). */
export const DROP_STAGED_DETAILS = `
DELETE FROM tasks WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
DELETE FROM artifacts WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
DELETE FROM details_loaded WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
`;

/** Empties every in-memory table when the base changes (a new snapshot, a rebuild). */
export const CLEAR_TABLES = `
DELETE FROM delta_runs; DELETE FROM delta_keys; DELETE FROM tasks; DELETE FROM artifacts; DELETE FROM details_loaded;
DELETE FROM stage_runs; DELETE FROM stage_keys;
`;

/** Copies `runs` into an attached new snapshot database named `out`, in snapshot order. */
export const WRITE_SNAPSHOT = `
CREATE TABLE out.meta (key VARCHAR, value VARCHAR);
CREATE TABLE out.runs AS SELECT * FROM runs ORDER BY ${SNAPSHOT_ORDER};
`;
