/**
 * Artifact values as JSON text: what a JSON artifact can hold beyond JSON (bigint, Map, Set, typed
 * arrays, undefined) is written the nearest JSON way, for SQL (`artifact_values.value`) and `--json`.
 */

/**
 * A `JSON.stringify` replacer: a bigint as a number when it is a safe integer (else its digits as a
 * string), a Map as an object, a Set and a typed array as arrays.
 */
export function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x]));
  if (v instanceof Set) return [...v];
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

/** A value as JSON text (`null` for undefined), through `jsonSafe`. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, jsonSafe) ?? "null";
}
