/**
 * The change journal of a datastore root: one small immutable file per "this run changed" event,
 * under `index/journal/`. Writers append events after the datastore files they describe are in
 * place; the run index reads them to stay current without scanning the datastore.
 *
 * An event's name carries the run and what happened to it
 * (`<micros>-<pid>-<rand>-<flow>-<runId>[.<kind>].json`), and the events a runtime writes carry the
 * facts it knows in their body, so a reader on S3 learns a teammate's new run from one listing and one
 * GET (the `end` event), not from the seven requests that re-reading the run's files costs. An event
 * without a kind means "re-read this run" (a resume, a repair, an event from before kinds existed).
 */
import { randomBytes } from "node:crypto";
import type { Storage } from "./storage.js";
import { keys } from "./layout.js";

/**
 * What an event says happened to its run:
 * - `new`: the run is about to be created (written before `run.json`: a runtime killed right after
 *   still leaves an event; the run may never appear, if its id was taken);
 * - `run`: the run was created; the body has its record's facts and its first tag revision;
 * - `end`: an attempt of the end task recorded its outcome; the body has it and the run's upstream runs;
 * - `ok` / `failed`: the runtime recorded the run's status (`status.json`);
 * - `tags`: a new revision of the run's user tags.
 */
export type JournalKind = "new" | "run" | "end" | "ok" | "failed" | "tags";

const KINDS: ReadonlySet<string> = new Set<JournalKind>(["new", "run", "end", "ok", "failed", "tags"]);

/** What a `run` event's body knows: the immutable facts of `run.json` and the first tag revision. */
export interface CreatedFacts {
  createdAt: number;
  user: string;
  systemTags: string[];
  originRunId: string | null;
  endStep: string;
  userTags: string[];
}

/** What an `end` event's body knows: the end task's attempt outcome, and the runs its tasks read. */
export interface EndedFacts {
  attempt: number;
  success: boolean;
  finishedAt: number;
  /** Every run (`Flow/RunId`) the run's tasks read through the client, as of the end task's outcome. */
  upstream: string[];
}

/** One journal event: the run whose files changed, what happened, and the facts its writer knew. */
export interface JournalEvent {
  flow: string;
  runId: string;
  /** Absent: "re-read the run". */
  kind?: JournalKind;
  created?: CreatedFacts;
  ended?: EndedFacts;
}

let localWrites = 0;

/** How many journal events this process wrote: an index that synced before the last one is stale for this process. */
export function localWriteCount(): number {
  return localWrites;
}

/** Records that a run changed (created, finished, tags edited): see the module comment for the name. */
export async function notifyRunChanged(storage: Storage, event: JournalEvent): Promise<void> {
  const kind = event.kind ? `.${event.kind}` : "";
  const name = `${nowMicros()}-${process.pid}-${randomBytes(3).toString("hex")}-${event.flow}-${event.runId}${kind}.json`;
  await storage.write(`${keys.journalDir()}/${name}`, JSON.stringify(event));
  localWrites++;
}

const NAME_WITH_RUN = /^\d+-\d+-[0-9a-f]+-([A-Za-z_][A-Za-z0-9_]*)-(\d+)(?:\.([a-z]+))?\.json$/;

/**
 * The run (and kind) an event's name carries, or undefined for a name without the run (read the body
 * then). A kind this version does not know reads as none: "re-read the run".
 */
export function journalEventRun(name: string): JournalEvent | undefined {
  const m = NAME_WITH_RUN.exec(name);
  if (!m) return undefined;
  const kind = m[3] !== undefined && KINDS.has(m[3]) ? (m[3] as JournalKind) : undefined;
  return kind ? { flow: m[1]!, runId: m[2]!, kind } : { flow: m[1]!, runId: m[2]! };
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
