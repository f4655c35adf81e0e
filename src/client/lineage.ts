/**
 * Lineage: which runs a run read through the client, and which runs read it. While a task runs, each
 * artifact it reads (a value or a preview) is noted with the namespace it was read in; the runtime
 * writes the reads once, when the task ends. `run.lineage()` groups a run's reads by the run read;
 * `run.consumers()` asks the run index which runs read this one (one query, no datastore scan).
 *
 * Lineage links are followed like `parent`: the runs they lead to are returned whatever namespace
 * they are in (each carries its own tags); look one up by pathspec to apply the namespace check.
 */
import { currentTask } from "../flow/current.js";
import { NotFoundError } from "../util/errors.js";
import type { RunRow } from "./backend.js";
import type { ReadContext } from "./context.js";
import { load } from "./registry.js";

/** One read a task made of another run. */
export interface LineageReadInfo {
  /** The task that read, as `Flow/RunId/Step/TaskId` (of the run whose lineage this is). */
  task: string;
  /** What was read: an artifact's pathspec. */
  pathspec: string;
  /** The namespace it was read in (`null`: global). */
  namespace: string | null;
  /** For a task that resume cloned: the origin task whose reads these are. */
  clonedFrom?: string;
}

/**
 * A run that was read, with everything read from it (`R` is the run class: this file sits below
 * run.ts in the import graph; `run.lineage()` gives `UpstreamRun` = `UpstreamRunOf<Run>`).
 */
export interface UpstreamRunOf<R> {
  /** `Flow/RunId` of the run read. */
  pathspec: string;
  /** The run (read without a namespace check), or null when it no longer exists. */
  run: R | null;
  /** What was read from it, by which task, in which namespace. */
  reads: LineageReadInfo[];
}

/** @internal Notes that the running task (if any) read `pathspec` in `namespace`. */
export function noteRead(pathspec: string, namespace: string | null): void {
  currentTask()?.reads?.record(pathspec, namespace);
}

/** @internal `run.lineage()`: the runs a run's tasks read, in first-read order. */
export async function readLineage<R extends object>(ctx: ReadContext, row: RunRow): Promise<UpstreamRunOf<R>[]> {
  const records = await ctx.backend.datastore.readRunLineage(row.flow, row.runId);
  const byRun = new Map<string, LineageReadInfo[]>();
  for (const record of records.sort((a, b) => a.task.localeCompare(b.task, "en", { numeric: true }))) {
    for (const read of record.reads) {
      const run = read.pathspec.split("/").slice(0, 2).join("/");
      const info: LineageReadInfo = { task: `${row.flow}/${row.runId}/${record.task}`, pathspec: read.pathspec, namespace: read.namespace };
      if (record.clonedFrom) info.clonedFrom = record.clonedFrom;
      byRun.set(run, [...(byRun.get(run) ?? []), info]);
    }
  }
  const unchecked: ReadContext = { ...ctx, check: false };
  return Promise.all([...byRun].map(async ([pathspec, reads]) => ({ pathspec, run: await linkedRun<R>(unchecked, pathspec), reads })));
}

/** @internal `run.consumers()`: the runs whose tasks read this run, newest first, from the run index. */
export async function readConsumers<R extends object>(ctx: ReadContext, row: RunRow): Promise<R[]> {
  const rows = await (await ctx.backend.index()).listConsumers(row.flow, row.runId);
  const unchecked: ReadContext = { ...ctx, check: false };
  return Promise.all(rows.map((r) => load<R>("Run", unchecked, { parts: [r.flow, r.runId], run: { row: r } })));
}

async function linkedRun<R extends object>(ctx: ReadContext, pathspec: string): Promise<R | null> {
  try {
    return await load<R>("Run", ctx, { parts: pathspec.split("/") });
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
