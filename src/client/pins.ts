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
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { NamespaceMismatchError, NotFoundError } from "../util/errors.js";
import { currentContext, type ReadContext } from "./context.js";
import { parsePathspec } from "./model.js";
import { PinError, type Pin, readPinFile, writePinFile } from "./pin-file.js";
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
  /** The pin file the pin is in. */
  file: string;
}

interface PinState {
  /** The active pin file; `null`: pins are off. */
  file: string | null;
  cache?: { file: string; stamp: string; pins: Pin[] };
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const STATE = Symbol.for("tsflow.client.pins");
const STATUS = Symbol.for("tsflow.pin.status");
// `pin()` asks for the real latest run, not the pinned one.
const unpinned = new AsyncLocalStorage<true>();

function pinState(): PinState {
  const holder = globalThis as { [STATE]?: PinState };
  return (holder[STATE] ??= { file: null });
}

/**
 * Makes `file` the active pin file of this process: from now on `latestSuccessfulRun` follows its
 * pins, and `pin()`/`unpin()` edit it. The file is read when a lookup needs it (re-read when it
 * changes), and need not exist yet. `usePins(null)` turns pins off.
 * @param file A path (relative to the working directory). @default "tsflow-pins.json"
 * @returns The absolute path of the active pin file, or null when pins are off.
 * @throws PinError when `file` is a URL (`s3://...`): pin files are local, even on a shared S3 root.
 * @example
 * usePins("notebooks/analysis.ipynb.tsflow-pins.json");
 * const run = await Flow("TeamCollabFlow").latestSuccessfulRun; // the run the notebook pinned
 */
export function usePins(file: string | null = DEFAULT_PIN_FILE): string | null {
  // A pin file belongs to one notebook or script, not to the shared root; path.resolve would turn
  // `s3://b/p` into a local folder named `s3:`.
  if (file !== null && URL_LIKE.test(file))
    throw new PinError(
      `usePins(${JSON.stringify(file)}): a pin file is a local file (beside the notebook), not a URL. Give a local path such as "analysis.ipynb.tsflow-pins.json".`,
    );
  const state = pinState();
  state.file = file === null ? null : path.resolve(file);
  delete state.cache;
  return state.file;
}

/** The active pin file, or null when pins are off (no `usePins()` or `pin()` yet). */
export function getPinFile(): string | null {
  return pinState().file;
}

/**
 * Every pin in the active pin file (every namespace), in the order they were made.
 * @throws PinFileError when the file is not a valid pin file.
 */
export async function listPins(): Promise<Pin[]> {
  const file = pinState().file;
  return file === null ? [] : loadPins(file);
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
  const file = pinState().file;
  if (file === null || unpinned.getStore()) return undefined;
  const found = (await loadPins(file)).find((p) => p.flow === flow && p.namespace === ctx.namespace);
  if (!found) return undefined;
  let run: RunObject;
  try {
    run = await load<RunObject>("Run", ctx, { parts: [flow, found.runId] });
  } catch (err) {
    throw stalePin(err, found, file);
  }
  const newerRuns = await (await ctx.backend.index()).countNewerSuccessful(flow, ctx.namespace, run.createdAt, run.id);
  Object.defineProperty(run, STATUS, { value: { pin: found, newerRuns, file } satisfies PinStatus, enumerable: false });
  return run;
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
