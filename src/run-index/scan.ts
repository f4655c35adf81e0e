/**
 * Scanning the datastore: the slow path that the index exists to avoid, used to rebuild the index
 * and to re-read the runs named by journal events. Reads run in parallel with a bounded fan-out.
 */
import type { Datastore } from "../store/datastore.js";
import { type RunFacts, readRunFacts } from "./run-row.js";
import { mapLimit } from "../util/concurrency.js";

/** How many runs are read from the datastore at once. */
export const SCAN_CONCURRENCY = 64;

/** A run to (re-)read. */
export interface RunKey {
  flow: string;
  runId: string;
}

/** What a scan found: the runs that exist, and how many could not be read (damaged records). */
export interface ScanResult {
  /** The runs that exist, as facts. */
  found: RunFacts[];
  /** Keys of runs whose records could not be parsed; they are left out of the index. */
  unreadable: RunKey[];
}

/** Lists every run of every flow in the datastore. */
export async function listAllRuns(ds: Datastore): Promise<RunKey[]> {
  const flows = await ds.listFlows();
  const perFlow = await mapLimit(flows, 8, async (flow) => (await ds.listRunIds(flow)).map((runId) => ({ flow, runId })));
  return perFlow.flat();
}

/** Reads the facts of the given runs; a run that no longer exists is simply absent from `found`. */
export async function readRuns(ds: Datastore, runs: readonly RunKey[]): Promise<ScanResult> {
  const unreadable: RunKey[] = [];
  const facts = await mapLimit(runs, SCAN_CONCURRENCY, async (key) => {
    try {
      return await readRunFacts(ds, key.flow, key.runId);
    } catch {
      unreadable.push(key);
      return undefined;
    }
  });
  return { found: facts.filter((f): f is RunFacts => f !== undefined), unreadable };
}
