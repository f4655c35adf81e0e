/**
 * `TaskData` is the artifacts of a task as properties: `await task.data.choice` loads that one value
 * (lazily, once). Internal `_` artifacts are hidden. `run.data` is the end task's `TaskData` behind a
 * promise that also answers `run.data.choice`, so reading a run's artifact is one `await`.
 */
import { inspect } from "node:util";
import { NotFoundError, UsageError } from "../util/errors.js";
import { isHidden } from "./model.js";
import { LazyPromise } from "./lazy-promise.js";

/**
 * The artifacts of a task: each property is a Promise of the artifact's value, loaded when awaited.
 * `D` is the artifacts' types by name (`ArtifactsOf<typeof MyFlow>` for a typed lookup).
 * `"x" in data` and `Object.keys(data)` list the visible artifacts without I/O. An artifact named
 * `then` is reachable through `task.get("then")` only (the name would make `data` thenable).
 */
export type TaskData<D = Record<string, unknown>> = { readonly [K in keyof D]: Promise<D[K]> };

/**
 * The data of a run: a Promise of its end task's `TaskData` (`null` when the run has no end task),
 * whose properties are also the artifacts, so `await run.data.choice` is one await. Test for an
 * artifact with `"choice" in (await run.data)`: `in` on `run.data` itself throws `UsageError`.
 * `D` is the artifacts' types by name, as for `TaskData`.
 */
export type RunData<D = Record<string, unknown>> = Promise<TaskData<D> | null> & TaskData<D>;

/** How a `TaskData` reaches its task: the visible names, and a loader by name. */
export interface TaskDataSource {
  /** The owning task, for messages (`Task('F/R/end/2')`). */
  readonly owner: string;
  /** Every artifact name of the task, hidden ones included. */
  readonly names: readonly string[];
  /** Loads one artifact's value. */
  load(name: string): Promise<unknown>;
}

const PROMISE_MEMBERS = new Set<PropertyKey>(["then", "catch", "finally", "constructor"]);

/** Makes the `TaskData` view of a task; each value is loaded at most once. */
export function createTaskData(source: TaskDataSource): TaskData {
  const visible = source.names.filter((n) => !isHidden(n)).sort();
  const cache = new Map<string, Promise<unknown>>();
  const target = Object.create(null) as Record<string, unknown>;
  const label = `<TaskData: ${visible.join(", ")}>`;
  // Node's inspect looks at a proxy's target, not through its traps.
  Object.defineProperty(target, inspect.custom, { value: () => label, enumerable: false, configurable: true });
  return new Proxy(target, {
    get(_t, prop) {
      if (typeof prop === "symbol") return symbolMember(prop, label);
      if (prop === "then") return undefined;
      let value = cache.get(prop);
      if (!value) cache.set(prop, (value = LazyPromise.from(() => loadVisible(source, visible, prop))));
      return value;
    },
    has: (_t, prop) => typeof prop === "string" && visible.includes(prop),
    ownKeys: () => [...visible],
    getOwnPropertyDescriptor: (_t, prop) =>
      typeof prop === "string" && visible.includes(prop) ? { configurable: true, enumerable: true, writable: false, value: undefined } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as TaskData;
}

/**
 * Makes `run.data`: `end` resolves to the end task's data, or null when there is no end task; a
 * property read on the result waits for it and then for the artifact.
 */
export function createRunData(owner: string, end: () => Promise<TaskData | null>): RunData {
  const whole = LazyPromise.from(end);
  return new Proxy(whole, {
    get(target, prop) {
      if (typeof prop === "symbol" || PROMISE_MEMBERS.has(prop)) {
        const member = Reflect.get(target, prop, target) as unknown;
        return typeof member === "function" ? member.bind(target) : member;
      }
      return LazyPromise.from(async () => {
        const data = await target;
        if (data === null) {
          throw new NotFoundError(`${owner} has no end task (yet), so it has no data: artifact '${prop}' cannot be read`);
        }
        return data[prop];
      });
    },
    has(_target, prop) {
      // Answering would need I/O (the end task's artifact list): a silent `false` would mislead.
      throw new UsageError(`${owner}.data cannot answer \`${String(prop)} in\` without reading the run: use \`"${String(prop)}" in (await run.data)\``);
    },
  }) as unknown as RunData;
}

async function loadVisible(source: TaskDataSource, visible: readonly string[], name: string): Promise<unknown> {
  if (!visible.includes(name)) {
    const has = visible.length ? visible.join(", ") : "no artifacts";
    throw new NotFoundError(`Artifact '${name}' does not exist in ${source.owner}; it has: ${has}`);
  }
  return source.load(name);
}

function symbolMember(prop: symbol, label: string): unknown {
  if (prop === inspect.custom || prop === Symbol.toPrimitive) return () => label;
  if (prop === Symbol.toStringTag) return "TaskData";
  return undefined;
}
