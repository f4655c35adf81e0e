/**
 * The encoder of the JSON artifact format (specified in `json-codec.ts`). One walk over the value
 * reads every property once, refuses what cannot be stored (keeping the path from the root for the
 * message) and builds a JSON-safe copy with tagged values; the native `JSON.stringify` then writes
 * the copy, about three times faster than building the text in JavaScript. Arrays of plain numbers
 * and strings are not copied. An encoder is used once: after a refusal its state is discarded.
 */
import { types } from "node:util";
import { isArrowRecordBatch, isArrowVector } from "./arrow-detect.js";
import type { ArtifactError } from "../../util/errors.js";
import { bytesToBase64 } from "./binary.js";
import { classifyObject, constructorName, type ObjectKind } from "./classify.js";
import { STORE_PLAIN_DATA, mapValueSegment, propertySegment, refusal, renderPath, type ArtifactContext } from "./refusal.js";

/** The key that marks a tagged value. */
export const TAG = "$t";

/** A value `JSON.stringify` writes faithfully. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const UNDEFINED: Json = Object.freeze({ [TAG]: "undefined" });
const CYCLE_ADVICE =
  "Break the cycle before storing (keep ids instead of back-references), or keep the value out of `this` " +
  "by using a local variable or an attribute name starting with `_`, which is not persisted.";
const TABLE_ADVICE = "Store each Arrow Table as an artifact of its own (`this.table = table`).";
const ARROW_ADVICE = "Wrap it in a Table (`new Table({ column: vector })`, `new Table(batch)`) and store the Table as an artifact of its own.";

/** One step of the path from the artifact to the part being encoded. */
type Step = string | number | { mapKey: number } | { mapValue: unknown; index: number } | { setElement: number };

/** Encodes one value as JSON text in the tagged format. */
/** V8's longest string (0x1fffffe8 characters on 64-bit): no JSON document can be longer. */
const MAX_STRING = 0x1fffffe8;
const TOO_LARGE = "Store large tabular data as an apache-arrow Table (streamed, no size limit), or split the value into several artifacts.";

export class JsonEncoder {
  private readonly path: Step[] = [];
  /** Objects on the current path (a cycle returns to one of them), and the path depth of each. */
  private readonly open: object[] = [];
  private readonly openDepth: number[] = [];

  private constructor(private readonly ctx: ArtifactContext) {}

  /** Encodes `value`; throws `ArtifactError` naming `ctx` when a part cannot be stored. */
  static encode(value: unknown, ctx: ArtifactContext): string {
    // One artifact is one JSON string; past V8's string limit, say what stores large data instead.
    try {
      return JSON.stringify(new JsonEncoder(ctx).value(value));
    } catch (err) {
      if (
        (err instanceof RangeError && /Invalid string length|allocation failed/i.test(err.message)) ||
        (err as { code?: string }).code === "ERR_STRING_TOO_LONG"
      ) {
        throw refusal(ctx, renderPath(ctx, []), "is too large to store as JSON (its encoding exceeds V8's longest string, about 512 MB)", TOO_LARGE, err);
      }
      if (!(err instanceof RangeError) || !/call stack/.test(err.message)) throw err;
      throw refusal(ctx, renderPath(ctx, []), "is nested too deeply to store (the call stack overflowed)", STORE_PLAIN_DATA, err);
    }
  }

  private value(v: unknown): Json {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        return encodeNumber(v);
      case "undefined":
        return UNDEFINED;
      case "bigint":
        return tagged("bigint", v.toString());
      case "object":
        return v === null ? null : this.object(v);
      case "function":
        throw this.refuse(v.name ? `is a function (${v.name})` : "is a function");
      default:
        throw this.refuse(`is a symbol (${String(v)})`);
    }
  }

  // A linear scan of the open objects beats a Map at the depths real values have.
  private object(o: object): Json {
    const at = this.open.lastIndexOf(o);
    if (at >= 0) throw this.cycle(at);
    this.open.push(o);
    this.openDepth.push(this.path.length);
    const json = this.byKind(o, classifyObject(o));
    this.open.pop();
    this.openDepth.pop();
    return json;
  }

  private byKind(o: object, kind: ObjectKind): Json {
    switch (kind) {
      case "object":
        return this.plainObject(o);
      case "null-object":
        return tagged("NullObject", this.entries(o, this.ownKeys(o)));
      case "Array":
        return this.array(o as unknown[]);
      case "Map":
        return tagged("Map", this.map(o as Map<unknown, unknown>));
      case "Set":
        return tagged("Set", this.set(o as Set<unknown>));
      case "Date":
        return tagged("Date", dateJson(o as Date));
      case "RegExp":
        return tagged("RegExp", [(o as RegExp).source, (o as RegExp).flags]);
      case "Error":
        return tagged("Error", this.error(o as Error));
      case "arrow.Table":
        throw this.refuse("is an Arrow Table inside another value", TABLE_ADVICE);
      case "other":
        throw this.refuseInstance(o);
      default:
        return tagged(kind, this.base64(o as ArrayBufferView | ArrayBuffer));
    }
  }

  private base64(o: ArrayBufferView | ArrayBuffer): string {
    if (Math.ceil(o.byteLength / 3) * 4 > MAX_STRING)
      throw this.refuse(`is too large to store as JSON (${o.byteLength} bytes; base64 would exceed V8's longest string)`, TOO_LARGE);
    return bytesToBase64(o);
  }

  private plainObject(o: object): Json {
    const keys = this.ownKeys(o);
    const entries = this.entries(o, keys);
    return keys.includes(TAG) ? tagged("Object", entries) : entries;
  }

  private ownKeys(o: object): string[] {
    for (const s of Object.getOwnPropertySymbols(o)) {
      if (Object.prototype.propertyIsEnumerable.call(o, s)) throw this.refuse(`has a symbol-keyed property [${String(s)}], which cannot be stored`);
    }
    return Object.keys(o);
  }

  /** Copies the given own properties, reading each once. */
  private entries(o: object, keys: string[]): { [key: string]: Json } {
    const out: { [key: string]: Json } = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const json = this.child(key, o, key);
      // Assigning to "__proto__" would set the copy's prototype instead of creating the property.
      if (key === "__proto__") Object.defineProperty(out, key, { value: json, enumerable: true, writable: true, configurable: true });
      else out[key] = json;
    }
    return out;
  }

  private array(a: unknown[]): Json {
    if (isPlainJsonArray(a)) return a as Json[];
    if (hasHoles(a)) return this.sparseArray(a);
    const out = new Array<Json>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = this.child(i, a, i);
    return out;
  }

  private sparseArray(a: unknown[]): Json {
    const items: Json[] = [];
    for (const key of Object.keys(a)) {
      if (isArrayIndex(key)) items.push([Number(key), this.child(Number(key), a, key)]);
    }
    return tagged("SparseArray", { length: a.length, items });
  }

  private map(m: Map<unknown, unknown>): Json[] {
    const out: Json[] = [];
    let index = 0;
    for (const [key, value] of m) {
      out.push([this.encodeAt({ mapKey: index }, key), this.encodeAt({ mapValue: key, index }, value)]);
      index++;
    }
    return out;
  }

  private set(s: Set<unknown>): Json[] {
    const out: Json[] = [];
    for (const element of s) out.push(this.encodeAt({ setElement: out.length }, element));
    return out;
  }

  private error(e: Error): Json {
    const out: { [key: string]: Json } = { name: String(e.name), message: String(e.message) };
    if (typeof e.stack === "string") out.stack = e.stack;
    if (Object.hasOwn(e, "cause")) out.cause = this.child("cause", e, "cause");
    const keys = this.ownKeys(e);
    if (keys.length > 0) out.props = this.entries(e, keys);
    return out;
  }

  /** Encodes `holder[key]` at path step `step`, reading it exactly once. */
  private child(step: Step, holder: object, key: string | number): Json {
    this.path.push(step);
    let v: unknown;
    try {
      v = (holder as Record<string | number, unknown>)[key];
    } catch (err) {
      throw this.refuse(`could not be read (its getter threw: ${(err as Error)?.message ?? String(err)})`, STORE_PLAIN_DATA, err);
    }
    const json = this.value(v);
    this.path.pop();
    return json;
  }

  private encodeAt(step: Step, v: unknown): Json {
    this.path.push(step);
    const json = this.value(v);
    this.path.pop();
    return json;
  }

  private cycle(openIndex: number): ArtifactError {
    const target = renderPath(this.ctx, this.path.slice(0, this.openDepth[openIndex]).map(renderStep));
    return this.refuse(`refers back to ${target}, which contains it (a reference cycle)`, CYCLE_ADVICE);
  }

  private refuseInstance(o: object): ArtifactError {
    if (types.isPromise(o)) return this.refuse("is a Promise", "Await it and store the result (`this.x = await promise`).");
    if (isArrowVector(o) || isArrowRecordBatch(o)) return this.refuse(`is an Arrow ${constructorName(o) ?? "object"}`, ARROW_ADVICE);
    const name = constructorName(o);
    const what = name ? `is an instance of class ${name}` : "is an object with a custom prototype";
    return this.refuse(`${what}; objects with behaviour (methods, internal state) cannot be stored faithfully`);
  }

  private refuse(problem: string, advice?: string, cause?: unknown): ArtifactError {
    return refusal(this.ctx, renderPath(this.ctx, this.path.map(renderStep)), problem, advice, cause);
  }
}

/** A tagged value: `{"$t": tag, "v": payload}`, in that key order. */
function tagged(tag: string, payload: Json): Json {
  return { [TAG]: tag, v: payload };
}

function encodeNumber(n: number): Json {
  if (Number.isFinite(n)) return n === 0 && 1 / n < 0 ? tagged("number", "-0") : n;
  return tagged("number", String(n));
}

function renderStep(step: Step): string {
  if (typeof step === "string") return propertySegment(step);
  if (typeof step === "number") return `[${step}]`;
  if ("mapKey" in step) return `<Map key #${step.mapKey}>`;
  if ("mapValue" in step) return mapValueSegment(step.mapValue, step.index);
  return `<Set element #${step.setElement}>`;
}

function dateJson(d: Date): string | null {
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * True when every element is a value JSON writes as itself (no hole, -0, NaN or infinity): such an
 * array (typically big, of numbers or strings) goes to `JSON.stringify` as is, without a copy.
 */
function isPlainJsonArray(a: unknown[]): boolean {
  if (typeof (a as { toJSON?: unknown }).toJSON === "function") return false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === "number") {
      if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) return false;
    } else if (typeof v !== "string" && typeof v !== "boolean" && v !== null) {
      return false;
    }
  }
  return true;
}

function hasHoles(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (!(i in a)) return true;
  return false;
}

function isArrayIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}
