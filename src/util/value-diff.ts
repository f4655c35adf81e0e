/**
 * A structural diff of two artifact values (what JSON artifacts decode to: plain objects, arrays,
 * `Map`, `Set`, `Date`, `bigint`, typed arrays...): the paths inside the value where they differ.
 */

/** One difference between two values, at a path inside them. */
export interface ValueChange {
  /** Where, as a JSONPath-like string: `$`, `$.config.alpha`, `$.items[3]`, `$["odd key"]`. */
  path: string;
  /** `added`: only in the second value; `removed`: only in the first; `changed`: in both, different. */
  kind: "added" | "removed" | "changed";
  /** The value in the first input (absent when added). */
  a?: unknown;
  /** The value in the second input (absent when removed). */
  b?: unknown;
}

/** Options of `diffValues`. */
export interface DiffValuesOptions {
  /**
   * Stop after this many changes (the result says it was cut).
   * @default 50
   */
  maxChanges?: number;
}

/** The changes between two values, at most `maxChanges` of them. */
export interface ValueDiff {
  changes: ValueChange[];
  /** True when there were more changes than `maxChanges`. */
  truncated: boolean;
}

/**
 * Compares two values structurally and lists where they differ, depth first, keys in order.
 * @example
 * diffValues({ a: 1, b: [1, 2] }, { a: 2, b: [1] }).changes;
 * // [{ path: "$.a", kind: "changed", a: 1, b: 2 }, { path: "$.b[1]", kind: "removed", a: 2 }]
 */
export function diffValues(a: unknown, b: unknown, options: DiffValuesOptions = {}): ValueDiff {
  const max = options.maxChanges ?? 50;
  const changes: ValueChange[] = [];
  let truncated = false;
  const push = (change: ValueChange) => {
    if (changes.length < max) changes.push(change);
    else truncated = true;
  };
  walk(a, b, "$", push);
  return { changes, truncated };
}

/** True when two values are structurally equal (the same test `diffValues` uses). */
export function sameValue(a: unknown, b: unknown): boolean {
  let same = true;
  walk(a, b, "$", () => (same = false));
  return same;
}

type Push = (change: ValueChange) => void;

function walk(a: unknown, b: unknown, path: string, push: Push): void {
  if (Object.is(a, b)) return;
  const ka = shape(a);
  if (ka !== shape(b)) push({ path, kind: "changed", a, b });
  else if (ka === "array") walkArrays(a as unknown[], b as unknown[], path, push);
  else if (ka === "object") walkEntries(Object.entries(a as object), Object.entries(b as object), path, push);
  else if (ka === "map") walkEntries(mapEntries(a as Map<unknown, unknown>), mapEntries(b as Map<unknown, unknown>), path, push);
  else if (ka === "set") walkArrays([...(a as Set<unknown>)], [...(b as Set<unknown>)], path, push);
  else if (!sameLeaf(ka, a, b)) push({ path, kind: "changed", a, b });
}

/** Whether two leaves of shape `ka` are equal: dates by time (two invalid dates are equal), bytes by content, regexps by source and flags. */
function sameLeaf(ka: Shape, a: unknown, b: unknown): boolean {
  if (ka === "date") return (a as Date).getTime() === (b as Date).getTime() || Number.isNaN((a as Date).getTime() + (b as Date).getTime());
  if (ka === "bytes") return bytesEqual(a as ArrayBufferView, b as ArrayBufferView);
  return ka === "regexp" && String(a) === String(b);
}

function walkArrays(a: readonly unknown[], b: readonly unknown[], path: string, push: Push): void {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const at = `${path}[${i}]`;
    if (i >= b.length) push({ path: at, kind: "removed", a: a[i] });
    else if (i >= a.length) push({ path: at, kind: "added", b: b[i] });
    else walk(a[i], b[i], at, push);
  }
}

function walkEntries(a: [string, unknown][], b: [string, unknown][], path: string, push: Push): void {
  const inB = new Map(b);
  const inA = new Map(a);
  for (const [k, v] of a) {
    const at = childPath(path, k);
    if (!inB.has(k)) push({ path: at, kind: "removed", a: v });
    else walk(v, inB.get(k), at, push);
  }
  for (const [k, v] of b) if (!inA.has(k)) push({ path: childPath(path, k), kind: "added", b: v });
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function mapEntries(map: Map<unknown, unknown>): [string, unknown][] {
  return [...map].map(([k, v]) => [typeof k === "string" ? k : String(k), v]);
}

type Shape = "array" | "object" | "map" | "set" | "date" | "bytes" | "regexp" | "other";

function shape(v: unknown): Shape {
  if (typeof v !== "object" || v === null) return "other";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  if (v instanceof Set) return "set";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regexp";
  if (ArrayBuffer.isView(v)) return "bytes";
  return "object";
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
