/**
 * What every client object carries from the lookup that made it: the backend it reads, the namespace
 * it was read in (handed to its children), whether lookups below it are namespace-checked, and the
 * shared state of its run (children carry their run's tags).
 */
import type { ClientBackend, RunRow } from "./backend.js";
import { currentBackend } from "./backend.js";
import { getNamespace } from "./namespace.js";

/** The read context of a client object, handed down to its children unchanged. */
export interface ReadContext {
  readonly backend: ClientBackend;
  /** The namespace the object was read in (`null`: global). */
  readonly namespace: string | null;
  /** False for objects reached without a check (`parent`, `parentTasks`) and everything below them. */
  readonly check: boolean;
}

/**
 * The state of one run shared by the run object and every descendant made from it: a tag edit on the
 * run shows on its steps, tasks and artifacts in hand.
 */
export interface RunHandle {
  row: RunRow;
}

/** Returns true when a run with these tags is visible in `ns` (`null`: global, everything is). */
export function inNamespace(tags: readonly string[], ns: string | null): boolean {
  return ns === null || tags.includes(ns);
}

/** Whether a lookup in this context must check namespace membership. */
export function mustCheck(ctx: ReadContext): boolean {
  return ctx.check && ctx.namespace !== null;
}

/** The context of a lookup made now: the current backend and the current global namespace. */
export function currentContext(): ReadContext {
  return { backend: currentBackend(), namespace: getNamespace(), check: true };
}
