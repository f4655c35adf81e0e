/**
 * `Parameter(name, options)` declares a run parameter as a class field of a `FlowSpec`. The field is
 * typed as the parameter's value; inside steps it is read-only and holds the run's value.
 */
import { PARAMETER } from "./markers.js";
import { ParameterError } from "../util/errors.js";
import type { FlowClass } from "./graph.js";

/** The value types a parameter can have. */
export type ParameterType = "string" | "number" | "integer" | "boolean" | "json";

/** What a default function receives. */
export interface ParameterContext {
  flowName: string;
  userName: string;
  parameterName: string;
}

/** Options of `Parameter`. */
export interface ParameterOptions<T> {
  /** The value when none is given; may be a function of the context. @default undefined */
  default?: T | ((context: ParameterContext) => T);
  /** The value type. @default inferred from `default`, else "string" */
  type?: ParameterType;
  /** One line shown by `tsflow run <file> --help`. @default "" */
  help?: string;
  /** Fail, creating no run, when no value is given and there is no default. @default false */
  required?: boolean;
}

/** The declaration a `Parameter()` field holds until the runtime replaces it by a value. */
export interface ParameterSpec {
  readonly [PARAMETER]: true;
  readonly name: string;
  readonly type: ParameterType;
  readonly help: string;
  readonly required: boolean;
  readonly default: unknown;
}

declare const parameterValue: unique symbol;

/**
 * What the type of a `Parameter()` field carries besides its value type, so that the client can
 * tell parameters from other artifacts (`ParametersOf<F>`). Types only: at run time the field holds
 * the plain value.
 */
export interface ParameterMark<T> {
  readonly [parameterValue]: T;
}

type ValueOf<K> = K extends "number" | "integer" ? number : K extends "boolean" ? boolean : K extends "string" ? string : unknown;
type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;
/** The type of a `Parameter()` field: its value, marked as a parameter's. */
type Marked<T> = T & ParameterMark<T>;

const RESERVED = new Set([
  "params",
  "with",
  "tag",
  "tags",
  "namespace",
  "obj",
  "decospecs",
  "run-id-file",
  "max-num-splits",
  "max-workers",
  "max-log-size",
  "user-namespace",
  "run-id",
  "task-id",
  "runner-attribute-file",
  "datastore-root",
  "origin-run-id",
  "help",
  "json",
  "quiet",
  "flow",
  "version",
]);

/**
 * Declares a parameter: the CLI option `--<name>`; the artifact is the field's name.
 * @example
 * import { FlowSpec, step, Parameter, runFlow } from "tsflow";
 *
 * class ScaleFlow extends FlowSpec {
 *   alpha = Parameter("alpha", { default: 0.5, help: "the scale" }); // a number
 *   scaled?: number;
 *   @step start() { this.scaled = this.alpha * 10; this.next(this.end); }
 *   @step end() {}
 * }
 * const run = await runFlow(ScaleFlow, { params: { alpha: 2 }, onEvent: () => {} });
 * console.log(await run.data.scaled, (await run.parameters).alpha); // 20 2
 * @throws ParameterError for a reserved or malformed name.
 */
export function Parameter<K extends ParameterType>(name: string, options: ParameterOptions<ValueOf<K>> & { type: K }): Marked<ValueOf<K>>;
export function Parameter<T>(name: string, options: ParameterOptions<T> & { default: T | ((c: ParameterContext) => T) }): Marked<Widen<T>>;
export function Parameter(name: string, options?: ParameterOptions<string>): Marked<string>;
export function Parameter(name: string, options: ParameterOptions<unknown> = {}): unknown {
  checkParameterName(name);
  const spec: ParameterSpec = {
    [PARAMETER]: true,
    name,
    type: options.type ?? inferType(options.default),
    help: options.help ?? "",
    required: options.required ?? false,
    default: options.default,
  };
  return Object.freeze(spec);
}

function checkParameterName(name: string): void {
  if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw new ParameterError(`Parameter name ${JSON.stringify(name)} is not valid: use letters, digits, '-' and '_', starting with a letter.`);
  }
  if (RESERVED.has(name) || RESERVED.has(name.replaceAll("_", "-"))) {
    throw new ParameterError(`Parameter name '${name}' is a reserved word. Please use a different name for your parameter.`);
  }
}

function inferType(value: unknown): ParameterType {
  switch (typeof value) {
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "object":
      return value === null ? "string" : "json";
    default:
      return "string";
  }
}

/** Tells whether a value is a parameter declaration. */
export function isParameterSpec(value: unknown): value is ParameterSpec {
  return typeof value === "object" && value !== null && (value as { [PARAMETER]?: true })[PARAMETER] === true;
}

/** Converts a command-line string to a parameter's type. @throws ParameterError naming the option. */
export function parseParameterValue(spec: ParameterSpec, raw: string): unknown {
  const bad = (what: string) => new ParameterError(`Invalid value for '--${spec.name}': ${JSON.stringify(raw)} is not ${what}.`);
  switch (spec.type) {
    case "string":
      return raw;
    case "number": {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n)) throw bad("a valid number");
      return n;
    }
    case "integer": {
      if (!/^[-+]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) throw bad("a valid integer");
      return Number(raw);
    }
    case "boolean": {
      const v = raw.toLowerCase();
      if (["true", "1", "yes", "y"].includes(v)) return true;
      if (["false", "0", "no", "n"].includes(v)) return false;
      throw bad("a boolean (true/false)");
    }
    case "json":
      try {
        return JSON.parse(raw);
      } catch (err) {
        throw bad(`valid JSON (${(err as Error).message})`);
      }
  }
}

/** Checks that a value (given in code, or returned by a default function) has the parameter's type. */
export function checkParameterValue(spec: ParameterSpec, value: unknown): unknown {
  // NaN is refused in code as on the command line, where "NaN" is not a valid number.
  const ok = spec.type === "json" || (spec.type === "integer" ? Number.isSafeInteger(value) : typeof value === spec.type && !Number.isNaN(value));
  if (!ok) {
    throw new ParameterError(
      `The value for parameter '${spec.name}' has a wrong type: expected ${spec.type === "integer" ? "an integer" : `a ${spec.type}`}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** A parameter of a flow: the class field that declares it and its declaration. */
export interface FlowParameter {
  field: string;
  spec: ParameterSpec;
}

/**
 * Lists the parameters a flow class declares, in field order (by constructing it once).
 * @throws ParameterError when two parameters share a name.
 */
export function listParameters(flowClass: FlowClass): FlowParameter[] {
  const probe = new flowClass() as unknown as Record<string, unknown>;
  const found: FlowParameter[] = [];
  for (const field of Object.keys(probe)) {
    const spec = probe[field];
    if (isParameterSpec(spec)) found.push({ field, spec });
  }
  const names = new Set<string>();
  for (const { spec } of found) {
    if (names.has(spec.name)) throw new ParameterError(`Two parameters are named '${spec.name}': give each a different name.`);
    names.add(spec.name);
  }
  return found;
}
