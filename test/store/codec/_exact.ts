/**
 * An exact deep equality for codec tests, stricter than `assert.equal`: distinguishes `-0` from `0`,
 * `undefined` from a missing key, holes from `undefined`, key order, Map/Set order, prototypes and
 * typed array classes; NaN equals NaN. Returns the path of the first difference, or undefined.
 */

type Diff = string | undefined;

/** Where `a` and `b` first differ (`$.a[2]: ...`), or undefined when they are exactly equal. */
export function exactDiff(a: unknown, b: unknown, path = "$"): Diff {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path}: ${show(a)} !== ${show(b)}`;
  }
  if (a instanceof Error && b instanceof Error) return errorDiff(a, b, path);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes (${cls(a)} vs ${cls(b)})`;
  return objectDiff(a, b, path);
}

function objectDiff(a: object, b: object, path: string): Diff {
  if (Array.isArray(a)) return arrayDiff(a, b as unknown[], path);
  if (a instanceof Map) return listDiff([...a].flat(), [...(b as Map<unknown, unknown>)].flat(), `${path}<Map>`);
  if (a instanceof Set) return listDiff([...a], [...(b as Set<unknown>)], `${path}<Set>`);
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime()) ? undefined : `${path}: dates ${a.getTime()} vs ${(b as Date).getTime()}`;
  if (a instanceof RegExp) return String(a) === String(b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) return bytesDiff(a, b as ArrayBufferView | ArrayBuffer, path);
  return entriesDiff(a, b, path);
}

function arrayDiff(a: unknown[], b: unknown[], path: string): Diff {
  if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (i in a !== i in b) return `${path}[${i}]: hole vs element`;
    const d = exactDiff(a[i], b[i], `${path}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

function listDiff(a: unknown[], b: unknown[], path: string): Diff {
  if (a.length !== b.length) return `${path}: size ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const d = exactDiff(a[i], b[i], `${path}#${i}`);
    if (d) return d;
  }
  return undefined;
}

function bytesDiff(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer, path: string): Diff {
  const x = Buffer.from(ArrayBuffer.isView(a) ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : new Uint8Array(a));
  const y = Buffer.from(ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b));
  return x.equals(y) ? undefined : `${path}: bytes differ`;
}

function entriesDiff(a: object, b: object, path: string): Diff {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = exactDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function errorDiff(a: Error, b: Error, path: string): Diff {
  for (const k of ["name", "message", "stack"] as const) if (a[k] !== b[k]) return `${path}.${k}: ${show(a[k])} vs ${show(b[k])}`;
  if (Object.hasOwn(a, "cause") !== Object.hasOwn(b, "cause")) return `${path}.cause: present vs absent`;
  return exactDiff(a.cause, b.cause, `${path}.cause`) ?? entriesDiff(a, b, path);
}

function cls(o: object): string {
  return (Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null)?.constructor?.name ?? "null";
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (Object.is(v, -0)) return "-0";
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}
