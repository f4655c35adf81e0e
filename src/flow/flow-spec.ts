/**
 * `FlowSpec` is the base class of every flow: a flow is a class whose `@step` methods are its
 * steps and whose `Parameter()` fields are its parameters. Values a step sets on `this` are the
 * run's artifacts and are persisted after the step.
 */
import { TASK_STATE } from "./markers.js";
import type { ForeachFrame } from "../store/records.js";
import { StepError } from "../util/errors.js";

/** Options of `next` for a foreach. */
export interface NextOptions {
  /** Name of an array artifact: one child task per element (`this.input`, `this.index`). */
  foreach: string;
}

/** Options of `mergeArtifacts`. */
export interface MergeOptions {
  /** Artifacts not to merge. @default [] */
  exclude?: string[];
  /** Merge only these (each must exist in some input). @default all */
  include?: string[];
}

/**
 * The inputs of a join step: in index order for a foreach, and addressable by step name for a
 * branch (`inputs.a.x`). Each input exposes that parent task's artifacts.
 */
export type Inputs<T = any> = ReadonlyArray<T> & { readonly [step: string]: any };

/** The transition a step chose (read by the runtime). */
export interface Transition {
  steps: string[];
  foreach?: string;
}

/**
 * One level of the foreach stack as a step sees it: the split step, this task's index at that level,
 * the number of elements, and the element itself (`value`, loaded on first read).
 */
export interface ForeachLevel extends ForeachFrame {
  readonly value: any;
}

/** What the runtime attaches to a flow instance running a task. */
export interface TaskState {
  step: string;
  transition?: Transition;
  foreachStack: ForeachFrame[];
  /** The element of the foreach list at `level` of `foreachStack` (loaded lazily, then cached). */
  foreachValue(level: number): unknown;
  isJoin: boolean;
  merge(inputs: Inputs, options: MergeOptions): void;
}

type StepRef = (...args: any[]) => unknown;

const BRAND = Symbol.for("tsflow.FlowSpec");

/**
 * A `FlowSpec` is the base class of every flow: its `@step` methods are the steps (from `start` to
 * `end`), its `Parameter()` fields the parameters, and every field a step sets an artifact of the run.
 * @example
 * import { FlowSpec, step, runFlow } from "tsflow";
 *
 * class HelloFlow extends FlowSpec {
 *   greeting?: string;
 *   @step start() { this.greeting = "hello"; this.next(this.end); }
 *   @step end() { console.log(this.greeting); }
 * }
 * const run = await runFlow(HelloFlow, { onEvent: () => {} });
 * console.log(await run.data.greeting); // hello
 */
export class FlowSpec {
  // A flow class made against another copy of tsflow (a notebook kernel may hold two) is still a flow.
  // As with the built-in `instanceof`, the search starts at the value's prototype, so
  // `FlowSpec.prototype` itself is not an instance and `X.prototype instanceof FlowSpec` holds for subclasses only.
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== FlowSpec) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
    for (let p = Object.getPrototypeOf(value); p !== null && (typeof p === "object" || typeof p === "function"); p = Object.getPrototypeOf(p)) {
      if (Object.hasOwn(p, BRAND)) return true;
    }
    return false;
  }

  /**
   * The element of the innermost enclosing foreach list this task handles, in every step inside the
   * foreach down to its join (loaded on first read); undefined outside a foreach.
   */
  get input(): any {
    const state = this.taskState("input");
    return state.foreachStack.length ? state.foreachValue(state.foreachStack.length - 1) : undefined;
  }

  /** The index of the element of the innermost enclosing foreach, or undefined outside a foreach. */
  get index(): number | undefined {
    return this.taskState("index").foreachStack.at(-1)?.index;
  }

  /**
   * The enclosing foreach levels, outermost first: each level's split step, index, count and
   * `value` (the element, loaded when read). The last level's `index` and `value` are `this.index`
   * and `this.input`.
   */
  foreachStack(): ForeachLevel[] {
    const state = this.taskState("foreachStack");
    return state.foreachStack.map((frame, level) => {
      const entry = { ...frame } as ForeachLevel;
      Object.defineProperty(entry, "value", { get: () => state.foreachValue(level), enumerable: true });
      return entry;
    });
  }

  /**
   * Chooses the next step(s): one step (linear), several (a branch, joined later), or one step
   * with `{ foreach: "items" }` (one child task per element of `this.items`). Call exactly once.
   */
  next(...args: [...StepRef[], NextOptions] | StepRef[]): void {
    const state = this.taskState("next");
    if (state.transition) {
      throw new StepError(`Step *${state.step}* calls this.next() more than once: call this.next() only once.`);
    }
    const last = args[args.length - 1];
    const options = typeof last === "object" && last !== null ? (last as NextOptions) : undefined;
    const refs = (options ? args.slice(0, -1) : args) as StepRef[];
    state.transition = { steps: refs.map((r) => this.stepNameOf(r, state.step)), foreach: options?.foreach };
  }

  /**
   * In a join, copies into `this` every artifact the inputs agree on (Metaflow's rule): an artifact
   * whose values differ across inputs must be set on `this` before the call, or excluded.
   */
  mergeArtifacts(inputs: Inputs, options: MergeOptions = {}): void {
    const state = this.taskState("mergeArtifacts");
    if (!state.isJoin) {
      throw new StepError(`mergeArtifacts can only be called in a join and step *${state.step}* is not a join`);
    }
    state.merge(inputs, options);
  }

  private taskState(member: string): TaskState {
    const state = (this as unknown as { [TASK_STATE]?: TaskState })[TASK_STATE];
    if (!state) {
      throw new StepError(`this.${member} is only available while tsflow runs a step of this flow.`);
    }
    return state;
  }

  private stepNameOf(ref: unknown, from: string): string {
    const name = typeof ref === "function" ? ref.name.replace(/^bound /, "") : "";
    const proto = Object.getPrototypeOf(this) as Record<string, unknown>;
    if (name && proto[name] === ref) return name;
    for (let p: any = proto; p && !isFlowSpecPrototype(p); p = Object.getPrototypeOf(p)) {
      for (const key of Object.getOwnPropertyNames(p)) if (p[key] === ref) return key;
    }
    throw new StepError(`Step *${from}* calls this.next() with something that is not a step of this flow: pass step methods, e.g. this.next(this.end).`);
  }
}

Object.defineProperty(FlowSpec.prototype, BRAND, { value: true });

/** Tells whether `proto` is the `FlowSpec.prototype` of some copy of tsflow. */
export function isFlowSpecPrototype(proto: unknown): boolean {
  return typeof proto === "object" && proto !== null && Object.hasOwn(proto, BRAND);
}

/** Names of the members of `FlowSpec` itself, which artifacts may not use. */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(FlowSpec.prototype), "name", "taskState", "stepNameOf"]);
