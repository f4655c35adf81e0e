/**
 * `IndexSync` keeps a reader's `runs` view equal to "the newest snapshot + every journal event still
 * in the journal", which is the datastore as of the last refresh: the snapshot is attached in place
 * as the base, and the runs named by events are re-read into the small in-memory delta. It also rebuilds the
 * index from the datastore when the snapshot is missing or damaged, and compacts (folds the journal
 * into a new snapshot) under the compaction lock. Calls must not overlap: `RunIndex` serialises them.
 *
 * Ordering that makes a run finished elsewhere visible to the next query: the journal is listed
 * BEFORE the snapshot is stat'ed. A compactor deletes an event only after renaming a snapshot that
 * includes it, so an event missing from our listing is always covered by the snapshot we stat next;
 * an event that vanishes between listing and reading makes `refresh` go round once more.
 *
 * On a shared (S3) root the snapshot is a copy in the reader's cache folder, downloaded only when
 * the shared version changed, and the journal is listed incrementally: only the names after the
 * newest event seen, less a lookback window (`SYNC_LOOKBACK_MS`), because event names are their
 * writers' clock times and a teammate's clock may run behind. Right after a snapshot is loaded the
 * whole journal is listed once (it is short then: compaction just emptied it). What a reader has
 * applied is persisted (`sync-state.ts`), so the next process resumes from there.
 */
import { DatastoreError } from "../util/errors.js";
import type { Datastore } from "../store/datastore.js";
import { type JournalEvent, deleteJournalEvents, journalEventRun, journalEventTime, journalNameAt, listJournal, readJournalEvent } from "../store/journal.js";
import type { Database } from "./duckdb.js";
import { ATTACH_EMPTY_BASE, BASE_FROM_STAGED, CLEAR_TABLES, DROP_STAGED_DETAILS, MERGE_STAGED } from "./schema.js";
import { SnapshotUnreadable, loadSnapshot } from "./snapshot.js";
import type { HeldLock } from "./compact-lock.js";
import type { SnapshotHome } from "./snapshot-home.js";
import { loadSyncState, saveSyncState } from "./sync-state.js";
import { type RunKey, listAllRuns, readRuns } from "./scan.js";
import { mapLimit } from "../util/concurrency.js";
import { type RunFacts, factsFromSnapshotRow, toStageRow } from "./run-row.js";
import { asksReread, foldNews, groupNews, withBody } from "./event-facts.js";
import { SNAPSHOT_FACTS } from "./queries.js";

/** Journal events a reader tolerates before it folds them into a new snapshot. */
export const COMPACT_AFTER = 256;
/** How long a reader waits for another process that is rebuilding a damaged index. */
const RECOVER_WAIT_MS = 120_000;
/** How long an event announcing a run that does not exist yet is re-read before it is given up. */
const PENDING_MS = 10 * 60_000;
/**
 * How far behind the newest event seen an incremental journal listing starts (shared roots): an
 * event named by a clock running up to this much behind the others' is still found.
 * `TSFLOW_SYNC_LOOKBACK_MS` changes it.
 */
export const SYNC_LOOKBACK_MS = 120_000;

/** Keeps one in-memory index in step with a datastore root. */
export class IndexSync {
  /** Incremented whenever the in-memory data changes (for caches derived from it). */
  version = 0;
  /** When the loaded snapshot was built, if one is loaded. */
  snapshotAt: Date | undefined;
  /** Set when per-run details (tasks, artifacts) were loaded: re-read runs must drop theirs. */
  detailsLoaded = false;
  /**
   * The delta, kept in JS: every run re-read since the base was loaded (`flow/runId`), with its facts,
   * or null when it vanished. Newest-first lookups read it from here, so a run finished elsewhere
   * costs no DuckDB statement until a query that needs the `runs` view (see `flush`).
   */
  private readonly delta = new Map<string, RunFacts | null>();
  /** The part of `delta` not yet written to DuckDB's `delta_runs` / `delta_keys`. */
  private readonly unflushed = new Map<string, { key: RunKey; facts: RunFacts | null }>();
  private identity: string | undefined;
  private applied = new Set<string>();
  /** Events whose run did not exist yet when read: re-read on every refresh until it does. */
  private readonly pending = new Set<string>();
  /** Newest event time seen (shared roots): the incremental listing starts a lookback before it. */
  private cursorMs: number | undefined;
  /** Events applied since the snapshot was loaded (shared roots: `applied` is pruned to the window). */
  private sinceSnapshot = 0;
  /** Something changed that the persisted sync state does not have yet. */
  private dirty = false;
  private lockHeld = false;

  constructor(
    private readonly ds: Datastore,
    private readonly db: Database,
    /** Where the snapshot lives, or undefined when the storage has neither (in-memory index only). */
    readonly home: SnapshotHome | undefined,
    private readonly notice: (message: string) => void,
    private readonly lookbackMs = lookbackFromEnv(),
  ) {}

  /** Loads the snapshot (or rebuilds), then applies the journal. */
  async init(): Promise<void> {
    this.identity = "(not loaded)";
    if (!this.home) await this.rebuildInMemory();
    else if (this.home.shared) await this.restoreState();
    await this.refresh();
  }

  /** Brings the in-memory index up to date with the snapshot and the journal. */
  async refresh(): Promise<void> {
    for (let round = 0; round < 6; round++) {
      const startAfter = this.listingStart();
      const names = await listJournal(this.ds.storage, startAfter);
      const reloaded = this.home ? await this.followSnapshot(await this.home.identity()) : false;
      // A new base resets the cursor: list the whole (short) journal against it.
      if (reloaded && startAfter !== undefined) continue;
      this.observe(names);
      if (!(await this.applyEvents(names, startAfter))) break;
    }
    if (this.dirty && this.home?.shared) await this.saveState();
  }

  /** Runs in the delta (re-read since the base was loaded): at most this many base rows are stale. */
  get deltaRuns(): number {
    return this.delta.size;
  }

  /** True when the run was re-read since the base was loaded (its snapshot row, if any, is stale). */
  isReRead(flow: string, runId: string): boolean {
    return this.delta.has(deltaKey(flow, runId));
  }

  /** The runs of the delta that exist. */
  *deltaFacts(): Iterable<RunFacts> {
    for (const facts of this.delta.values()) if (facts) yield facts;
  }

  /** Writes the delta's latest changes to DuckDB: call before any query of the `runs` view or the details. */
  async flush(): Promise<void> {
    if (this.unflushed.size === 0) return;
    const changes = [...this.unflushed.values()];
    this.unflushed.clear();
    const keys = changes.map(({ key }) => [key.flow, key.runId]);
    const rows = changes.flatMap(({ facts }) => (facts ? [toStageRow(facts)] : []));
    await this.db.append("stage_keys", keys);
    await this.db.append("stage_runs", rows);
    if (this.detailsLoaded) await this.db.run(DROP_STAGED_DETAILS);
    await this.db.run(MERGE_STAGED);
  }

  /** How many journal events this reader applied on top of its snapshot. */
  get pendingEvents(): number {
    return this.applied.size;
  }

  /** True when enough events piled up that folding them into a snapshot pays off. */
  get wantsCompaction(): boolean {
    if (!this.home) return false;
    return (this.home.shared ? this.sinceSnapshot : this.applied.size) >= COMPACT_AFTER;
  }

  /**
   * Folds the journal into a new snapshot if the lock is free; returns false when another process
   * holds it, another compactor replaced the snapshot first, or the root is not writable.
   */
  async compact(): Promise<boolean> {
    if (!this.home) return false;
    const lock = await this.home.tryLock().catch(() => undefined);
    if (!lock) return false;
    return this.withLock(lock, async () => {
      await this.refresh();
      // The compactor deletes what it folds, so it needs every event's name: list all of them.
      const all = new Set(await listJournal(this.ds.storage));
      if (await this.applyEvents([...all], undefined)) await this.refresh();
      return this.publish(
        [...this.applied].filter((n) => all.has(n)),
        this.identity,
      );
    });
  }

  /** Rebuilds the index from the datastore and publishes it as the new snapshot. */
  async rebuild(): Promise<{ runs: number; ms: number }> {
    const lock = this.home ? await this.home.waitLock(RECOVER_WAIT_MS).catch(() => undefined) : undefined;
    if (!lock) return this.rebuildInMemory();
    return this.withLock(lock, () =>
      this.rebuildAndPublish().catch((err) => {
        throw new DatastoreError(
          `Could not write the run index (${firstLine(err)}). Free space or fix the permissions of ${this.home!.stateDir}; reading runs still works without it.`,
          { cause: err },
        );
      }),
    );
  }

  /** Follows the snapshot to version `id`; returns true when the base changed. */
  private async followSnapshot(id: string | undefined): Promise<boolean> {
    if (id === this.identity) return false;
    if (id === undefined && this.identity === "(not loaded)" && (await this.ds.listFlows()).length === 0) {
      this.identity = undefined; // a root with nothing in it yet: nothing to announce or to write
      await this.replaceAll([]);
      return true;
    }
    try {
      await this.load(id);
    } catch (err) {
      if (!(err instanceof SnapshotUnreadable)) throw err;
      await this.recover(err);
    }
    return true;
  }

  private async load(id: string | undefined): Promise<void> {
    this.forgetDelta();
    this.snapshotAt = await loadSnapshot(this.db, await this.home!.localFile(id));
    this.identity = id;
    this.resetJournal();
  }

  /** The journal state goes with the base: a new base starts from the whole journal. */
  private resetJournal(): void {
    this.applied.clear();
    this.pending.clear();
    this.cursorMs = undefined;
    this.sinceSnapshot = 0;
    this.dirty = true;
  }

  /** Where the journal listing starts: undefined = all of it (local roots always, shared ones after a new base). */
  private listingStart(): string | undefined {
    if (!this.home?.shared || this.cursorMs === undefined) return undefined;
    let start = Math.min(this.cursorMs, Date.now()) - this.lookbackMs;
    for (const name of this.pending) start = Math.min(start, journalEventTime(name) - 1);
    return journalNameAt(start);
  }

  private observe(names: readonly string[]): void {
    if (!this.home?.shared) return;
    const newest = names.length > 0 ? journalEventTime(names[names.length - 1]!) : undefined;
    if (newest !== undefined && newest > (this.cursorMs ?? -1)) {
      this.cursorMs = newest;
      this.dirty = true;
    } else if (this.cursorMs === undefined) {
      this.cursorMs = Date.now(); // an empty journal: later events are newer than now, less the lookback
    }
  }

  /** Restores what a previous process of this user applied on top of the same snapshot version. */
  private async restoreState(): Promise<void> {
    const state = await loadSyncState(this.home!.stateDir);
    if (!state) return;
    const id = await this.home!.identity();
    if (id !== state.snapshot) return;
    try {
      await this.load(id);
    } catch {
      this.identity = "(not loaded)";
      return;
    }
    for (const [key, facts] of state.delta) {
      const slash = key.indexOf("/");
      this.delta.set(key, facts);
      this.unflushed.set(key, { key: { flow: key.slice(0, slash), runId: key.slice(slash + 1) }, facts });
    }
    this.applied = new Set(state.applied);
    for (const name of state.pending) this.pending.add(name);
    this.cursorMs = state.cursorMs;
    this.sinceSnapshot = state.sinceSnapshot;
    this.dirty = false;
    this.version++;
  }

  private async saveState(): Promise<void> {
    if (this.identity === undefined || this.identity === "(not loaded)") return;
    this.dirty = false;
    await saveSyncState(this.home!.stateDir, {
      snapshot: this.identity,
      cursorMs: this.cursorMs,
      applied: [...this.applied],
      pending: [...this.pending],
      sinceSnapshot: this.sinceSnapshot,
      delta: [...this.delta.entries()],
    });
  }

  /** Rebuilds a missing or damaged snapshot; only one process rebuilds, the others wait and load it. */
  private async recover(err: SnapshotUnreadable): Promise<void> {
    // The first snapshot of a root is not news; a snapshot that existed and vanished is.
    const home = this.home!;
    const what = err.missing && !(await home.wasEverBuilt()) ? "" : `${home.location} was ${err.message}`;
    if (this.lockHeld) return this.announce(what, await this.rebuildKeepingInMemory());
    const lock = await home.waitLock(RECOVER_WAIT_MS).catch(() => undefined);
    if (!lock) {
      this.announce(what, await this.rebuildInMemory());
      this.identity = await home.identity(); // do not retry until the file changes again
      return;
    }
    await this.withLock(lock, async () => {
      const id = await home.identity();
      const ok =
        id !== undefined &&
        (await this.load(id).then(
          () => true,
          () => false,
        ));
      if (ok && what) this.notice(`tsflow: the run index ${what}; another process rebuilt it.`);
      else this.announce(what, await this.rebuildKeepingInMemory());
    });
  }

  private announce(what: string, done: { runs: number; ms: number }): void {
    if (!what) return;
    this.notice(`tsflow: the run index ${what}; rebuilt it from the datastore (${done.runs} runs, ${done.ms} ms).`);
  }

  private async rebuildInMemory(): Promise<{ runs: number; ms: number }> {
    const started = Date.now();
    const names = await listJournal(this.ds.storage);
    const runs = await this.scanAll();
    this.applied = new Set(names);
    return { runs, ms: Date.now() - started };
  }

  /**
   * Rebuilds and publishes; when the snapshot cannot be written (a full disk, a read-only root) the
   * rebuilt index is kept in memory, so reading never fails for want of a derived file.
   */
  private async rebuildKeepingInMemory(): Promise<{ runs: number; ms: number }> {
    const started = Date.now();
    const expected = await this.home!.identity();
    const names = await listJournal(this.ds.storage);
    const runs = await this.scanAll();
    try {
      if (!(await this.publish(names, expected))) this.applied = new Set(names);
    } catch (err) {
      this.applied = new Set(names);
      this.identity = await this.home!.identity(); // do not retry until the file changes
      this.notice(`tsflow: could not write the run index (${firstLine(err)}); using an in-memory index.`);
    }
    return { runs, ms: Date.now() - started };
  }

  private async rebuildAndPublish(): Promise<{ runs: number; ms: number }> {
    const started = Date.now();
    const expected = await this.home!.identity();
    const names = await listJournal(this.ds.storage);
    const runs = await this.scanAll();
    if (!(await this.publish(names, expected))) this.applied = new Set(names);
    return { runs, ms: Date.now() - started };
  }

  private async scanAll(): Promise<number> {
    const all = await listAllRuns(this.ds);
    const { found } = await readRuns(this.ds, all);
    await this.replaceAll(found.map(toStageRow));
    return found.length;
  }

  /**
   * Writes the index as the snapshot, replacing version `expected`, and makes it the base (the delta
   * it folded in is dropped), then deletes the journal events it covers. Events applied but not
   * folded in are simply applied again. Returns false, deleting nothing, when another process
   * replaced the snapshot first (a shared root's compare-and-swap failed).
   */
  private async publish(events: string[], expected: string | undefined): Promise<boolean> {
    await this.flush();
    const base = expected === "(not loaded)" ? undefined : expected;
    if (!(await this.home!.publish(this.db, base))) return false;
    await this.home!.markBuilt();
    await this.load(await this.home!.identity());
    await deleteJournalEvents(this.ds.storage, events);
    return true;
  }

  /**
   * Applies events not applied yet; returns true when one vanished (compacted meanwhile). The
   * listing started after `startAfter`: applied names before it are kept (not listed, not gone).
   *
   * Typed events are folded into what the index knew of their run (`event-facts.ts`): a new run costs
   * the bodies of its `run` and `end` events, a tag edit one read of the run's tags. A run the events
   * cannot settle is re-read from the datastore.
   */
  private async applyEvents(names: string[], startAfter: string | undefined): Promise<boolean> {
    const present = new Set(names);
    for (const name of this.applied) if (!present.has(name) && (startAfter === undefined || name > startAfter)) this.applied.delete(name);
    for (const name of this.pending) if (!present.has(name)) this.pending.delete(name);
    const fresh = names.filter((n) => !this.applied.has(n));
    if (fresh.length === 0) return false;
    const storage = this.ds.storage;
    // A name without the run (an old writer's) needs its body, and then means "re-read the run".
    const heads = await mapLimit<string, JournalEvent | undefined | null>(fresh, 32, async (n) => {
      const head = journalEventRun(n);
      if (head) return head;
      const body = await readJournalEvent(storage, n).catch(() => null);
      return body && typeof body.flow === "string" && typeof body.runId === "string" ? { flow: body.flow, runId: body.runId } : body;
    });
    let vanished = heads.includes(undefined);
    // Runs an event asks to re-read need no bodies; the others' facts so far come from the index.
    const rereads = new Set(heads.filter(isEvent).flatMap((e) => (asksReread(e) ? [deltaKey(e.flow, e.runId)] : [])));
    const known = await this.knownFacts(uniqueRuns(heads).filter((r) => !rereads.has(deltaKey(r.flow, r.runId))));
    // Bodies: every `end` event's, and a `run` event's when the run is new to the index.
    const indexed = heads.map((head, i) => ({ head, name: fresh[i]! }));
    const events = await mapLimit<{ head: JournalEvent | undefined | null; name: string }, JournalEvent | undefined | null>(
      indexed,
      32,
      async ({ head, name }) => {
        if (!head || !(head.kind === "run" || head.kind === "end")) return head;
        const key = deltaKey(head.flow, head.runId);
        if (rereads.has(key)) return head;
        // Known before its `run` event: it was read when only its `new` event was there, perhaps
        // between run.json and its first tag revision, so its first tags may be missing: re-read.
        if (head.kind === "run" && known.has(key)) return { flow: head.flow, runId: head.runId };
        const body = await readJournalEvent(storage, name).catch(() => null);
        if (body === undefined) vanished = true;
        return withBody(head, body);
      },
    );
    const news = [...groupNews(events.filter(isEvent)).values()];
    const tags = new Map<string, string[]>();
    await mapLimit(
      news.filter((n) => n.tags && !n.reread),
      32,
      async (n) => void tags.set(deltaKey(n.flow, n.runId), (await this.ds.readTags(n.flow, n.runId)).userTags),
    );
    const found = new Set<string>();
    const toReread: RunKey[] = [];
    for (const n of news) {
      const key = deltaKey(n.flow, n.runId);
      const facts = foldNews(n, known.get(key), tags.get(key));
      if (!facts) {
        toReread.push({ flow: n.flow, runId: n.runId });
        continue;
      }
      this.delta.set(key, facts);
      this.unflushed.set(key, { key: { flow: n.flow, runId: n.runId }, facts });
      found.add(key);
    }
    if (found.size > 0) this.version++;
    for (const key of await this.reread(toReread)) found.add(key);
    fresh.forEach((name, i) => {
      const e = events[i];
      // A run is announced just before its run.json is created: until the run appears (or the
      // announcement is old enough that its writer surely died), the event stays pending.
      const early = e && !found.has(deltaKey(e.flow, e.runId)) && Date.now() - journalEventTime(name) < PENDING_MS;
      if (early) this.pending.add(name);
      else {
        this.pending.delete(name);
        this.applied.add(name);
        this.sinceSnapshot++;
      }
    });
    this.dirty = true;
    return vanished;
  }

  /**
   * What the index holds for these runs: the delta's facts, else the base's row (one query per flow).
   * A run it does not hold, or that vanished, is absent.
   */
  private async knownFacts(runs: readonly { flow: string; runId: string }[]): Promise<Map<string, RunFacts>> {
    const out = new Map<string, RunFacts>();
    const fromBase = new Map<string, string[]>();
    for (const { flow, runId } of runs) {
      const key = deltaKey(flow, runId);
      if (this.delta.has(key)) {
        const facts = this.delta.get(key);
        if (facts) out.set(key, facts);
      } else {
        let ids = fromBase.get(flow);
        if (!ids) fromBase.set(flow, (ids = []));
        ids.push(runId);
      }
    }
    for (const [flow, ids] of fromBase) {
      for (const row of (await this.db.query(SNAPSHOT_FACTS, [flow, ids])).rows) {
        const facts = factsFromSnapshotRow(row);
        out.set(deltaKey(facts.flow, facts.runId), facts);
      }
    }
    return out;
  }

  /** Re-reads some runs from the datastore into the delta; returns the runs that exist. */
  private async reread(runs: RunKey[]): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const { found } = await readRuns(this.ds, runs);
    const byKey = new Map(found.map((f) => [deltaKey(f.flow, f.runId), f]));
    for (const r of runs) {
      const key = deltaKey(r.flow, r.runId);
      const facts = byKey.get(key) ?? null;
      this.delta.set(key, facts);
      this.unflushed.set(key, { key: r, facts });
    }
    this.version++;
    return new Set(byKey.keys());
  }

  /** Replaces the base with an in-memory one holding `rows` (a full scan), and empties the delta. */
  private async replaceAll(rows: ReturnType<typeof toStageRow>[]): Promise<void> {
    this.forgetDelta();
    await this.db.run(ATTACH_EMPTY_BASE);
    await this.db.run(CLEAR_TABLES);
    await this.db.append("stage_runs", rows);
    await this.db.run(BASE_FROM_STAGED);
  }

  /** The base is about to change and the delta (and every loaded detail) to be emptied with it. */
  private forgetDelta(): void {
    this.delta.clear();
    this.unflushed.clear();
    this.detailsLoaded = false;
    this.version++;
  }

  private async withLock<T>(lock: HeldLock, fn: () => Promise<T>): Promise<T> {
    this.lockHeld = true;
    try {
      return await fn();
    } finally {
      this.lockHeld = false;
      await lock.release();
    }
  }
}

/** The key of a run in the delta and in `reread`'s answer. */
function deltaKey(flow: string, runId: string): string {
  return `${flow}/${runId}`;
}

/** Runs named by journal events, without duplicates (vanished and damaged events are skipped). */
function uniqueRuns(events: readonly (JournalEvent | undefined | null)[]): RunKey[] {
  const seen = new Map<string, RunKey>();
  for (const e of events) if (isEvent(e)) seen.set(deltaKey(e.flow, e.runId), { flow: e.flow, runId: e.runId });
  return [...seen.values()];
}

/** True for an event that names a run (not a vanished or damaged one). */
function isEvent(e: JournalEvent | undefined | null): e is JournalEvent {
  return !!e && typeof e.flow === "string" && typeof e.runId === "string";
}

function lookbackFromEnv(): number {
  const ms = Number(process.env.TSFLOW_SYNC_LOOKBACK_MS);
  return Number.isFinite(ms) && ms >= 0 && process.env.TSFLOW_SYNC_LOOKBACK_MS !== "" ? ms : SYNC_LOOKBACK_MS;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split("\n")[0]!
    .slice(0, 200);
}
