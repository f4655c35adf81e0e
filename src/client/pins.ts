/**
 * Pinned runs, for reproducible notebooks and scripts. `pin("TeamCollabFlow")` records the run that
 * `latestSuccessfulRun` gives now in the active pin file; while it is pinned, `latestSuccessfulRun`
 * of that flow returns the pinned run, and the run knows it was pinned (`pinStatus(run)`: the pin and
 * how many newer successful runs exist). A script that calls `usePins(file)` on a notebook's pin file
 * reads the same runs the notebook did.
 *
 * Pins are per namespace: a pin made in `user:alice` applies to `latestSuccessfulRun` asked in
 * `user:alice` only; in another namespace the flow is not pinned (unless pinned there too), so
 * switching namespace still asks that namespace, as Metaflow does. The pinned run is read with the
 * caller's namespace check: if it has left the namespace since (a user tag removed), the lookup fails
 * with `NamespaceMismatchError` instead of quietly returning another run.
 *
 * Pins travel with the runs launched under them: `runFlow`, `%run` and `tsflow run --pins` record the
 * pins in force (resolved at launch) once with the run (`pins.json`), and inside each of its tasks,
 * wherever it runs (worker processes, Redis workers, Slurm jobs), `latestSuccessfulRun` follows those,
 * unless code in the task's process chose its own pin file with `usePins`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { currentTask } from "../flow/current.js";
import type { RunPinsRecord } from "../store/records.js";
import { NamespaceMismatchError, NotFoundError } from "../util/errors.js";
import { currentContext, type ReadContext } from "./context.js";
import { parsePathspec } from "./model.js";
import { PIN_FILE_FORMAT, PinError, type Pin, pinEntries, readPinFile, runPinsOf, writePinFile } from "./pin-file.js";
import { load } from "./registry.js";
import type { RunObject } from "./run.js";

export { PinError, PinFileError, type Pin } from "./pin-file.js";

/** The pin file used when none was chosen: `tsflow-pins.json` in the working directory. */
export const DEFAULT_PIN_FILE = "tsflow-pins.json";

/** What a run returned through a pin carries: the pin, and how many newer successful runs exist. */
export interface PinStatus {
  /** The pin that chose the run. */
  pin: Pin;
  /** Successful runs of the flow in the pin's namespace that are newer than the pinned one. */
  newerRuns: number;
  /** The pin file the pin is in (for a run's launch pins: the launcher's file they were read from). */
  file: string;
  /** When the pin came with the run of the task that asked (its launch pins): that run, `Flow/RunId`. */
  run?: string;
}

interface PinState {
  /** The active pin file; `null`: pins are off. */
  file: string | null;
  cache?: { file: string; stamp: string; pins: Pin[] };
  /** Counts `usePins` calls: a task follows its run's pins while this is what it was at launch. */
  generation: number;
  /** `generation` when this process last launched a run (undefined: it never did). */
  launchGeneration?: number;
}

/** The pins in force and where they come from. */
interface PinSource {
  pins: Pin[];
  file: string;
  /** The run whose launch pins these are, inside one of its tasks. */
  run?: string;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const STATE = Symbol.for("tsflow.client.pins");
const STATUS = Symbol.for("tsflow.pin.status");
// `pin()` asks for the real latest run, not the pinned one.
const unpinned = new AsyncLocalStorage<true>();

function pinState(): PinState {
  const holder = globalThis as { [STATE]?: PinState };
  const state = (holder[STATE] ??= { file: null, generation: 0 });
  state.generation ??= 0; // a state made by an older copy of the library in this process
  return state;
}

/**
 * Makes `file` the active pin file of this process: from now on `latestSuccessfulRun` follows its
 * pins, and `pin()`/`unpin()` edit it. The file is read when a lookup needs it (re-read when it
 * changes), and need not exist yet. `usePins(null)` turns pins off. Runs launched from now on take
 * its pins with them; called in a task (or by a flow file's top level on a worker), it makes that
 * process follow `file` instead of the pins the task's run was launched with.
 * @param file A path (relative to the working directory). @default "tsflow-pins.json"
 * @returns The absolute path of the active pin file, or null when pins are off.
 * @throws PinError when `file` is a URL (`s3://...`): pin files are local, even on a shared S3 root.
 * @example
 * usePins("notebooks/analysis.ipynb.tsflow-pins.json");
 * const run = await Flow("TeamCollabFlow").latestSuccessfulRun; // the run the notebook pinned
 */
export function usePins(file: string | null = DEFAULT_PIN_FILE): string | null {
  const state = pinState();
  state.file = file === null ? null : localPinFile(file, `usePins(${JSON.stringify(file)})`);
  state.generation++;
  delete state.cache;
  return state.file;
}

// A pin file belongs to one notebook or script, not to the shared root; path.resolve would turn
// `s3://b/p` into a local folder named `s3:`.
function localPinFile(file: string, what: string): string {
  if (URL_LIKE.test(file))
    throw new PinError(`${what}: a pin file is a local file (beside the notebook), not a URL. Give a local path such as "analysis.ipynb.tsflow-pins.json".`);
  return path.resolve(file);
}

/** The active pin file, or null when pins are off (no `usePins()` or `pin()` yet). */
export function getPinFile(): string | null {
  return pinState().file;
}

/**
 * Every pin in force (every namespace), in the order they were made: the active pin file's, or inside
 * a task the pins its run was launched with.
 * @throws PinFileError when the file is not a valid pin file.
 */
export async function listPins(): Promise<Pin[]> {
  return (await activePins())?.pins ?? [];
}

/**
 * Pins a flow in the current namespace to the run `latestSuccessfulRun` gives now (or to the run a
 * `Flow/RunId` pathspec names), and records it in the active pin file (`tsflow-pins.json` in the
 * working directory if none was chosen). Pinning again moves the pin to the newest run.
 * @param target A flow name, a flow class, or a run pathspec `Flow/RunId`.
 * @returns The pin.
 * @throws PinError when the flow has no successful run in the namespace, or the named run did not succeed.
 * @throws NotFoundError, NamespaceMismatchError as `Flow(name)` / `Run(pathspec)` would.
 * @example
 * const p = await pin("TeamCollabFlow");
 * console.log(`pinned ${p.pathspec}`);
 */
export async function pin(target: string | { name: string }): Promise<Pin> {
  const name = typeof target === "string" ? target : String(target?.name);
  const ctx = currentContext();
  const run = await (name.includes("/") ? pinnableRun(ctx, name) : latestOf(ctx, name));
  const file = pinState().file ?? usePins()!;
  const made: Pin = { flow: run.pathspec.split("/")[0]!, namespace: ctx.namespace, runId: run.id, pathspec: run.pathspec, pinnedAt: new Date() };
  const pins = (await readPinFile(file)).filter((p) => !(p.flow === made.flow && p.namespace === made.namespace));
  await writePinFile(file, [...pins, made]);
  delete pinState().cache;
  return made;
}

/**
 * Removes the pin of a flow in the current namespace from the active pin file.
 * @param flow A flow name or class.
 * @returns The pin that was removed.
 * @throws PinError when the flow is not pinned in the current namespace (the message names where it is).
 * @example
 * await unpin("TeamCollabFlow");
 */
export async function unpin(flow: string | { name: string }): Promise<Pin> {
  const name = typeof flow === "string" ? flow : String(flow?.name);
  const ns = currentContext().namespace;
  const file = pinState().file;
  const pins = file === null ? [] : await readPinFile(file);
  const found = pins.find((p) => p.flow === name && p.namespace === ns);
  if (!found || file === null) {
    const elsewhere = pins.filter((p) => p.flow === name).map((p) => p.namespace ?? "global");
    const hint = elsewhere.length ? `; it is pinned in ${elsewhere.join(", ")}: switch there to unpin it` : "";
    throw new PinError(`${name} is not pinned in namespace ${ns ?? "global"}${hint}.`);
  }
  await writePinFile(
    file,
    pins.filter((p) => p !== found),
  );
  delete pinState().cache;
  return found;
}

/**
 * Tells whether a run was returned through a pin: the pin and how many newer successful runs
 * exist, or undefined for a run looked up any other way.
 */
export function pinStatus(run: object): PinStatus | undefined {
  return (run as { [STATUS]?: PinStatus })[STATUS];
}

/**
 * @internal The hook of `latestSuccessfulRun`: the pinned run of `flow` in the context's namespace
 * (read with its namespace check, marked with its `PinStatus`), or undefined when it is not pinned.
 */
export async function pinnedRun(ctx: ReadContext, flow: string): Promise<RunObject | undefined> {
  const source = unpinned.getStore() ? undefined : await activePins();
  const found = source?.pins.find((p) => p.flow === flow && p.namespace === ctx.namespace);
  if (!source || !found) return undefined;
  const { file, run: launched } = source;
  let run: RunObject;
  try {
    run = await load<RunObject>("Run", ctx, { parts: [flow, found.runId] });
  } catch (err) {
    throw stalePin(err, found, file);
  }
  const newerRuns = await (await ctx.backend.index()).countNewerSuccessful(flow, ctx.namespace, run.createdAt, run.id);
  const status: PinStatus = { pin: found, newerRuns, file, ...(launched ? { run: launched } : {}) };
  Object.defineProperty(run, STATUS, { value: status, enumerable: false });
  return run;
}

/**
 * @internal The pins to record with a run launched now, resolved now so that its tasks follow them
 * on any machine: those in force here (`undefined`), those of a pin file (a path), or none (`null`).
 * @returns The record for the run's `pins.json`, or undefined when there are no pins.
 * @throws PinFileError for a file that is not a pin file; PinError for a named file that does not exist.
 */
export async function pinsForLaunch(file?: string | null): Promise<RunPinsRecord | undefined> {
  const state = pinState();
  state.launchGeneration = state.generation;
  if (file === null) return undefined;
  const source = file === undefined ? await activePins() : await namedPins(file);
  if (!source || source.pins.length === 0) return undefined;
  return { tsflow: PIN_FILE_FORMAT, source: source.file, pins: pinEntries(source.pins) };
}

async function namedPins(file: string): Promise<PinSource> {
  const resolved = localPinFile(file, `The pin file ${JSON.stringify(file)}`);
  const found = await fs.stat(resolved).catch(() => undefined);
  if (!found?.isFile())
    throw new PinError(
      `The pin file ${resolved} does not exist: give the pin file of a notebook or script (<notebook>.tsflow-pins.json), or make one with pin() or %pin.`,
    );
  return { pins: await readPinFile(resolved), file: resolved };
}

// Inside a task its run's launch pins apply, unless code in this process chose a pin file since
// the launch (a step's usePins; on a worker, also a flow file's top-level one): that wins.
async function activePins(): Promise<PinSource | undefined> {
  const state = pinState();
  const task = currentTask();
  if (task?.pins && state.generation === (state.launchGeneration ?? 0)) {
    const run = `${task.flowName}/${task.runId}`;
    const record = await task.pins();
    return record && { pins: runPinsOf(record, run), file: record.source, run };
  }
  return state.file === null ? undefined : { pins: await loadPins(state.file), file: state.file };
}

function stalePin(err: unknown, p: Pin, file: string): unknown {
  const fix = `unpin it with unpin("${p.flow}") (%unpin ${p.flow} in a notebook) or pin it again`;
  if (err instanceof NotFoundError)
    return new PinError(`${p.flow} is pinned to run ${p.pathspec} (in ${file}), which does not exist in this datastore: ${fix}.`, { cause: err });
  if (err instanceof NamespaceMismatchError) {
    return new NamespaceMismatchError(
      err.namespace,
      `${p.flow} is pinned to run ${p.pathspec} (in ${file}), which is no longer in namespace '${err.namespace}': ${fix}.`,
    );
  }
  return err;
}

/** The pins of a file, re-read only when the file changed (one stat per lookup). */
async function loadPins(file: string): Promise<Pin[]> {
  const state = pinState();
  const st = await fs.stat(file).catch(() => undefined);
  const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : "missing";
  if (state.cache?.file === file && state.cache.stamp === stamp) return state.cache.pins;
  const pins = st ? await readPinFile(file) : [];
  state.cache = { file, stamp, pins };
  return pins;
}

async function latestOf(ctx: ReadContext, name: string): Promise<RunObject> {
  parsePathspec("Flow", name);
  // Typed structurally: importing flow.ts here would close an import cycle (flow.ts calls pinnedRun).
  const flow = await load<{ latestSuccessfulRun: Promise<RunObject | null> }>("Flow", ctx, { parts: [name] });
  const run = await unpinned.run(true, () => flow.latestSuccessfulRun);
  if (!run)
    throw new PinError(`${name} has no successful run in namespace ${ctx.namespace ?? "global"}: nothing to pin. Run it first, or pin a run by pathspec.`);
  return run;
}

async function pinnableRun(ctx: ReadContext, pathspec: string): Promise<RunObject> {
  const parts = parsePathspec("Run", pathspec);
  const run = await load<RunObject>("Run", ctx, { parts });
  if (!run.successful)
    throw new PinError(`Run ${pathspec} is ${run.status}, not successful: latestSuccessfulRun only gives successful runs, so pin a successful one.`);
  return run;
}
