/**
 * Lazy handles: what `Flow(name)`, `Run(p)`, `Step(p)`, `Task(p)` and `DataArtifact(p)` return. A
 * handle is a Promise of the object (the lookup starts when it is first awaited) that also answers
 * the object's members directly and iterates the object's children, so that
 * `for await (const run of Flow("F"))` and `await Run(p).data.choice` need no extra `await`.
 *
 * On a handle, a property of the object reads as a Promise of its value, a method returns a Promise
 * of its result (an `AsyncIterable` stays one), and `data` of a run or task stays a view whose
 * properties are the artifacts. The lists of members are checked against the objects' types at
 * compile time (`memberList`), so a member added to an object and not to its handle fails to compile.
 */
import { inspect } from "node:util";
import type { ClientObject } from "./client-object.js";
import { currentContext, type ReadContext } from "./context.js";
import { LazyPromise } from "./lazy-promise.js";
import { checkAttempt, parsePathspec, renderObject, type Kind } from "./model.js";
import { createRunData } from "./task-data.js";

/** The kind of child a client object iterates (`RunObject` for a `FlowObject`...). */
export type ChildOf<T> = T extends ClientObject<infer C> ? C : never;

/** The members of an object that its handle answers: its public members except the display ones. */
export type HandleKey<T> = Exclude<keyof T, symbol | number | "toString" | "toJSON">;

/** How member `K` of an object, of type `V`, reads on the object's handle. */
export type HandleMember<K, V> = V extends (...args: infer A) => infer R
  ? (...args: A) => R extends AsyncIterable<unknown> ? R : Promise<Awaited<R>>
  : K extends "data"
    ? V extends PromiseLike<unknown>
      ? V
      : Promise<V> & V
    : Promise<Awaited<V>>;

/** Every member of `T` as its handle answers it. */
export type HandleMembers<T> = { readonly [K in HandleKey<T>]: HandleMember<K, T[K]> };

/**
 * Checks at compile time that `list` names every member of `T` a handle must answer (and nothing
 * else), then returns it: `memberList<RunObject>()(["kind", ...])`.
 */
export function memberList<T>() {
  return <const L extends readonly HandleKey<T>[]>(
    list: L & ([Exclude<HandleKey<T>, L[number]>] extends [never] ? unknown : { missing: Exclude<HandleKey<T>, L[number]> }),
  ): readonly string[] => list as unknown as readonly string[];
}

/** What a handle class is told about the objects it stands for. */
export interface HandleSpec {
  /** The class of the objects (methods are told from properties on its prototype). */
  objectClass: { prototype: object };
  /** The members, as `memberList` checked them. */
  members: readonly string[];
  /** Whether the object's `data` is a view of artifacts (`Run`, `Task`), kept a view on the handle. */
  dataView: boolean;
}

/**
 * The base of every lazy handle: a `LazyPromise` of a client object, async-iterable over the
 * object's children, shown as the object would be (`Run('F/1')`) without any I/O.
 */
export class ObjectPromise<T extends ClientObject<any>> extends LazyPromise<T> {
  #label = "";

  /** @internal Makes a handle of this class whose lookup is `work`. */
  static make<P extends ObjectPromise<any>>(this: new (executor: never) => P, label: string, work: () => Promise<unknown>): P {
    const handle = LazyPromise.from.call(this as never, work) as unknown as P;
    (handle as ObjectPromise<any>).#label = label;
    return handle;
  }

  /** Yields the object's children, as `for await (const c of await handle)` would. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ChildOf<T>> {
    yield* (await this) as AsyncIterable<ChildOf<T>>;
  }

  /** The object as its `toString()` shows it: `Run('TeamCollabFlow/1764...')`. */
  override toString(): string {
    return this.#label;
  }

  [inspect.custom](): string {
    return this.#label;
  }
}

/** What a lookup by pathspec asks its loader for. */
export interface PathspecRequest {
  parts: string[];
  attempt?: number | undefined;
}

/**
 * Makes the handle of a lookup by pathspec: the pathspec and attempt are checked and the namespace
 * captured now; `load` runs when the handle is first awaited. A bad pathspec or attempt makes a
 * handle that rejects (so `Run("x")` never throws synchronously, as an async function would not).
 */
export function lookupHandle<P extends ObjectPromise<any>>(
  handleClass: new (executor: never) => P,
  kind: Kind,
  pathspec: unknown,
  attempt: unknown,
  load: (ctx: ReadContext, request: PathspecRequest) => Promise<unknown>,
): P {
  const label = renderObject(kind, String(pathspec), typeof attempt === "number" ? attempt : undefined);
  try {
    const checked = checkAttempt(kind, attempt);
    const parts = parsePathspec(kind, pathspec);
    const ctx = currentContext();
    return ObjectPromise.make.call(handleClass, label, () => load(ctx, { parts, attempt: checked })) as P;
  } catch (err) {
    return ObjectPromise.make.call(handleClass, label, () => Promise.reject(err)) as P;
  }
}

/**
 * Defines on a handle class every member of `spec` it does not define itself: a property reads as
 * a Promise of the object's, a method calls the object's once the object is loaded.
 */
export function installMembers(handleClass: { prototype: object }, spec: HandleSpec): void {
  const proto = handleClass.prototype;
  for (const name of spec.members) {
    if (Object.hasOwn(proto, name)) continue;
    Object.defineProperty(proto, name, { configurable: true, ...memberDescriptor(name, spec) });
  }
}

type Loaded = Record<string, (...args: unknown[]) => unknown>;

function memberDescriptor(name: string, spec: HandleSpec): PropertyDescriptor {
  if (isMethod(spec.objectClass.prototype, name)) {
    return {
      value(this: Promise<Loaded>, ...args: unknown[]) {
        return lazyResult(() => this.then((o) => o[name]!(...args)));
      },
    };
  }
  if (name === "data" && spec.dataView) {
    return {
      get(this: Promise<Loaded>) {
        return createRunData(String(this), async () => (await (await this).data) as never);
      },
    };
  }
  return {
    get(this: Promise<Loaded>) {
      return LazyPromise.from(async () => (await this)[name]);
    },
  };
}

/** The result of a method called through a handle: a Promise of it that also iterates it. */
function lazyResult(work: () => Promise<unknown>): LazyPromise<unknown> & AsyncIterable<unknown> {
  const result = LazyPromise.from(work) as LazyPromise<unknown> & AsyncIterable<unknown>;
  Object.defineProperty(result, Symbol.asyncIterator, {
    async *value() {
      yield* (await result) as AsyncIterable<unknown>;
    },
  });
  return result;
}

function isMethod(proto: object, name: string): boolean {
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return typeof d.value === "function";
  }
  return false;
}
