/**
 * The pins a run was launched with, as its tasks read them: once per process and run (a worker
 * process runs many tasks of a run, and of other runs), from the run's `pins.json` in the datastore.
 */
import type { Datastore } from "../store/datastore.js";
import type { RunPinsRecord } from "../store/records.js";
import type { TaskSpec } from "./task-spec.js";

// Runs whose pins this process read, least recently used first: a long-lived worker serves many runs.
const cache = new Map<string, Promise<RunPinsRecord | undefined>>();
const CACHED_RUNS = 32;
const NONE = () => Promise.resolve(undefined);

/** The loader of a task's run pins for `current` (no read at all for a run launched without pins). */
export function runPinsOf(ds: Datastore, spec: TaskSpec): () => Promise<RunPinsRecord | undefined> {
  if (!spec.pins) return NONE;
  return () => {
    const key = `${ds.location}\u0000${spec.flow}/${spec.runId}`;
    let pins = cache.get(key);
    if (pins) cache.delete(key);
    else pins = ds.readRunPins(spec.flow, spec.runId);
    // A failed read is not kept: the next task of the run asks again.
    pins.catch(() => cache.delete(key));
    cache.set(key, pins);
    if (cache.size > CACHED_RUNS) cache.delete(cache.keys().next().value!);
    return pins;
  };
}
