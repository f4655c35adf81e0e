/**
 * Where else a flow (or one of its runs) has runs, when a lookup in the current namespace finds
 * nothing: Metaflow users lose runs to their default namespace (Metaflow #327, #1223), so tsflow
 * says how many matches exist in which namespaces.
 */
import { currentBackend } from "./backend.js";
import type { RunIndexStatus } from "../run-index/run-index.js";

/** The namespaces (tags) holding runs of `flow` (or the run `runId`), with run counts, most runs first. */
export async function listNamespacesOf(flow: string, runId?: string): Promise<{ namespace: string; runs: number }[]> {
  return (await currentBackend().index()).whereElse(flow, runId);
}

/** Rebuilds the run index of the current datastore from its files. */
export async function rebuildIndex(): Promise<{ runs: number; ms: number }> {
  return (await currentBackend().index()).rebuild();
}

/** Describes the run index of the current datastore. */
export async function indexStatus(): Promise<RunIndexStatus> {
  return (await currentBackend().index()).status();
}
