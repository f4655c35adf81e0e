/** Test helpers for the run index: runs written straight into a datastore, as the runtime would. */
import { Datastore } from "../../src/store/datastore.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import type { AttemptRecord, RunRecord } from "../../src/store/records.js";
import { deleteJournalEvents, journalEventRun, listJournal, readJournalEvent } from "../../src/store/journal.js";

/** How a made-up run ends. */
export type Outcome = "successful" | "failed" | "running";

/** What `makeRun` writes. */
export interface MakeRunOptions {
  flow?: string;
  user?: string;
  tags?: string[];
  outcome?: Outcome;
  /**
   * How the run is announced in the journal: with typed events as the runtime writes them (`true`),
   * with one untyped "re-read this run" event at the end (`"reread"`, as an older writer or a repair
   * would), or not at all (`false`: a run copied in by hand). @default true
   */
  notify?: boolean | "reread";
}

/** Opens a datastore over a local directory. */
export function localDatastore(dir: string): Datastore {
  return new Datastore(new LocalStorage(dir));
}

/** Writes a run (start and end tasks, artifacts, outcome) and returns its record. */
export async function makeRun(ds: Datastore, o: MakeRunOptions = {}): Promise<RunRecord> {
  const flow = o.flow ?? "TeamCollabFlow";
  const user = o.user ?? "alice";
  const run = await ds.createRun(
    {
      flow,
      user,
      systemTags: [`user:${user}`, "runtime:node"],
      originRunId: null,
      startStep: "start",
      endStep: "end",
      graph: { flow, steps: [] },
      parameters: [],
    },
    o.tags ?? [],
  );
  await writeTask(ds, run, "start", true);
  const outcome = o.outcome ?? "successful";
  if (outcome !== "running") {
    const done = await writeTask(ds, run, "end", outcome === "successful");
    await ds.notifyRunEnded(flow, run.runId, done);
    await ds.writeStatus(flow, run.runId, { state: outcome, finishedAt: Date.now() });
  }
  const notify = o.notify ?? true;
  if (notify === false) await forgetRun(ds, flow, run.runId);
  else if (notify === "reread") {
    await forgetRun(ds, flow, run.runId);
    await ds.notifyRunChanged(flow, run.runId);
  }
  return run;
}

/** Writes one finished task (task 1 of `step`) with an artifact `choice` and a hidden `_graph`. */
export async function writeTask(ds: Datastore, run: RunRecord, step: string, success: boolean): Promise<AttemptRecord> {
  const { flow, runId } = run;
  const now = Date.now();
  await ds.writeTask({ flow, runId, step, taskId: "1", createdAt: now, index: null, foreachStack: [], parents: [], originRunId: null });
  const ref = { sha: "a".repeat(64), size: 2, format: "json" as const, createdAt: now, type: "number" };
  await ds.writeArtifacts(flow, runId, step, "1", 0, { choice: ref, _graph: ref });
  const done: AttemptRecord = { attempt: 0, success, startedAt: now, finishedAt: now + 1, pid: process.pid, next: [] };
  await ds.writeDone(flow, runId, step, "1", done);
  return done;
}

/** Deletes a run's journal events (createRun announces every run): a run copied in by hand, never journaled. */
async function forgetRun(ds: Datastore, flow: string, runId: string): Promise<void> {
  for (const name of await listJournal(ds.storage)) {
    const e = journalEventRun(name) ?? (await readJournalEvent(ds.storage, name));
    if (e?.flow === flow && e.runId === runId) await deleteJournalEvents(ds.storage, [name]);
  }
}
