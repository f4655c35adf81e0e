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
 */
import * as path from "node:path";
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import { DatastoreError } from "../util/errors.js";
import type { Datastore } from "../store/datastore.js";
import { keys } from "../store/layout.js";
import { type JournalEvent, deleteJournalEvents, listJournal, readJournalEvent } from "../store/journal.js";
import type { Database } from "./duckdb.js";
import { ATTACH_EMPTY_BASE, BASE_FROM_STAGED, CLEAR_TABLES, DROP_STAGED_DETAILS, MERGE_STAGED } from "./schema.js";
import { SnapshotUnreadable, loadSnapshot, snapshotIdentity, writeSnapshot } from "./snapshot.js";
import { type HeldLock, tryLock, waitLock } from "./compact-lock.js";
import { type RunKey, listAllRuns, readRuns } from "./scan.js";
import { mapLimit } from "../util/concurrency.js";
import { type RunFacts, toStageRow } from "./run-row.js";

/** Journal events a reader tolerates before it folds them into a new snapshot. */
export const COMPACT_AFTER = 256;
/** How long a reader waits for another process that is rebuilding a damaged index. */
const RECOVER_WAIT_MS = 120_000;
/** How long an event announcing a run that does not exist yet is re-read before it is given up. */
const PENDING_MS = 10 * 60_000;

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
  private lockHeld = false;

  constructor(
    private readonly ds: Datastore,
    private readonly db: Database,
    /** The snapshot file, or undefined when the storage has no local path (in-memory index only). */
    readonly file: string | undefined,
    private readonly notice: (message: string) => void,
  ) {}

  /** Loads the snapshot (or rebuilds), then applies the journal. */
  async init(): Promise<void> {
    this.identity = "(not loaded)";
    if (!this.file) await this.rebuildInMemory();
    await this.refresh();
  }

  /** Brings the in-memory index up to date with the snapshot file and the journal. */
  async refresh(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const names = await listJournal(this.ds.storage);
      if (this.file) await this.followSnapshot(await snapshotIdentity(this.file));
      if (!(await this.applyEvents(names))) return;
    }
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
    return this.file !== undefined && this.applied.size >= COMPACT_AFTER;
  }

  /**
   * Folds the journal into a new snapshot if the lock is free; returns false when another process
   * holds it or the root is not writable.
   */
  async compact(): Promise<boolean> {
    if (!this.file) return false;
    const lock = await tryLock(this.lockFile()).catch(() => undefined);
    if (!lock) return false;
    return this.withLock(lock, async () => {
      await this.refresh();
      await this.publish([...this.applied]);
      return true;
    });
  }

  /** Rebuilds the index from the datastore and publishes it as the new snapshot. */
  async rebuild(): Promise<{ runs: number; ms: number }> {
    const lock = this.file ? await waitLock(this.lockFile(), RECOVER_WAIT_MS).catch(() => undefined) : undefined;
    if (!lock) return this.rebuildInMemory();
    return this.withLock(lock, () => this.rebuildAndPublish().catch((err) => {
      throw new DatastoreError(`Could not write the run index (${firstLine(err)}). Free space or fix the permissions of ${path.dirname(this.file!)}; reading runs still works without it.`, { cause: err });
    }));
  }

  private async followSnapshot(id: string | undefined): Promise<void> {
    if (id === this.identity) return;
    if (id === undefined && this.identity === "(not loaded)" && (await this.ds.listFlows()).length === 0) {
      this.identity = undefined; // a root with nothing in it yet: nothing to announce or to write
      await this.replaceAll([]);
      return;
    }
    try {
      await this.load(id);
    } catch (err) {
      if (!(err instanceof SnapshotUnreadable)) throw err;
      await this.recover(err);
    }
  }

  private async load(id: string | undefined): Promise<void> {
    this.forgetDelta();
    this.snapshotAt = await loadSnapshot(this.db, this.file!);
    this.identity = id;
    this.applied.clear();
  }

  /** Rebuilds a missing or damaged snapshot; only one process rebuilds, the others wait and load it. */
  private async recover(err: SnapshotUnreadable): Promise<void> {
    // The first snapshot of a root is not news; a snapshot that existed and vanished is.
    const what = err.missing && !existsSync(this.everBuiltMarker()) ? "" : `${this.file} was ${err.message}`;
    if (this.lockHeld) return this.announce(what, await this.rebuildKeepingInMemory());
    const lock = await waitLock(this.lockFile(), RECOVER_WAIT_MS).catch(() => undefined);
    if (!lock) {
      this.announce(what, await this.rebuildInMemory());
      this.identity = await snapshotIdentity(this.file!); // do not retry until the file changes again
      return;
    }
    await this.withLock(lock, async () => {
      const id = await snapshotIdentity(this.file!);
      const ok = id !== undefined && (await this.load(id).then(() => true, () => false));
      if (ok && what) this.notice(`tsflow: the run index ${what}; another process rebuilt it.`);
      else this.announce(what, await this.rebuildKeepingInMemory());
    });
  }

  private announce(what: string, done: { runs: number; ms: number }): void {
    if (!what) return;
    this.notice(`tsflow: the run index ${what}; rebuilt it from the datastore (${done.runs} runs, ${done.ms} ms).`);
  }

  /** A file written with the first snapshot: a missing snapshot after it means it was deleted. */
  private everBuiltMarker(): string {
    return path.join(path.dirname(this.file!), "snapshot-ever-built");
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
    const names = await listJournal(this.ds.storage);
    const runs = await this.scanAll();
    try {
      await this.publish(names);
    } catch (err) {
      this.applied = new Set(names);
      this.identity = await snapshotIdentity(this.file!); // do not retry until the file changes
      this.notice(`tsflow: could not write the run index (${firstLine(err)}); using an in-memory index.`);
    }
    return { runs, ms: Date.now() - started };
  }

  private async rebuildAndPublish(): Promise<{ runs: number; ms: number }> {
    const started = Date.now();
    const names = await listJournal(this.ds.storage);
    const runs = await this.scanAll();
    await this.publish(names);
    return { runs, ms: Date.now() - started };
  }

  private async scanAll(): Promise<number> {
    const all = await listAllRuns(this.ds);
    const { found } = await readRuns(this.ds, all);
    await this.replaceAll(found.map(toStageRow));
    return found.length;
  }

  /**
   * Writes the index as the snapshot and makes it the base (the delta it folded in is dropped), then
   * deletes the journal events it covers. Events applied but not folded in are simply applied again.
   */
  private async publish(events: string[]): Promise<void> {
    await this.flush();
    await writeSnapshot(this.db, this.file!);
    await fs.writeFile(this.everBuiltMarker(), "", { flag: "wx" }).catch(() => undefined);
    await this.load(await snapshotIdentity(this.file!));
    await deleteJournalEvents(this.ds.storage, events);
  }

  /** Applies events not applied yet; returns true when one vanished (compacted meanwhile). */
  private async applyEvents(names: string[]): Promise<boolean> {
    const present = new Set(names);
    for (const name of this.applied) if (!present.has(name)) this.applied.delete(name);
    const fresh = names.filter((n) => !this.applied.has(n));
    if (fresh.length === 0) return false;
    const events = await mapLimit(fresh, 32, (n) => readJournalEvent(this.ds.storage, n).catch(() => null));
    const found = await this.reread(uniqueRuns(events));
    fresh.forEach((name, i) => {
      const e = events[i];
      // A run is announced just before its run.json is created: until the run appears (or the
      // announcement is old enough that its writer surely died), the event stays pending.
      const early = e && !found.has(deltaKey(e.flow, e.runId)) && Date.now() - eventTime(name) < PENDING_MS;
      if (!early) this.applied.add(name);
    });
    return events.includes(undefined);
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

  private lockFile(): string {
    return path.join(path.dirname(this.file!), "compact.lock");
  }
}

/** The key of a run in the delta and in `reread`'s answer. */
function deltaKey(flow: string, runId: string): string {
  return `${flow}/${runId}`;
}

/** When a journal event was written (epoch ms), from its name `<micros>-<pid>-<rand>.json`. */
function eventTime(name: string): number {
  return Number(name.split("-")[0]) / 1000 || 0;
}

/** Runs named by journal events, without duplicates (damaged events are skipped). */
function uniqueRuns(events: readonly (JournalEvent | undefined | null)[]): RunKey[] {
  const seen = new Map<string, RunKey>();
  for (const e of events) {
    if (e && typeof e.flow === "string" && typeof e.runId === "string") seen.set(deltaKey(e.flow, e.runId), { flow: e.flow, runId: e.runId });
  }
  return [...seen.values()];
}

/** The snapshot file of a datastore, when its storage is on a local file system. */
export function snapshotFileOf(ds: Datastore): string | undefined {
  return ds.storage.localPath?.(keys.indexFile());
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0]!.slice(0, 200);
}
