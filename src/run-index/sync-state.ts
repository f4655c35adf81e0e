/**
 * The persisted sync state of a shared root's index, `sync-state.json` in the reader's cache
 * folder: which snapshot version the reader loaded, the journal cursor, the events it applied and
 * the runs it re-read since. A new process (the next CLI command) restores it instead of re-reading
 * every run the journal names, so its first sync costs only what changed since the last one.
 * Written whole to a temporary file and renamed, so processes of one user can share the folder.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { tempName } from "../store/temp-name.js";
import type { RunFacts } from "./run-row.js";

const FORMAT = "tsflow-sync-state-1";

/** What a reader knows beyond the snapshot it loaded. */
export interface SyncState {
  /** The snapshot version (ETag) the rest is relative to. */
  snapshot: string;
  /** The newest journal event time seen (epoch ms, writers' clocks), or undefined for none. */
  cursorMs: number | undefined;
  /** Journal events applied on top of the snapshot. */
  applied: string[];
  /** Journal events whose run did not exist yet. */
  pending: string[];
  /** Events applied since the snapshot was loaded (what a compaction would fold). */
  sinceSnapshot: number;
  /** Runs re-read since the snapshot was loaded (`flow/runId`), null when they vanished. */
  delta: [string, RunFacts | null][];
}

const file = (dir: string) => path.join(dir, "sync-state.json");

/** Reads the state, or undefined when there is none or it is unreadable (the reader then starts over). */
export async function loadSyncState(dir: string): Promise<SyncState | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file(dir), "utf8")) as SyncState & { format?: string };
    return parsed.format === FORMAT && typeof parsed.snapshot === "string" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the state atomically; a failure (a full disk) only costs the next process a longer first sync. */
export async function saveSyncState(dir: string, state: SyncState): Promise<void> {
  const target = file(dir);
  const tmp = tempName(target);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(tmp, JSON.stringify({ format: FORMAT, ...state }));
    await fs.rename(tmp, target);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}
