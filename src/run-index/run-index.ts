/**
 * The run index: every run of a datastore root in DuckDB, so that listing runs, finding the latest
 * successful one, the flows of a namespace or the namespaces in use is one indexed query, never a
 * scan of run files. The datastore is the source of truth; the index is derived and disposable.
 *
 * Design (no process ever opens a DuckDB file read-write in place, so nobody sees a lock error):
 * 1. `index/index.duckdb` is an immutable snapshot of the `runs` table. It is only ever replaced
 *    whole: written to a unique temporary file, closed, and renamed over the old one.
 * 2. Writers never touch it: after a run's files change they drop one small event file in
 *    `index/journal/` whose name carries the run and what happened (`store/journal.ts`): created,
 *    the end task's outcome, the run's status, a tag edit, or plain "re-read this run". The events a
 *    runtime writes carry the facts it knows, so a reader folds them into the run's row
 *    (`event-facts.ts`) instead of re-reading the run's files; a run they cannot settle is re-read.
 *    Folding is idempotent and needs no order (the newest end attempt wins; success never goes back).
 * 3. Each `RunIndex` is an in-memory DuckDB with the snapshot attached read-only and queried in place
 *    (no copy: opening the index costs the same at 100 runs as at 100,000), plus a small delta of the
 *    runs named by journal events. Before every query it lists the journal, then stats the snapshot
 *    (a replacement means re-attach), and applies the new events to the delta: a run finished by
 *    another process shows on the next query.
 * 4. Compaction (a reader with many events pending, `compact()`, or `rebuild()`) holds the create-only
 *    lock `index/compact.lock` (stale-lock takeover), writes a new snapshot, renames it into place,
 *    then deletes exactly the events it folded in.
 * 5. A missing, truncated or garbage snapshot is rebuilt from the datastore (one process rebuilds
 *    under the lock; the others wait and load its result), with a one-line notice.
 * Steps, tasks and artifacts are not in the snapshot: they are read lazily, only for the runs in
 * scope of a SQL query that names `steps`, `tasks` or `artifacts` (see `sql-sandbox.ts` for the views).
 */
import type { Datastore } from "../store/datastore.js";
import { listJournal, localWriteCount } from "../store/journal.js";
import { SqlError, SqlRefusedError } from "../util/errors.js";
import { Database, type SqlValue } from "./duckdb.js";
import { ATTACH_EMPTY_BASE, CREATE_TABLES } from "./schema.js";
import { IndexSync } from "./index-sync.js";
import * as path from "node:path";
import { snapshotHomeOf } from "./snapshot-home.js";
import { rootCacheDir } from "../store/cache-dir.js";
import { type RunFacts, type RunRow, toRunColumns, toRunRow, unionTags } from "./run-row.js";
import * as Q from "./queries.js";
import { SQL_ALLOWED, checkSql, type SqlPlan } from "./sql-guard.js";
import { exportArtifactSql, loadJsonValues } from "./artifact-sql.js";
import { ObjectStore } from "../store/object-store.js";
import { SqlSandbox } from "./sql-sandbox.js";
import { loadMissingDetails } from "./details.js";

export type { RunRow, RunState } from "./run-row.js";
export { SQL_VIEWS } from "./sql-guard.js";

/** Options for `RunIndex.open`. */
export interface RunIndexOptions {
  /**
   * Receives one-line notices (the index was missing or damaged and got rebuilt).
   * @default writes the line to stderr
   */
  onNotice?: (message: string) => void;
  /**
   * Keep answers per data version, so asking again before anything changes costs only the
   * freshness check. Off only to measure the queries themselves (`bench/index.ts`).
   * @default true
   */
  answerCache?: boolean;
  /**
   * The cache folder of a shared (S3) root; the index keeps the copy of its snapshot and the sync
   * state in its `index/` folder.
   * @default `rootCacheDir(ds.location)` (under `TSFLOW_CACHE_DIR`, else `~/.cache/tsflow`)
   */
  cacheDir?: string;
  /**
   * A query within this many ms of the last sync answers without syncing again (shared roots: each
   * sync is two requests to the server). A teammate's change is visible after at most this long.
   * @default 250 on a shared root, 0 (every query) on a local one
   */
  syncIntervalMs?: number;
}

/** A query for `RunIndex.listRuns`. */
export interface ListRunsQuery {
  /** Only runs carrying this tag; `null` = every run; `''` = none. */
  namespace: string | null;
  /**
   * Only runs carrying every one of these tags.
   * @default []
   */
  tags?: readonly string[];
  /**
   * Only runs whose end task succeeded.
   * @default false
   */
  successfulOnly?: boolean;
  /**
   * At most this many runs.
   * @default no limit
   */
  limit?: number;
  /**
   * Skip this many runs first.
   * @default 0
   */
  offset?: number;
}

/** A namespace (any tag in use) and how many runs carry it. */
export interface NamespaceCount {
  /** The tag. */
  namespace: string;
  /** Runs carrying it. */
  runs: number;
}

/** The state of the index, for `tsflow index status`. */
export interface RunIndexStatus {
  /** Runs in the index. */
  runs: number;
  /** Flows with at least one run. */
  flows: number;
  /** Journal events not yet folded into the snapshot. */
  journalEvents: number;
  /** Size of the snapshot file (0 when there is none). */
  snapshotBytes: number;
  /** When the loaded snapshot was built. */
  snapshotAt?: Date;
}

/** Options for `RunIndex.querySql`. */
export interface QuerySqlOptions {
  /** The namespace the views are scoped to; `null` = every run. */
  namespace: string | null;
}

/**
 * The result of `querySql`: the column names and the rows, one array of values per row.
 * @example
 * import assert from "node:assert/strict";
 * import { querySql, type SqlResult } from "tsflow";
 *
 * const result: SqlResult = await querySql("SELECT flow, count(*) AS n FROM runs WHERE successful GROUP BY flow");
 * assert.deepEqual(result.columns, ["flow", "n"]);
 * for (const [flow, n] of result.rows) console.log(flow, n); // TeamCollabFlow 1
 */
export interface SqlResult {
  /** Column names. */
  columns: string[];
  /** Rows of plain JS values (TIMESTAMP as Date, lists as arrays, BIGINT as number). */
  rows: unknown[][];
}

/**
 * A `RunIndex` answers questions about the runs of one datastore root from an in-memory DuckDB kept
 * current with the snapshot and the journal. Open one per process and keep it; `close()` it at the end.
 * @example
 * const index = await RunIndex.open(openDatastore());
 * const [latest] = await index.listRuns("TeamCollabFlow", { namespace: "user:alice", successfulOnly: true, limit: 1 });
 * await index.close();
 */
export class RunIndex {
  private readonly sandbox = new SqlSandbox();
  private readonly objects: ObjectStore;
  private queue: Promise<unknown> = Promise.resolve();
  private compacting = false;
  private closed = false;
  // Answers of the current data version: a warm process asking again (a notebook re-running a cell)
  // pays only the freshness check. Any applied change bumps the version and drops them.
  private readonly answers = new Map<string, unknown[][]>();
  private answersVersion = -1;
  private syncedAt = 0;
  private syncedWrites = -1;

  private constructor(
    private readonly ds: Datastore,
    private readonly db: Database,
    private readonly sync: IndexSync,
    private readonly answerCache: boolean,
    private readonly syncIntervalMs: number,
  ) {
    this.objects = new ObjectStore(ds.storage);
  }

  /**
   * Opens the index of a datastore root: loads the snapshot (rebuilding it when missing or damaged)
   * and applies the journal.
   * @param ds the datastore root.
   * @param options where notices go.
   * @returns an open index.
   */
  static async open(ds: Datastore, options: RunIndexOptions = {}): Promise<RunIndex> {
    const notice = options.onNotice ?? ((m: string) => process.stderr.write(`${m}\n`));
    const db = await Database.create();
    try {
      await db.run(ATTACH_EMPTY_BASE);
      await db.run(CREATE_TABLES);
      // Late materialization turns a LIMIT scan into a row-id join over the whole table: slower
      // for the index's lookups, which stop after a few rows.
      await db.run("SET disabled_optimizers = 'late_materialization'");
      const home = snapshotHomeOf(ds, () => path.join(options.cacheDir ?? rootCacheDir(ds.location), "index"));
      const sync = new IndexSync(ds, db, home, notice);
      await sync.init();
      const interval = options.syncIntervalMs ?? (home?.shared ? SHARED_SYNC_INTERVAL_MS : 0);
      const index = new RunIndex(ds, db, sync, options.answerCache ?? true, interval);
      index.syncedAt = Date.now();
      return index;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The flows with at least one run in namespace `ns` (sorted). */
  async listFlows(ns: string | null): Promise<string[]> {
    return this.column(Q.LIST_FLOWS, [ns === null, ns ?? ""]);
  }

  /** Tells whether a flow has any run at all, in any namespace. */
  async flowExists(flow: string): Promise<boolean> {
    return (await this.column(Q.FLOW_EXISTS, [flow]))[0] === true;
  }

  /** The runs of a flow in a namespace, newest first (`createdAt` desc, then run id desc). */
  async listRuns(flow: string, q: ListRunsQuery): Promise<RunRow[]> {
    const ns = q.namespace;
    const required = q.tags ?? [];
    const successfulOnly = q.successfulOnly ?? false;
    const filter = [flow, ns === null, ns ?? "", required, successfulOnly];
    // The same filter in JS, for the delta (the property test holds the two to the same answers).
    const matches = (f: RunFacts) => {
      const tags = unionTags(f.systemTags, f.userTags);
      return (ns === null || tags.includes(ns)) && required.every((t) => tags.includes(t)) && (!successfulOnly || f.successful);
    };
    const rows = await this.newest(Q.LIST_RUNS_SNAPSHOT, filter, matches, toRunColumns, q.limit ?? null, q.offset ?? 0);
    return rows.map(toRunRow);
  }

  /** One run, whatever its namespace (the caller checks its tags), or undefined. */
  async getRun(flow: string, runId: string): Promise<RunRow | undefined> {
    const [row] = await this.rows(Q.GET_RUN, [flow, runId]);
    return row && toRunRow(row);
  }

  /** How many runs a flow (or every flow, with `null`) has in namespace `ns`. */
  async countRuns(flow: string | null, ns: string | null): Promise<number> {
    return (await this.column(Q.COUNT_RUNS, [flow === null, flow ?? "", ns === null, ns ?? ""]))[0] as number;
  }

  /** Every tag in use (each is a namespace) with its run count: user and production namespaces first, then by tag. */
  async listNamespaces(): Promise<NamespaceCount[]> {
    return (await this.rows(Q.LIST_NAMESPACES, [])).map(toCount);
  }

  /**
   * The namespaces a flow (or one of its runs) is in, `user:`/`production:` first, then by run count:
   * what a "not in namespace" message suggests switching to.
   */
  async whereElse(flow: string, runId?: string): Promise<NamespaceCount[]> {
    return (await this.rows(Q.WHERE_ELSE, [flow, runId === undefined, runId ?? ""])).map(toCount);
  }

  /** The runs whose tasks read run `flow/runId` through the client (lineage), in any namespace, newest first. */
  async listConsumers(flow: string, runId: string): Promise<RunRow[]> {
    return (await this.rows(Q.LIST_CONSUMERS, [`${flow}/${runId}`])).map(toRunRow);
  }

  /** How many successful runs of a flow in namespace `ns` are newer than the given run (pins report it). */
  async countNewerSuccessful(flow: string, ns: string | null, createdAt: Date, runId: string): Promise<number> {
    return (await this.column<number>(Q.COUNT_NEWER_SUCCESSFUL, [flow, ns === null, ns ?? "", createdAt.getTime(), runId]))[0] ?? 0;
  }

  /** Tags in use that start with `prefix` (tab completion). */
  async listTags(prefix = ""): Promise<string[]> {
    return this.column(Q.LIST_TAGS, [prefix]);
  }

  /** Run ids of a flow in a namespace that start with `prefix`, newest first (tab completion). */
  async listRunIds(flow: string, ns: string | null, prefix = "", limit = 50): Promise<string[]> {
    const filter = [flow, ns === null, ns ?? "", prefix];
    const matches = (f: RunFacts) => (ns === null || unionTags(f.systemTags, f.userTags).includes(ns)) && f.runId.startsWith(prefix);
    const rows = await this.newest(Q.LIST_RUN_IDS_SNAPSHOT, filter, matches, (f) => [f.flow, f.runId, f.createdAt], limit, 0);
    return rows.map((r) => r[RUN_ID] as string);
  }

  /**
   * Runs one read-only SQL query over the views `runs`, `steps`, `tasks`, `tags`, `artifacts` and
   * `artifact_values`, and the table function `artifact('Flow', 'name')` (an Arrow artifact's rows
   * across runs), scoped to a namespace (see `sql-sandbox.ts` for their columns). Artifact contents
   * are read only when the query names them, and only for the runs in scope.
   * @throws SqlRefusedError when the SQL is not exactly one query, or reads files.
   * @throws SqlError when it is allowed but fails (syntax, unknown column).
   * @example
   * await index.querySql("SELECT status, count(*) FROM runs GROUP BY status", { namespace: null });
   */
  async querySql(sql: string, options: QuerySqlOptions): Promise<SqlResult> {
    return this.read(async () => {
      const plan = await checkSql(this.db, sql);
      const box = await this.prepareSandbox(options.namespace, plan);
      const inspected = await box.inspect(sql).catch((err) => Promise.reject(sqlError(err)));
      if (inspected.statements !== 1 || !inspected.isQuery) throw new SqlRefusedError(`Only queries are allowed. ${SQL_ALLOWED}`);
      return box.queryOnce(sql).catch((err) => Promise.reject(sqlError(err)));
    });
  }

  /** Rebuilds the index from the datastore and publishes it as the snapshot. */
  async rebuild(): Promise<{ runs: number; ms: number }> {
    return this.exclusive(() => this.sync.rebuild());
  }

  /** Folds pending journal events into a new snapshot; false when another process holds the lock. */
  async compact(): Promise<boolean> {
    return this.exclusive(() => this.sync.compact());
  }

  /** Counts and sizes of the index, for `tsflow index status`. */
  async status(): Promise<RunIndexStatus> {
    return this.read(async () => {
      await this.sync.flush();
      const [runs, flows] = (await this.db.query(Q.COUNTS)).rows[0] as [number, number];
      const journalEvents = (await listJournal(this.ds.storage)).length;
      const snapshotBytes = (await this.sync.home?.bytes().catch(() => 0)) ?? 0;
      return { runs, flows, journalEvents, snapshotBytes, ...(this.sync.snapshotAt && { snapshotAt: this.sync.snapshotAt }) };
    });
  }

  /** Brings the index up to date now (every query does this first, at most `syncIntervalMs` apart). */
  async refresh(): Promise<void> {
    await this.exclusive(() => this.syncNow());
  }

  /** Waits for pending work (a background compaction) and releases DuckDB and temporary files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.sandbox.close();
    this.db.close();
  }

  private async prepareSandbox(ns: string | null, plan: SqlPlan): Promise<Database> {
    await this.sync.flush();
    await this.db.run("DELETE FROM scope");
    await this.db.run(Q.FILL_SCOPE, [ns === null, ns ?? ""]);
    const details = plan.needsDetails;
    if (details && (await loadMissingDetails(this.db, this.ds)) > 0) {
      this.sync.detailsLoaded = true;
      this.sync.version++;
    }
    if (plan.needsValues && (await loadJsonValues(this.db, this.objects)) > 0) this.sync.version++;
    const key = JSON.stringify([ns, details, this.sync.version, plan.artifacts]);
    return this.sandbox.open(this.db, key, (main) => exportArtifactSql(main, this.objects, plan.artifacts, ns));
  }

  private async rows(sql: string, params: SqlValue[]): Promise<unknown[][]> {
    return this.cached(`${sql}\u0000${JSON.stringify(params)}`, async () => {
      await this.sync.flush();
      return (await this.db.query(sql, params)).rows;
    });
  }

  /**
   * The newest rows of one flow (`filter[0]`) matching `filter`, without sorting the flow: the
   * snapshot's rows in their stored order (newest first), and when runs were re-read since, the
   * delta's runs of the flow that pass `matches`, merged. Rows start `flow, run_id, created_at`. At
   * most `deltaRuns` snapshot rows are stale, so `limit + offset + deltaRuns` of them are enough.
   */
  private async newest(
    snapshotSql: string,
    filter: SqlValue[],
    matches: (f: RunFacts) => boolean,
    project: (f: RunFacts) => unknown[],
    limit: number | null,
    offset: number,
  ): Promise<unknown[][]> {
    return this.cached(`${snapshotSql}\u0000${JSON.stringify([...filter, limit, offset])}`, async () => {
      const stale = this.sync.deltaRuns;
      if (stale === 0) return (await this.db.query(snapshotSql, [...filter, limit, offset])).rows;
      const flow = filter[0] as string;
      const base = (await this.db.query(snapshotSql, [...filter, limit === null ? null : limit + offset + stale, 0])).rows;
      const merged = base.filter((r) => !this.sync.isReRead(flow, r[RUN_ID] as string));
      for (const facts of this.sync.deltaFacts()) if (facts.flow === flow && matches(facts)) merged.push(project(facts));
      merged.sort((a, b) => (b[CREATED_AT] as number) - (a[CREATED_AT] as number) || compareDesc(a[RUN_ID] as string, b[RUN_ID] as string));
      return merged.slice(offset, limit === null ? undefined : offset + limit);
    });
  }

  /** Refreshes, then answers from the cache of the current data version or runs `query`. */
  private async cached(key: string, query: () => Promise<unknown[][]>): Promise<unknown[][]> {
    return this.read(async () => {
      if (this.answersVersion !== this.sync.version) {
        this.answers.clear();
        this.answersVersion = this.sync.version;
      }
      let rows = this.answers.get(key);
      if (!rows) {
        rows = await query();
        if (this.answers.size >= 1000) this.answers.clear();
        if (this.answerCache) this.answers.set(key, rows);
      }
      return rows;
    });
  }

  private async column<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    return (await this.rows(sql, params)).map((r) => r[0] as T);
  }

  /**
   * Refreshes, runs `fn`, and schedules a compaction when many events piled up. A shared root's sync is
   * trusted for `syncIntervalMs`, except that this process always reads its own writes, and a lookup
   * that finds nothing syncs once more before it answers (a run just finished elsewhere is not "missing").
   */
  private async read<T>(fn: () => Promise<T>): Promise<T> {
    const result = await this.exclusive(async () => {
      const due = this.syncIntervalMs === 0 || Date.now() - this.syncedAt >= this.syncIntervalMs || this.syncedWrites !== localWriteCount();
      if (due) await this.syncNow();
      const first = await fn();
      if (due || !isEmptyAnswer(first)) return first;
      await this.syncNow();
      return fn();
    });
    if (this.sync.wantsCompaction && !this.compacting) this.compactInBackground();
    return result;
  }

  private async syncNow(): Promise<void> {
    const started = Date.now();
    const writes = localWriteCount();
    await this.sync.refresh();
    this.syncedAt = started;
    this.syncedWrites = writes;
  }

  private compactInBackground(): void {
    this.compacting = true;
    void this.exclusive(() => this.sync.compact())
      .catch(() => false) // a failed compaction leaves the journal as it was: nothing is lost
      .finally(() => (this.compacting = false));
  }

  /** Runs `fn` after every call before it: the one DuckDB connection is never used concurrently. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed && !this.compacting) return Promise.reject(new Error("RunIndex is closed"));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function isEmptyAnswer(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** How long a shared root's sync is trusted (see `RunIndexOptions.syncIntervalMs`). */
const SHARED_SYNC_INTERVAL_MS = 250;

/** Where a newest-first lookup's rows (which start `flow, run_id, created_at`) hold the run id and the creation time. */
const RUN_ID = 1;
const CREATED_AT = 2;

/** Descending order of run ids, as DuckDB orders VARCHAR (run ids are ASCII). */
function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function toCount(row: unknown[]): NamespaceCount {
  return { namespace: row[0] as string, runs: row[1] as number };
}

function sqlError(err: unknown): SqlError {
  return new SqlError(String((err as Error)?.message ?? err).split("\n")[0]!, { cause: err });
}
