/**
 * The decoder of the JSON artifact format (specified in `json-codec.ts`): turns parsed JSON back
 * into the value, top-down, so a raw object's literal `"$t"` key is never mistaken for a tag.
 */
import { DatastoreError } from "../../util/errors.js";
import { binaryFromBase64 } from "./binary.js";
import { TAG } from "./json-encoder.js";

type Raw = Record<string, unknown>;
type Reviver = (payload: any) => unknown;

interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  props?: Raw;
}

const ERROR_CLASSES = new Map<string, ErrorConstructor>(
  [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((c) => [c.name, c]),
);

const REVIVERS = new Map<string, Reviver>([
  ["undefined", () => undefined],
  ["number", (v: string) => Number(v)],
  ["bigint", (v: string) => BigInt(v)],
  ["Date", (v: string | null) => new Date(v === null ? Number.NaN : v)],
  ["RegExp", ([source, flags]: [string, string]) => new RegExp(source, flags)],
  ["Map", (v: [unknown, unknown][]) => new Map(v.map(([k, x]) => [reviveJson(k), reviveJson(x)]))],
  ["Set", (v: unknown[]) => new Set(v.map(reviveJson))],
  ["Object", (v: Raw) => reviveInPlace(v)],
  ["NullObject", (v: Raw) => reviveEntries(v, Object.create(null) as Raw)],
  ["SparseArray", reviveSparse],
  ["Error", reviveError],
]);

/**
 * Rebuilds a value from its parsed JSON document. `JSON.parse` output is fresh, so arrays and plain
 * objects are revived in place (an own `"__proto__"` key from `JSON.parse` is a plain data property).
 */
export function reviveJson(json: unknown): unknown {
  if (typeof json !== "object" || json === null) return json;
  if (Array.isArray(json)) return reviveArray(json);
  return Object.hasOwn(json, TAG) ? reviveTagged(json as Raw) : reviveInPlace(json as Raw);
}

function reviveArray(json: unknown[]): unknown[] {
  for (let i = 0; i < json.length; i++) {
    const item = json[i];
    if (typeof item === "object" && item !== null) json[i] = reviveJson(item);
  }
  return json;
}

function reviveInPlace(raw: Raw): Raw {
  for (const key of Object.keys(raw)) {
    const item = raw[key];
    if (typeof item === "object" && item !== null) raw[key] = reviveJson(item);
  }
  return raw;
}

function reviveTagged(json: Raw): unknown {
  const tag = json[TAG];
  const reviver = typeof tag === "string" ? REVIVERS.get(tag) : undefined;
  if (reviver) return reviver(json.v);
  const binary = typeof tag === "string" && typeof json.v === "string" ? binaryFromBase64(tag, json.v) : undefined;
  if (binary === undefined) {
    throw new DatastoreError(`A stored JSON artifact has an unknown tag ${JSON.stringify(tag)}: it was written by a newer tsflow, or it is damaged.`);
  }
  return binary;
}

/** Copies a raw object's literal keys onto `target`, reviving each value. */
function reviveEntries<T extends object>(raw: Raw, target: T): T {
  for (const key of Object.keys(raw)) define(target, key, reviveJson(raw[key]));
  return target;
}

// Assigning to "__proto__" would set the prototype instead of creating the property.
function define(target: object, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else (target as Raw)[key] = value;
}

function reviveSparse(v: { length: number; items: [number, unknown][] }): unknown[] {
  const out = new Array<unknown>(v.length);
  for (const [index, item] of v.items) out[index] = reviveJson(item);
  return out;
}

function reviveError(v: ErrorPayload): Error {
  const ErrorClass = ERROR_CLASSES.get(v.name) ?? Error;
  const err = new ErrorClass(v.message);
  if (ErrorClass.name !== v.name) hidden(err, "name", v.name);
  if (v.stack === undefined) delete err.stack;
  else hidden(err, "stack", v.stack);
  if (Object.hasOwn(v, "cause")) hidden(err, "cause", reviveJson(v.cause));
  if (v.props) reviveEntries(v.props, err);
  return err;
}

function hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}
