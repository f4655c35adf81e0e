/**
 * Classification of artifact values: which stored kind an object is, decided from its prototype
 * (O(1), no traversal). The JSON encoder dispatches on it and `describeType` names it.
 */
import { isArrowTable } from "./arrow-detect.js";
import { TYPED_ARRAYS } from "./binary.js";

/**
 * The kind of an object value, as the codec sees it. Every kind except `other` can be stored
 * (`arrow.Table` only as an artifact of its own, in the Arrow format).
 */
export type ObjectKind =
  | "Array"
  | "object"
  | "null-object"
  | "Map"
  | "Set"
  | "Date"
  | "RegExp"
  | "Error"
  | "Buffer"
  | "ArrayBuffer"
  | "DataView"
  | TypedArrayName
  | "arrow.Table"
  | "other";

/** The name of a supported typed array class (`Uint8Array`, `Float64Array`, ...). */
export type TypedArrayName = keyof typeof TYPED_ARRAYS;

const BUILTINS = new Map<object, ObjectKind>([
  [Map.prototype, "Map"],
  [Set.prototype, "Set"],
  [Date.prototype, "Date"],
  [RegExp.prototype, "RegExp"],
  [Buffer.prototype, "Buffer"],
  [ArrayBuffer.prototype, "ArrayBuffer"],
  [DataView.prototype, "DataView"],
  ...Object.entries(TYPED_ARRAYS).map(([name, ctor]) => [ctor.prototype, name as ObjectKind] as const),
]);

/** Classifies a non-null object by its prototype; subclasses of supported types are `other`. */
export function classifyObject(value: object): ObjectKind {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype) return "object";
  if (Array.isArray(value)) return isBuiltinProto(proto, "Array") ? "Array" : "other";
  if (proto === null) return "null-object";
  return BUILTINS.get(proto as object) ?? classifySlow(value, proto as object);
}

// Errors of any class are stored (as their name); a Table may come from another copy of
// apache-arrow; a plain object made in another realm (a vm context) has that realm's
// Object.prototype, which is still plain data.
function classifySlow(value: object, proto: object): ObjectKind {
  if (value instanceof Error || Object.prototype.toString.call(value) === "[object Error]") return "Error";
  if (isArrowTable(value)) return "arrow.Table";
  return isBuiltinProto(proto, "Object") ? "object" : "other";
}

function isBuiltinProto(proto: unknown, name: "Array" | "Object"): boolean {
  if (proto === (name === "Array" ? Array.prototype : Object.prototype)) return true;
  if (typeof proto !== "object" || proto === null) return false;
  const parent = Object.getPrototypeOf(proto) as unknown;
  const root = name === "Object" ? parent === null : isBuiltinProto(parent, "Object");
  return root && Object.getOwnPropertyDescriptor(proto, "constructor")?.value?.name === name;
}

/**
 * Describes a value's type in a few characters, for `ArtifactRef.type` and listings: `number`,
 * `string`, `undefined`, `null`, `Array`, `object`, `Map`, `Date`, `Uint8Array`, `TypeError`,
 * `arrow.Table`, or the class name of an object that cannot be stored. Never traverses the value.
 * @param value - any value.
 * @returns a short type name.
 * @example
 * describeType(new Map()); // "Map"
 */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const kind = classifyObject(value);
  if (kind === "null-object") return "object";
  if (kind === "Error" || kind === "other") return constructorName(value) ?? "object";
  return kind;
}

/** The name of an object's class, when its prototype is a named class's own (not `Object.create(proto)`). */
export function constructorName(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value) as object | null;
  const ctor: unknown = proto && Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof ctor === "function" && ctor.name ? ctor.name : undefined;
}
