/**
 * The pin file: a small JSON lock file that records, per flow and namespace, the run that
 * `latestSuccessfulRun` returns while pinned. A notebook keeps one beside it
 * (`<notebook>.tsflow-pins.json`); a script reads the same file with `usePins(file)`.
 *
 * Format (version 1):
 * ```json
 * { "tsflow": "pins-1",
 *   "pins": [{ "flow": "TeamCollabFlow", "namespace": "user:alice", "runId": "1795778912128093",
 *              "pinnedAt": "2026-12-03T14:20:00.000Z" }] }
 * ```
 * `namespace` is `null` for a pin made in the global namespace. Written atomically (temporary file,
 * then rename), so a reader never sees half a file.
 */
import * as fs from "node:fs/promises";
import type { RunPinEntry, RunPinsRecord } from "../store/records.js";
import { TsflowError } from "../util/errors.js";
import { tempName } from "../store/temp-name.js";

/** The version tag at the top of every pin file. */
export const PIN_FILE_FORMAT = "pins-1";

/** One pin: while it is in the active pin file, `latestSuccessfulRun` of `flow` in `namespace` is this run. */
export interface Pin {
  /** The flow that is pinned. */
  flow: string;
  /** The namespace the pin was made in and applies to (`null`: global). */
  namespace: string | null;
  /** The pinned run's id. */
  runId: string;
  /** `Flow/RunId` of the pinned run. */
  pathspec: string;
  /** When the pin was made. */
  pinnedAt: Date;
}

/**
 * Raised when a pin file cannot be used: not JSON, not a pin file, or a pin entry is malformed.
 * `latestSuccessfulRun` then fails rather than quietly ignoring the pins; `file` names the file.
 * @example
 * import assert from "node:assert/strict";
 * import { writeFileSync } from "node:fs";
 * import { Flow, usePins, PinFileError } from "tsflow";
 *
 * writeFileSync("broken-pins.json", '{ "tsflow": "pins-1", "pins": [ '); // cut short
 * usePins("broken-pins.json");
 * const err = await Flow("TeamCollabFlow").latestSuccessfulRun.catch((e: unknown) => e);
 * assert.ok(err instanceof PinFileError);
 * assert.equal(err.code, "PIN_FILE_INVALID");
 * console.log(err.message); // .../broken-pins.json: is not JSON (...). Fix the file, or delete it to drop every pin.
 */
export class PinFileError extends TsflowError {
  static override readonly code = "PIN_FILE_INVALID";
  static override readonly headline = "Bad pin file";
  /** The file that was read. */
  readonly file: string;

  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}: ${problem}. Fix the file, or delete it to drop every pin.`, options);
    this.file = file;
  }
}

/**
 * Raised when a pin cannot be made or removed (nothing to pin, not pinned, an unsuccessful run), or
 * when a pinned run is gone from the datastore.
 * @example
 * import assert from "node:assert/strict";
 * import { pin, unpin, usePins, PinError } from "tsflow";
 *
 * usePins("example-pins.json");
 * const err = await unpin("TeamCollabFlow").catch((e: unknown) => e);
 * assert.ok(err instanceof PinError);
 * assert.equal(err.code, "PIN_ERROR");
 * console.log(err.message); // TeamCollabFlow is not pinned in namespace user:alice.
 * const made = await pin("TeamCollabFlow");
 * assert.equal((await unpin("TeamCollabFlow")).pathspec, made.pathspec);
 */
export class PinError extends TsflowError {
  static override readonly code = "PIN_ERROR";
  static override readonly headline = "Cannot pin";
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RUN_ID = /^[0-9]+$/;

/** Reads a pin file; a missing file has no pins. */
export async function readPinFile(file: string): Promise<Pin[]> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new PinFileError(file, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  return parsePinFile(file, text);
}

/** Parses and checks the text of a pin file. */
export function parsePinFile(file: string, text: string): Pin[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PinFileError(file, `is not JSON (${(err as Error).message})`, { cause: err });
  }
  return parsePinDocument(file, doc);
}

/** Checks a parsed pin file (or a run's `pins.json`, which has the same shape); `file` names it in errors. */
export function parsePinDocument(file: string, doc: unknown): Pin[] {
  const top = doc as { tsflow?: unknown; pins?: unknown } | null;
  if (typeof top !== "object" || top === null || Array.isArray(top))
    throw new PinFileError(file, 'is not a pin file (expected an object with "tsflow" and "pins")');
  if (top.tsflow !== PIN_FILE_FORMAT) throw new PinFileError(file, `has format ${JSON.stringify(top.tsflow)}, expected "${PIN_FILE_FORMAT}"`);
  if (!Array.isArray(top.pins)) throw new PinFileError(file, 'has no "pins" list');
  const pins = top.pins.map((entry, i) => parseEntry(file, entry, i));
  const keys = new Set<string>();
  for (const p of pins) {
    const key = `${p.flow}\u0000${p.namespace}`;
    if (keys.has(key)) throw new PinFileError(file, `pins ${p.flow} twice in namespace ${p.namespace ?? "global"}`);
    keys.add(key);
  }
  return pins;
}

function parseEntry(file: string, entry: unknown, i: number): Pin {
  const e = entry as Record<string, unknown> | null;
  const bad = (what: string): never => {
    throw new PinFileError(file, `pins[${i}] ${what}`);
  };
  if (typeof e !== "object" || e === null) return bad("is not an object");
  if (typeof e.flow !== "string" || !NAME.test(e.flow)) bad(`has no valid "flow" (a flow name such as "TeamCollabFlow")`);
  if (typeof e.runId !== "string" || !RUN_ID.test(e.runId)) bad(`has no valid "runId" (the digits of a run id)`);
  if (e.namespace !== null && (typeof e.namespace !== "string" || e.namespace === "")) bad(`has no valid "namespace" (a namespace, or null for global)`);
  const pinnedAt = new Date(typeof e.pinnedAt === "string" ? e.pinnedAt : Number.NaN);
  if (Number.isNaN(pinnedAt.getTime())) bad(`has no valid "pinnedAt" (an ISO date)`);
  const flow = e.flow as string,
    runId = e.runId as string;
  return { flow, namespace: e.namespace as string | null, runId, pathspec: `${flow}/${runId}`, pinnedAt };
}

/** Writes the pins atomically (a temporary file renamed over the old one). */
export async function writePinFile(file: string, pins: readonly Pin[]): Promise<void> {
  const doc = { tsflow: PIN_FILE_FORMAT, pins: pinEntries(pins) };
  const tmp = tempName(file);
  try {
    await fs.writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new PinError(`Cannot write the pin file ${file} (${(err as Error).message}): check that its folder exists and is writable.`, { cause: err });
  }
}

/** The pins as a pin file (and a run's `pins.json`) stores them. */
export function pinEntries(pins: readonly Pin[]): RunPinEntry[] {
  return pins.map((p) => ({ flow: p.flow, namespace: p.namespace, runId: p.runId, pinnedAt: p.pinnedAt.toISOString() }));
}

/** The pins a run's `pins.json` records (the run's launch pins), checked as a pin file is; `run` names it in errors. */
export function runPinsOf(record: RunPinsRecord, run: string): Pin[] {
  return parsePinDocument(`the pins of run ${run}`, record);
}

/** The pins a run was launched with, as `run.launchPins()` gives them. */
export interface LaunchPins {
  /** The pins its tasks followed. */
  pins: Pin[];
  /** The pin file they were read from, on the launching machine. */
  file: string;
  /** For a resumed run that kept its origin's pins: the run they were first launched with (`Flow/RunId`), else null. */
  reusedFrom: string | null;
}
