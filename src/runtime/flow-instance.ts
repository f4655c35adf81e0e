/**
 * Builds the flow instance a task runs on: parameters as read-only fields, inherited artifacts as
 * lazy fields (loaded on first read), and afterwards collects what the step set or changed.
 */
import type { FlowSpec } from "../flow/flow-spec.js";
import { RESERVED_MEMBERS } from "../flow/flow-spec.js";
import { isParameterSpec } from "../flow/parameter.js";
import type { ArtifactRef, ArtifactsRecord } from "../store/records.js";
import { ArtifactError, InvalidNameError, StepError } from "../util/errors.js";
import { ARTIFACT_NAME_RULE, describe, isArtifactName } from "../util/validate.js";
import type { ArtifactStore } from "./artifact-store.js";

interface Slot {
  ref?: ArtifactRef;
  value?: unknown;
  loaded: boolean;
  dirty: boolean;
}

/** A flow instance prepared for one task, and the bookkeeping of its artifacts. */
export class FlowInstance {
  readonly flow: FlowSpec;
  private readonly slots = new Map<string, Slot>();
  /** Names of the flow's parameter fields. */
  readonly parameterNames = new Set<string>();

  // Values class field initializers gave: defaults, not something the step set.
  private readonly initial: ReadonlyMap<string, unknown>;

  constructor(
    flow: FlowSpec,
    private readonly store: ArtifactStore,
    private readonly step: string,
  ) {
    this.flow = flow;
    this.initial = new Map(Object.entries(flow));
  }

  /** Replaces each `Parameter()` field by a read-only field holding the run's value. */
  bindParameters(values: ArtifactsRecord): void {
    for (const key of Object.keys(this.flow)) {
      const spec = (this.flow as unknown as Record<string, unknown>)[key];
      if (!isParameterSpec(spec)) continue;
      const ref = values[key];
      this.parameterNames.add(key);
      const load = lazy(() => (ref ? this.store.loadSync(ref) : undefined));
      Object.defineProperty(this.flow, key, {
        get: load,
        enumerable: false,
        configurable: false,
        set: () => {
          throw new StepError(
            `Flow level attributes and Parameters are not modifiable: '${key}' is a parameter of the flow; copy it to another name to change it.`,
          );
        },
      });
    }
  }

  /** Makes each inherited artifact a lazy field of the instance. */
  bindArtifacts(refs: ArtifactsRecord): void {
    for (const [name, ref] of Object.entries(refs)) {
      if (this.parameterNames.has(name)) continue;
      this.defineSlot(name, { ref, loaded: false, dirty: false });
    }
  }

  /**
   * Makes reading any of `names` (artifacts an earlier step set that no input of this task carries)
   * throw the error `missing` makes, until the step sets or merges it. A class field default of the
   * same name is dropped: it would silently stand in for the lost value. `"name" in this` is false.
   */
  guardLost(names: Iterable<string>, missing: (name: string) => Error): void {
    const lost = new Set([...names].filter((n) => !n.startsWith("_") && !this.parameterNames.has(n) && !this.slots.has(n)));
    if (lost.size === 0) return;
    for (const name of lost) {
      if (Object.getOwnPropertyDescriptor(this.flow, name)?.configurable) delete (this.flow as unknown as Record<string, unknown>)[name];
    }
    // A proxy between the instance and its class: it sees only reads the instance cannot answer
    // itself, so `this` stays the real instance (private fields, identity) and set values win.
    const guard = new Proxy(Object.create(Object.getPrototypeOf(this.flow)) as object, {
      get(target, key, receiver) {
        if (typeof key === "string" && lost.has(key) && !Reflect.has(target, key)) throw missing(key);
        return Reflect.get(target, key, receiver);
      },
    });
    Object.setPrototypeOf(this.flow, guard);
  }

  /** The refs of the artifacts the task inherited (not yet loaded). */
  inheritedRefs(): ArtifactRef[] {
    return [...this.slots.values()].flatMap((s) => (s.ref ? [s.ref] : []));
  }

  /** Sets an artifact as if the step had assigned it (used by `mergeArtifacts`). */
  setFromRef(name: string, ref: ArtifactRef): void {
    this.defineSlot(name, { ref, loaded: false, dirty: false });
  }

  /** Tells whether the step has an artifact of that name (set or inherited). */
  has(name: string): boolean {
    const own = Object.getOwnPropertyDescriptor(this.flow, name);
    if (this.slots.has(name)) return true;
    if (own === undefined || !("value" in own) || own.value === undefined) return false;
    return !(this.initial.has(name) && this.initial.get(name) === own.value);
  }

  private defineSlot(name: string, slot: Slot): void {
    this.slots.set(name, slot);
    Object.defineProperty(this.flow, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!slot.loaded) {
          slot.value = this.store.loadSync(slot.ref!);
          slot.loaded = true;
        }
        return slot.value;
      },
      set: (v: unknown) => {
        slot.value = v;
        slot.loaded = true;
        slot.dirty = true;
      },
    });
  }

  /** Stores every artifact that is new or changed and returns all the task's artifact refs. */
  async persist(parameters: ArtifactsRecord): Promise<ArtifactsRecord> {
    this.checkNames();
    const out: ArtifactsRecord = { ...parameters };
    for (const [name, slot] of this.slots) {
      if (!slot.dirty && slot.ref) out[name] = slot.ref;
      else out[name] = await this.store.put(slot.value, { artifact: name, step: this.step });
    }
    for (const name of Object.keys(this.flow)) {
      if (this.slots.has(name) || this.parameterNames.has(name) || name.startsWith("_")) continue;
      const value = (this.flow as unknown as Record<string, unknown>)[name];
      if (value === undefined) continue;
      if (RESERVED_MEMBERS.has(name)) {
        throw new ArtifactError(`Step *${this.step}* sets this.${name}, but '${name}' is a member of FlowSpec: give the artifact another name.`);
      }
      out[name] = await this.store.put(value, { artifact: name, step: this.step });
    }
    return out;
  }

  /** Refuses, before anything is stored, a field the step set whose name cannot name an artifact. */
  private checkNames(): void {
    for (const name of Object.keys(this.flow)) {
      const value = (this.flow as unknown as Record<string, unknown>)[name];
      if (isArtifactName(name) || name.startsWith("_") || this.parameterNames.has(name) || value === undefined) continue;
      throw new InvalidNameError(
        `Step *${this.step}* sets this[${describe(name)}], which cannot name an artifact: use ${ARTIFACT_NAME_RULE} (e.g. this.${suggestName(name)}).`,
      );
    }
  }
}

/** A valid artifact name close to `name`: `"my choice"` -> `myChoice`. */
function suggestName(name: string): string {
  const camel = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, next: string | undefined) => next?.toUpperCase() ?? "");
  return (/^[0-9]/.test(camel) ? `_${camel}` : camel).slice(0, 128) || "value";
}

function lazy<T>(load: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = load();
      done = true;
    }
    return value;
  };
}
