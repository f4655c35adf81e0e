/**
 * The `@step` decorator and the step decorators `@retry`, `@catch` and `@timeout`. Each works both
 * as a standard (TC39) decorator (`.ts` files run by the CLI) and as a legacy `experimentalDecorators`
 * one (notebook cells compiled by tslab): both forms only annotate the method, never replace it.
 */
import { STEP } from "./markers.js";
import { StepError } from "../util/errors.js";

/** Options of `@retry`. */
export interface RetryOptions {
  /** How many times to retry a failed task (same task id, next attempt). @default 3 */
  times?: number;
  /** Pause between attempts, in seconds. @default 0 */
  secondsBetweenRetries?: number;
}

/** Options of `@catch`. */
export interface CatchOptions {
  /** The artifact that receives the caught exception (`{ type, message, stack }`). @default undefined (not stored) */
  var?: string;
  /** Print the caught exception to the task's stderr. @default true */
  printException?: boolean;
}

/** Options of `@timeout`. */
export interface TimeoutOptions {
  seconds?: number;
  minutes?: number;
  hours?: number;
}

/** Options of `@resources`: what one task of the step needs (Slurm: `--cpus-per-task`, `--mem`, `--gres=gpu:N`). */
export interface ResourcesOptions {
  /** CPU cores. @default 1 */
  cpu?: number;
  /** Memory in MB. @default the cluster's default */
  memory?: number;
  /** GPUs. @default 0 */
  gpu?: number;
}

/** What the step decorators record on a step method. */
export interface StepOptions {
  isStep: boolean;
  retry?: Required<RetryOptions>;
  catch?: CatchOptions;
  timeoutMs?: number;
  resources?: ResourcesOptions;
  decorators: string[];
}

type AnyMethod = (...args: any[]) => unknown;
type MethodDecorator = {
  <T extends AnyMethod>(method: T, context: ClassMethodDecoratorContext): T;
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
};

/** Returns the step options recorded on a method, if it was decorated. */
export function stepOptionsOf(method: unknown): StepOptions | undefined {
  return typeof method === "function" ? (method as { [STEP]?: StepOptions })[STEP] : undefined;
}

function annotate(method: unknown, where: string, apply: (o: StepOptions) => void): void {
  if (typeof method !== "function") {
    throw new StepError(`@${where} can only decorate a method of a FlowSpec class, not ${typeof method}.`);
  }
  const holder = method as { [STEP]?: StepOptions };
  const options = holder[STEP] ?? { isStep: false, decorators: [] };
  apply(options);
  Object.defineProperty(method, STEP, { value: options, configurable: true, enumerable: false });
}

function makeDecorator(name: string, apply: (o: StepOptions) => void): MethodDecorator {
  return ((target: unknown, keyOrContext: unknown, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      annotate(descriptor.value, name, apply); // legacy: (prototype, key, descriptor)
      return descriptor;
    }
    const context = keyOrContext as ClassMethodDecoratorContext | undefined;
    if (context && context.kind !== "method") {
      throw new StepError(`@${name} can only decorate a method, not a ${context.kind} ('${String(context.name)}').`);
    }
    annotate(target, name, apply);
    return target;
  }) as MethodDecorator;
}

/**
 * `@step` marks a method of a `FlowSpec` as a step of the flow; each step but `end` ends with
 * `this.next(...)`.
 * @example
 * import { FlowSpec, step, flowGraph } from "tsflow";
 *
 * class HelloFlow extends FlowSpec {
 *   @step start() { this.next(this.end); }
 *   @step end() {}
 * }
 * console.log(flowGraph(HelloFlow).steps.map((s) => s.name)); // [ 'start', 'end' ]
 */
export const step: MethodDecorator = makeDecorator("step", (o) => {
  o.isStep = true;
});

/** `@retry({ times })` re-runs a failed task up to `times` more times, same task id, next attempt. */
export function retry(options: RetryOptions = {}): MethodDecorator {
  const times = options.times ?? 3;
  if (!Number.isInteger(times) || times < 0 || times > 5) {
    throw new StepError(`@retry({ times: ${times} }) is not valid: times must be an integer from 0 to 5.`);
  }
  return makeDecorator("retry", (o) => {
    o.retry = { times, secondsBetweenRetries: options.secondsBetweenRetries ?? 0 };
    o.decorators.push(`retry(times=${times})`);
  });
}

/**
 * `@catch({ var })` makes a failing step count as successful, storing the exception in the
 * artifact named `var`. `catch` is a reserved word: import it as `catchErrors` or use `tsflow.catch`.
 */
export function catchErrors(options: CatchOptions = {}): MethodDecorator {
  return makeDecorator("catch", (o) => {
    o.catch = { printException: true, ...options };
    o.decorators.push(options.var ? `catch(var=${options.var})` : "catch");
  });
}

/**
 * `@resources({ cpu, memory, gpu })` says what one task of the step needs. Executors that place
 * tasks by resources honour it (Slurm: `--cpus-per-task`, `--mem=<MB>M`, `--gres=gpu:<N>`); the
 * local pool and the Redis queue record it and ignore it, as Metaflow's local runtime does.
 * @example
 * class Train extends FlowSpec { @resources({ cpu: 4, memory: 8000 }) @step fit() { this.next(this.end); } }
 */
export function resources(options: ResourcesOptions): MethodDecorator {
  for (const [name, value] of Object.entries(options)) {
    if (!["cpu", "memory", "gpu"].includes(name)) throw new StepError(`@resources does not know '${name}': use cpu, memory (MB) and gpu.`);
    if (!Number.isInteger(value) || (value as number) < 0)
      throw new StepError(`@resources({ ${name}: ${String(value)} }) is not valid: ${name} must be a whole number, 0 or more.`);
  }
  return makeDecorator("resources", (o) => {
    o.resources = { ...options };
    o.decorators.push(
      `resources(${Object.entries(options)
        .map(([k, v]) => `${k}=${v}`)
        .join(",")})`,
    );
  });
}

/** `@timeout({ seconds, minutes, hours })` fails a task attempt that runs longer than the total. */
export function timeout(options: TimeoutOptions): MethodDecorator {
  const ms = ((options.hours ?? 0) * 3600 + (options.minutes ?? 0) * 60 + (options.seconds ?? 0)) * 1000;
  if (!(ms > 0)) throw new StepError("@timeout needs a positive duration: e.g. @timeout({ seconds: 30 }).");
  return makeDecorator("timeout", (o) => {
    o.timeoutMs = ms;
    o.decorators.push(`timeout(${ms / 1000}s)`);
  });
}
