/**
 * The tables of the run index. A reader's in-memory DuckDB holds `runs` (always complete) and the
 * per-run details `tasks` and `artifacts` (loaded lazily, only for runs that a SQL query needs). A
 * snapshot file holds `runs` and `meta`. Times are epoch milliseconds (BIGINT) internally; the SQL
 * views show them as TIMESTAMP.
 */

/** Bumped whenever the snapshot's tables change shape; an older snapshot is rebuilt. */
export const SNAPSHOT_FORMAT = "tsflow-run-index-1";

/** Creates the in-memory tables of a reader. */
export const CREATE_TABLES = `
CREATE TABLE runs (
  flow VARCHAR NOT NULL, run_id VARCHAR NOT NULL, created_at BIGINT NOT NULL, "user" VARCHAR,
  system_tags VARCHAR[] NOT NULL, user_tags VARCHAR[] NOT NULL, tags VARCHAR[] NOT NULL,
  successful BOOLEAN NOT NULL, finished BOOLEAN NOT NULL, finished_at BIGINT, status VARCHAR NOT NULL,
  origin_run_id VARCHAR, end_step VARCHAR NOT NULL);
CREATE TABLE stage_runs (
  flow VARCHAR, run_id VARCHAR, created_at BIGINT, "user" VARCHAR, system_tags VARCHAR, user_tags VARCHAR,
  tags VARCHAR, successful BOOLEAN, finished BOOLEAN, finished_at BIGINT, status VARCHAR,
  origin_run_id VARCHAR, end_step VARCHAR);
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

/**
 * Moves staged rows into `runs`, replacing older rows of the same runs: `stage_keys` lists every
 * run re-read (a run that vanished from the datastore is in `stage_keys` but not in `stage_runs`).
 */
export const MERGE_STAGED = `
DELETE FROM runs WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
DELETE FROM tasks WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
DELETE FROM artifacts WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
DELETE FROM details_loaded WHERE (flow, run_id) IN (SELECT flow, run_id FROM stage_keys);
INSERT INTO runs SELECT flow, run_id, created_at, "user", ${splitTags("system_tags")}, ${splitTags("user_tags")},
  ${splitTags("tags")}, successful, finished, finished_at, status, origin_run_id, end_step FROM stage_runs;
DELETE FROM stage_runs; DELETE FROM stage_keys;
`;

/** Empties every table before a snapshot is loaded or the index rebuilt. */
export const CLEAR_TABLES = `
DELETE FROM runs; DELETE FROM tasks; DELETE FROM artifacts; DELETE FROM details_loaded;
DELETE FROM stage_runs; DELETE FROM stage_keys;
`;

/** Copies `runs` into an attached snapshot database named `snap` (sorted newest first per flow). */
export const WRITE_SNAPSHOT = `
CREATE TABLE snap.meta (key VARCHAR, value VARCHAR);
CREATE TABLE snap.runs AS SELECT * FROM runs ORDER BY flow, created_at DESC, run_id DESC;
`;

/** Loads `runs` from an attached snapshot database named `snap`. */
export const LOAD_SNAPSHOT = "INSERT INTO runs SELECT * FROM snap.runs";
