/**
 * The change journal of a datastore root: one small immutable file per "this run changed" event,
 * under `index/journal/`. Writers append events after the datastore files they describe are in
 * place; the run index reads them to stay current without scanning the datastore.
 */
import { randomBytes } from "node:crypto";
import type { Storage } from "./storage.js";
import { keys } from "./layout.js";

/** One journal event: the run whose files changed. */
export interface JournalEvent {
  flow: string;
  runId: string;
}

let localWrites = 0;

/** How many journal events this process wrote: an index that synced before the last one is stale for this process. */
export function localWriteCount(): number {
  return localWrites;
}

/**
 * Records that a run changed (created, finished, tags edited). The event's name carries the run
 * (`<micros>-<pid>-<rand>-<flow>-<runId>.json`), so a listing of the journal is enough to know which
 * runs to re-read: on S3 that saves one GET per event. The body holds the same, for readers of
 * names without the run (written before names carried it).
 */
export async function notifyRunChanged(storage: Storage, event: JournalEvent): Promise<void> {
  const name = `${nowMicros()}-${process.pid}-${randomBytes(3).toString("hex")}-${event.flow}-${event.runId}.json`;
  await storage.write(`${keys.journalDir()}/${name}`, JSON.stringify(event));
  localWrites++;
}

const NAME_WITH_RUN = /^\d+-\d+-[0-9a-f]+-([A-Za-z_][A-Za-z0-9_]*)-(\d+)\.json$/;

/** The run an event's name carries, or undefined for a name without it (read the body then). */
export function journalEventRun(name: string): JournalEvent | undefined {
  const m = NAME_WITH_RUN.exec(name);
  return m ? { flow: m[1]!, runId: m[2]! } : undefined;
}

/**
 * Lists the journal's event file names, oldest first; with `startAfter`, only the names after it
 * (one request per 1,000 names on S3, instead of a listing of the whole journal).
 */
export async function listJournal(storage: Storage, startAfter?: string): Promise<string[]> {
  const names = await storage.list(keys.journalDir(), startAfter === undefined ? undefined : { startAfter });
  return names.filter((n) => n.endsWith(".json")).sort();
}

/** When a journal event was written (epoch ms, by its writer's clock), from its name `<micros>-<pid>-<rand>.json`. */
export function journalEventTime(name: string): number {
  return Number(name.split("-")[0]) / 1000 || 0;
}

/** The smallest journal event name of a moment (epoch ms): every event written at or after it sorts after it. */
export function journalNameAt(ms: number): string {
  return String(Math.max(0, Math.floor(ms)) * 1000).padStart(17, "0");
}

/** Reads one journal event, or undefined when it was compacted away meanwhile. */
export async function readJournalEvent(storage: Storage, name: string): Promise<JournalEvent | undefined> {
  const text = await storage.readText(`${keys.journalDir()}/${name}`);
  return text === undefined ? undefined : (JSON.parse(text) as JournalEvent);
}

/** Deletes journal events already folded into an index snapshot. */
export async function deleteJournalEvents(storage: Storage, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((n) => storage.delete(`${keys.journalDir()}/${n}`)));
}

function nowMicros(): string {
  return String(BigInt(Date.now()) * 1000n + ((process.hrtime.bigint() / 1000n) % 1000n)).padStart(17, "0");
}
