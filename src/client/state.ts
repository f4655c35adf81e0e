/**
 * The client's process-global state: the current namespace and the chosen datastore root. It lives
 * on `globalThis` under a registered symbol, so a second copy of the library loaded in the same
 * process (a notebook kernel) shares it instead of diverging silently.
 */

const STATE = Symbol.for("tsflow.client.state");

/** The shared state; `namespace` is `undefined` until the default identity is first resolved. */
export interface ClientState {
  /** `undefined`: not resolved yet; `null`: global; a string: that namespace. */
  namespace: string | null | undefined;
  /** The datastore root chosen with `useDatastore`, or `undefined` for the default root. */
  root: string | undefined;
  /** Open backends, by resolved root, shared by every copy of the library. */
  backends: Map<string, unknown>;
  /** The namespace each running task set (a task's choice holds for that task only). */
  taskNamespaces: WeakMap<object, string | null>;
}

/** Returns the state shared by every copy of the client in this process, creating it once. */
export function clientState(): ClientState {
  const holder = globalThis as { [STATE]?: ClientState };
  const state = (holder[STATE] ??= { namespace: undefined, root: undefined, backends: new Map(), taskNamespaces: new WeakMap() });
  // A state made by an older copy of the library in this process lacks the field.
  state.taskNamespaces ??= new WeakMap();
  return state;
}
