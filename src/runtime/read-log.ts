/**
 * Lineage recording: while a task runs, every artifact it reads from another run through the client
 * is noted here (with the namespace it was read in), and the reads are written once, when the task's
 * attempt ends, as the task's lineage record. Works the same in worker processes and in-process
 * (notebook) runs: the client finds the log through `current`'s async context.
 */
import type { TaskReadSink } from "../flow/current.js";
import type { Datastore } from "../store/datastore.js";
import type { LineageRead } from "../store/records.js";
import type { TaskSpec } from "./task-spec.js";

/** The reads of one task attempt, each distinct (pathspec, namespace) once, in first-read order. */
export class ReadLog implements TaskReadSink {
  readonly reads: LineageRead[] = [];
  readonly #seen = new Set<string>();
  readonly #ownRun: string;

  constructor(private readonly spec: TaskSpec) {
    this.#ownRun = `${spec.flow}/${spec.runId}/`;
  }

  /** Notes one read; reads of the task's own run are not lineage and are left out. */
  record(pathspec: string, namespace: string | null): void {
    if (pathspec.startsWith(this.#ownRun)) return;
    const key = `${namespace ?? ""}\u0000${pathspec}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.reads.push({ pathspec, namespace });
  }

  /** Writes the task's lineage record, before its outcome (nothing when it read no other run). */
  async save(ds: Datastore): Promise<void> {
    if (this.reads.length === 0) return;
    const { flow, runId, step, taskId, attempt } = this.spec;
    await ds.writeLineage(flow, runId, step, taskId, { task: `${step}/${taskId}`, attempt, reads: this.reads });
  }
}
