/**
 * The registry that wires the object model's kinds (declared in `model.ts`) to the code that loads
 * each; each kind's file registers its loader, so parents reach children without import cycles.
 */
import type { ReadContext, RunHandle } from "./context.js";
import type { Kind } from "./model.js";

/** Where a lookup starts from: the components of the pathspec and, when known, the run's state. */
export interface LoadRequest {
  parts: string[];
  attempt?: number | undefined;
  /** The run's state when the lookup comes from a run or one of its descendants. */
  run?: RunHandle | undefined;
}

/**
 * Loads one object of a kind; rejects with NotFoundError or NamespaceMismatchError. The registry
 * does not know the objects' class (it sits below them in the import graph): `load` names the type.
 */
export type Loader = (ctx: ReadContext, request: LoadRequest) => Promise<object>;

const loaders = new Map<Kind, Loader>();

/** Registers the loader of a kind (once, from the kind's own file). */
export function registerLoader(kind: Kind, loader: Loader): void {
  loaders.set(kind, loader);
}

/** Loads an object of `kind`; the kind's module must have been imported (`src/client/index.ts` does). */
export function load<T extends object>(kind: Kind, ctx: ReadContext, request: LoadRequest): Promise<T> {
  const loader = loaders.get(kind);
  if (!loader) return Promise.reject(new Error(`internal: no loader registered for ${kind}`));
  return loader(ctx, request) as Promise<T>;
}
