/**
 * `ClientObject` is what every object of the client model shares (`Flow`, `Run`, `Step`, `Task`,
 * `DataArtifact`): identity (`kind`, `id`, `pathspec`), its place in the hierarchy (`parent`,
 * iteration over children, lookup of a child by id), tags and namespace membership, and display.
 *
 * An object is a snapshot: its synchronous properties were read when it was made; properties that
 * need I/O are Promises. Make the object again (e.g. `await Run(p)`) to see later changes.
 */
import { inspect } from "node:util";
import { isTsflowError, NotFoundError } from "../util/errors.js";
import { getNamespace } from "./namespace.js";
import type { ReadContext, RunHandle } from "./context.js";
import { inNamespace } from "./context.js";
import { MODEL, renderObject, type Kind } from "./model.js";
import { load } from "./registry.js";

/** The brand that makes `x instanceof Run` work across copies of the library. */
export const KIND_BRAND = Symbol.for("tsflow.client.kind");

/** A plain summary of a client object, as `toJSON()` returns it. */
export interface ClientObjectJSON {
  kind: Kind;
  pathspec: string;
  id: string;
  createdAt: string;
  namespace: string | null;
  tags: string[];
  userTags: string[];
  systemTags: string[];
  [field: string]: unknown;
}

/** Everything a client object is made from. */
export interface ClientObjectInit {
  kind: Kind;
  parts: string[];
  ctx: ReadContext;
  createdAt: Date;
  run?: RunHandle | undefined;
  /** The attempt, only when one was asked for explicitly (shown by `toString()`). */
  attempt?: number | undefined;
}

/**
 * A `ClientObject` is one node of the client model; its children are objects of the kind the model
 * declares below it (`Run` for a `Flow`, ...). `for await (const c of obj)` yields them newest first,
 * hiding internal `_` names; `get(id)` looks one up (hidden ones too).
 */
export abstract class ClientObject<Child extends ClientObject<any> = ClientObject<any>> {
  /** The kind of object (`"Run"`, `"Task"`...). */
  readonly kind: Kind;
  /** The full path of the object: `Flow/RunId/Step/TaskId/Artifact`, cut at its kind. */
  readonly pathspec: string;
  /** The last component of the pathspec. */
  readonly id: string;
  /** When the object was created in the datastore. */
  readonly createdAt: Date;
  /** The namespace the object was read in (`null`: global); its children are read in it too. */
  readonly namespace: string | null;
  /** @internal The read context handed to children. */
  protected readonly ctx: ReadContext;
  /** @internal The pathspec components. */
  protected readonly parts: readonly string[];
  /** @internal The shared state of the run this object belongs to (none for a `Flow`). */
  protected readonly runState: RunHandle | undefined;
  /** @internal The attempt asked for explicitly, if any. */
  protected readonly requestedAttempt: number | undefined;

  /** @internal Objects are made by their kind's loader (`Run(p)`, `flow.get(id)`...). */
  constructor(init: ClientObjectInit) {
    this.kind = init.kind;
    this.parts = [...init.parts];
    this.pathspec = init.parts.join("/");
    this.id = init.parts[init.parts.length - 1]!;
    this.createdAt = init.createdAt;
    this.ctx = init.ctx;
    this.namespace = init.ctx.namespace;
    this.runState = init.run;
    this.requestedAttempt = init.attempt;
    Object.defineProperty(this, KIND_BRAND, { value: init.kind, enumerable: false });
  }

  /** All tags of the run this object belongs to (system and user), sorted; empty for a `Flow`. */
  get tags(): string[] {
    return [...new Set([...this.systemTags, ...this.userTags])].sort();
  }

  /** The user tags of the run this object belongs to (mutable through `Run.addTag`...), sorted. */
  get userTags(): string[] {
    return [...(this.runState?.row.userTags ?? [])].sort();
  }

  /** The system tags of the run this object belongs to (set at run creation, immutable), sorted. */
  get systemTags(): string[] {
    return [...(this.runState?.row.systemTags ?? [])].sort();
  }

  /**
   * The object above this one (`null` for a `Flow`). Not namespace-checked, as in Metaflow, and
   * neither is anything looked up below it.
   */
  get parent(): Promise<ClientObject | null> {
    const kind = MODEL[this.kind].parent;
    if (kind === null) return Promise.resolve(null);
    const ctx: ReadContext = { ...this.ctx, check: false };
    // An artifact read at an attempt has that attempt's task as parent.
    const attempt = MODEL[kind].attempts ? this.requestedAttempt : undefined;
    return load<ClientObject>(kind, ctx, { parts: this.parts.slice(0, -1), run: this.runState, attempt });
  }

  /**
   * Tells whether this object is visible in the *current* global namespace (not the one it was read
   * in): its run carries the namespace as a tag, or the namespace is global.
   */
  async isInNamespace(): Promise<boolean> {
    return inNamespace(this.tags, getNamespace());
  }

  /**
   * Looks up a child by id (a hidden `_` child too), read in this object's namespace.
   * @throws NotFoundError when there is no such child.
   * @throws NamespaceMismatchError when this object's namespace is checked and the child is outside it.
   */
  get(id: string): Promise<Child> {
    const kind = MODEL[this.kind].child;
    if (kind === null) return Promise.reject(new NotFoundError(`${this} has no children`));
    return load<Child>(kind, this.ctx, { parts: [...this.parts, String(id)], run: this.runState });
  }

  /** Same as `get(id)`: looks up a child by id. */
  child(id: string): Promise<Child> {
    return this.get(id);
  }

  /** Tells whether a child exists, whatever its namespace (as Metaflow's `in`). */
  async has(id: string): Promise<boolean> {
    const kind = MODEL[this.kind].child;
    if (kind === null) return false;
    try {
      await load(kind, { ...this.ctx, check: false }, { parts: [...this.parts, String(id)], run: this.runState });
      return true;
    } catch (err) {
      if (isTsflowError(err) && err instanceof NotFoundError) return false;
      throw err;
    }
  }

  /** Yields the children newest first, skipping internal `_` ones and those outside the namespace. */
  [Symbol.asyncIterator](): AsyncIterator<Child> {
    return this.listChildren()[Symbol.asyncIterator]();
  }

  /** @internal The children, newest first, hidden ones skipped. */
  protected abstract listChildren(): AsyncIterable<Child>;

  /** `Run('TeamCollabFlow/1764...')`, or `Task('F/R/S/T', attempt=3)` when an attempt was asked for. */
  toString(): string {
    return renderObject(this.kind, this.pathspec, this.requestedAttempt);
  }

  /** A plain summary for JSON and tools. */
  toJSON(): ClientObjectJSON {
    return {
      kind: this.kind,
      pathspec: this.pathspec,
      id: this.id,
      createdAt: this.createdAt.toISOString(),
      namespace: this.namespace,
      tags: this.tags,
      userTags: this.userTags,
      systemTags: this.systemTags,
      ...this.summary(),
    };
  }

  /** @internal Kind-specific fields of `toJSON()`. */
  protected summary(): Record<string, unknown> {
    return {};
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The members every client object has, which every lazy handle answers too. */
export const CLIENT_OBJECT_MEMBERS = [
  "kind",
  "pathspec",
  "id",
  "createdAt",
  "namespace",
  "tags",
  "userTags",
  "systemTags",
  "parent",
  "isInNamespace",
  "get",
  "child",
  "has",
] as const;

/** Returns true when `value` is a client object of `kind`, from any copy of the library. */
export function isKind(value: unknown, kind: Kind): boolean {
  return typeof value === "object" && value !== null && (value as { [KIND_BRAND]?: Kind })[KIND_BRAND] === kind;
}

/**
 * Gives a factory (`Run`, `Task`...) a `Symbol.hasInstance`, so `x instanceof Run` tests the kind
 * brand: it holds for objects made by any copy of the library.
 */
export function branded<T, F extends Function>(kind: Kind, factory: F): F & { [Symbol.hasInstance](value: unknown): value is T } {
  Object.defineProperty(factory, Symbol.hasInstance, { value: (value: unknown) => isKind(value, kind) });
  return factory as F & { [Symbol.hasInstance](value: unknown): value is T };
}
