/**
 * Reading a run's state through the run index: the one lookup every `Run`, `Step`, `Task` and
 * `DataArtifact` starts from, and the namespace check that follows it.
 */
import { NamespaceMismatchError } from "../util/errors.js";
import type { ReadContext, RunHandle } from "./context.js";
import { inNamespace, mustCheck } from "./context.js";
import { componentsValid, notFound, type Kind } from "./model.js";
import type { LoadRequest } from "./registry.js";

/**
 * Returns the state of the run a lookup of `kind` is under (reusing the one handed down), or
 * rejects with NotFoundError naming the object asked for.
 */
export async function runStateFor(kind: Kind, ctx: ReadContext, request: LoadRequest): Promise<RunHandle> {
  const { parts, attempt } = request;
  if (!componentsValid(parts)) throw notFound(kind, parts.join("/"), attempt);
  const [flow, runId] = parts as [string, string];
  if (request.run && request.run.row.flow === flow && request.run.row.runId === runId) return request.run;
  const row = await (await ctx.backend.index()).getRun(flow, runId);
  if (!row) throw notFound(kind, parts.join("/"), attempt);
  return { row: { ...row, tags: [...row.tags], userTags: [...row.userTags], systemTags: [...row.systemTags] } };
}

/** Rejects with NamespaceMismatchError when the context checks namespaces and the run is outside. */
export function checkNamespace(ctx: ReadContext, run: RunHandle): void {
  if (mustCheck(ctx) && !inNamespace(run.row.tags, ctx.namespace)) throw new NamespaceMismatchError(ctx.namespace);
}
