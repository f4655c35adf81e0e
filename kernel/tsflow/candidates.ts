/**
 * Completion candidates read from the run index: namespaces, flow names, run pathspecs in the current
 * namespace, tags, and the next segment of a pathspec. Failures give no candidates, never an error.
 */
import type { ClientObjectLike, TsflowApi } from "./api.js";

const MAX = 200;

async function safe<T>(work: () => Promise<T[]>): Promise<T[]> {
  try {
    return await work();
  } catch {
    return [];
  }
}

/** Every namespace that has runs. */
export function namespaceCandidates(api: TsflowApi): Promise<string[]> {
  return safe(async () => (await api.listNamespaces()).map((n) => n.namespace));
}

/** Flow names with runs in the current namespace. */
export function flowCandidates(api: TsflowApi): Promise<string[]> {
  return safe(async () => (await api.listFlows()).map((f) => f.id));
}

/** `Flow/runId` of the newest runs of `flow` in the current namespace. */
export function runCandidates(api: TsflowApi, flow: string): Promise<string[]> {
  return safe(async () => (await api.listRuns(flow, { limit: MAX })).map((r) => r.pathspec));
}

/** Flow names, or once a `/` is typed, that flow's run pathspecs (an argument naming a flow or a run). */
export function flowOrRunCandidates(api: TsflowApi, partial: string): Promise<string[]> {
  return partial.includes("/") ? runCandidates(api, partial.split("/")[0] as string) : flowCandidates(api);
}

/** Tags used by runs in the current namespace. */
export function tagCandidates(api: TsflowApi): Promise<string[]> {
  return safe(async () => (await api.querySql("SELECT DISTINCT tag FROM tags ORDER BY tag LIMIT 500")).rows.map((r) => String(r[0])));
}

/** Candidates for a partial pathspec: flows, then runs, then steps, tasks and artifacts below a run. */
export async function pathspecCandidates(api: TsflowApi, partial: string): Promise<string[]> {
  const parts = partial.split("/");
  if (parts.length === 1) return flowCandidates(api);
  if (parts.length === 2) return runCandidates(api, parts[0] as string);
  const parent = parts.slice(0, -1).join("/");
  const lookup = [api.Run, api.Step, api.Task][parts.length - 3];
  if (!lookup) return [];
  return safe(async () => {
    const obj = (await lookup(parent)) as ClientObjectLike & Partial<AsyncIterable<ClientObjectLike>>;
    const children: string[] = [];
    if (obj[Symbol.asyncIterator]) for await (const child of obj as AsyncIterable<ClientObjectLike>) if (children.push(child.pathspec) >= MAX) break;
    return children;
  });
}
