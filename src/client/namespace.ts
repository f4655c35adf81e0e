/**
 * Namespaces: which runs the client sees. A run is in namespace `N` when `N` is one of its tags
 * (system or user), so any tag works as a namespace; `null` is the global namespace (no filtering).
 */
import { currentTask } from "../flow/current.js";
import { resolveIdentity } from "../util/identity.js";
import { assertNamespace } from "../util/validate.js";
import { clientState } from "./state.js";

/**
 * Sets the namespace that new client objects are read in, and returns it: process-global, except
 * inside a task of a run, where it holds for that task only (each task starts in its run's
 * namespace, as a Metaflow task does in a process of its own, even when tasks share a process).
 * `null` selects the global namespace; `''` is a namespace nobody is in (not global).
 * Objects already in hand keep the namespace they were made in.
 * @param ns A tag such as `user:alice`, `production:<token>` or any user tag; `null` for global.
 * @returns `ns`, as `getNamespace()` now returns it.
 * @throws InvalidNameError when `ns` is neither null nor a string that could be a tag.
 * @example
 * import { Flow, namespace, defaultNamespace } from "tsflow";
 *
 * namespace("user:teammate");    // a teammate's runs
 * namespace(null);               // global: every run, whoever ran it
 * console.log((await Flow("TeamCollabFlow").latestSuccessfulRun)?.id);
 * namespace(defaultNamespace()); // back to your own runs
 */
export function namespace(ns: string | null): string | null {
  const checked = assertNamespace(ns);
  const task = currentTask();
  if (task) clientState().taskNamespaces.set(task, checked);
  else clientState().namespace = checked;
  return getNamespace();
}

/**
 * Returns the current namespace: a string, or `null` for global. The first call resolves the default
 * (`defaultNamespace()`) lazily, because the environment may change after the library is imported.
 * Inside a task of a run, until the task sets one, it is the run's identity namespace
 * (`current.namespace`: the launcher's), as in Metaflow, also on a worker machine whose own user is
 * someone else.
 * @throws UnknownUserError when the default must be resolved and no user name is set.
 * @example
 * console.log(getNamespace()); // user:alice
 */
export function getNamespace(): string | null {
  const state = clientState();
  const task = currentTask();
  if (task) return state.taskNamespaces.has(task) ? state.taskNamespaces.get(task)! : task.namespace;
  if (state.namespace === undefined) return defaultNamespace();
  return state.namespace;
}

/**
 * Returns the identity namespace (`production:<token>` when `TSFLOW_PRODUCTION_TOKEN` is set, else
 * `user:<name>`; inside a task, its run's) and, as in Metaflow, makes it the current namespace again.
 * @throws UnknownUserError when no user name can be found in the environment.
 * @example
 * namespace(defaultNamespace()); // back to your own runs
 */
export function defaultNamespace(): string {
  const task = currentTask();
  if (task) {
    clientState().taskNamespaces.set(task, task.namespace);
    return task.namespace;
  }
  const identity = resolveIdentity();
  clientState().namespace = identity;
  return identity;
}
