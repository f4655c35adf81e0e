/**
 * # The JSON artifact format (version 1)
 *
 * Every artifact value that is not an Arrow `Table` is stored as one UTF-8 JSON document, with no
 * whitespace and no trailing newline. Values JSON holds natively are written as themselves: strings,
 * booleans, `null`, finite numbers other than `-0`, arrays without holes, and plain objects (prototype
 * `Object.prototype`) that have no own key `"$t"`. Everything else is a **tagged value**: a JSON object
 * whose first key is `"$t"` (the tag), followed for most tags by `"v"` (the payload).
 *
 * | tag                    | payload `v`                                        | value                                   |
 * |------------------------|----------------------------------------------------|-----------------------------------------|
 * | `"undefined"`          | (none)                                             | `undefined`: top level, property, element |
 * | `"number"`             | `"NaN"`, `"Infinity"`, `"-Infinity"` or `"-0"`     | the non-finite number or negative zero  |
 * | `"bigint"`             | decimal string, e.g. `"-12"`                       | a `BigInt`                              |
 * | `"Date"`               | `toISOString()` string, or `null`                  | a `Date` (`null`: an invalid Date)      |
 * | `"RegExp"`             | `[source, flags]`                                  | a `RegExp` (`lastIndex` is not kept)    |
 * | `"Map"`                | `[[key, value], ...]`, insertion order             | a `Map`; keys of any supported type     |
 * | `"Set"`                | `[element, ...]`, insertion order                  | a `Set`                                 |
 * | `"Object"`             | raw object                                         | a plain object with an own key `"$t"` (the escape) |
 * | `"NullObject"`         | raw object                                         | an object with a `null` prototype       |
 * | `"SparseArray"`        | `{"length": n, "items": [[index, value], ...]}`    | an array with holes                     |
 * | `"Error"`              | `{"name", "message", "stack"?, "cause"?, "props"?}` | an `Error` of any class                |
 * | `"Int8Array"` ... `"BigUint64Array"`, `"Uint8ClampedArray"` | base64 of the bytes | that typed array                    |
 * | `"ArrayBuffer"`, `"DataView"`, `"Buffer"` | base64 of the bytes             | that binary value                       |
 *
 * Inside a payload every value is encoded the same way (recursively). A **raw object** is a JSON object
 * whose keys are literal (a `"$t"` inside it is an ordinary key) and whose values are encoded values.
 * Typed array bytes are in the platform's byte order (little-endian on every platform Node supports);
 * a view stores only the bytes it covers.
 *
 * **Errors** (`@catch` stores exceptions): `name`, `message` and `stack` are strings, `cause` an encoded
 * value, `props` a raw object of the error's own enumerable properties (e.g. `code`, `errno`). An error
 * comes back as the built-in class of its name (`Error`, `TypeError`, `RangeError`, `SyntaxError`,
 * `ReferenceError`, `EvalError`, `URIError`), otherwise as an `Error` whose own `name` is the stored one
 * (so `MyError`/`ArtifactError` instances come back as plain `Error`s named so).
 *
 * **Deterministic**: object keys in JavaScript's own order (own enumerable string keys), Map and Set
 * entries in insertion order, numbers in their shortest round-trip form, strings as `JSON.stringify`
 * writes them (lone surrogates escaped). The same value always gives the same bytes, so identical values
 * are stored once. Key order is kept: `{a, b}` and `{b, a}` are different values.
 *
 * **What is not kept**: identity (a value reachable twice, i.e. a shared non-cyclic reference, is stored
 * twice and comes back as two equal copies), prototypes other than the supported classes, non-enumerable
 * properties and extra non-index properties of arrays. Getters are read exactly once, when stored.
 *
 * **Refused** with `ArtifactError` (`UNSERIALIZABLE_ARTIFACT`), never silently changed: functions, symbols,
 * objects with an enumerable symbol key, instances of any other class (subclasses of `Map`, `Array`, ...
 * included; `Promise`, `WeakMap`, boxed primitives, sockets, Arrow vectors), reference cycles, and an
 * Arrow `Table` nested inside another value (a Table is stored as its own artifact, in the Arrow format).
 * The message names the artifact, the step and the path of the refused part (`this.model.layers[2].fn`).
 */
import { DatastoreError } from "../../util/errors.js";
import { JsonEncoder } from "./json-encoder.js";
import { reviveJson } from "./json-decoder.js";
import type { ArtifactContext } from "./refusal.js";

/**
 * Encodes an artifact value in the JSON format described above.
 * @param value - the artifact value (anything but an Arrow `Table`).
 * @param ctx - the artifact and step, named in the error when the value cannot be stored.
 * @returns the UTF-8 bytes of the document; the same value always gives the same bytes.
 * @throws ArtifactError (`UNSERIALIZABLE_ARTIFACT`) when a part of the value cannot be stored faithfully.
 * @example
 * const bytes = encodeJson(new Map([[1, -0]]), { artifact: "m", step: "start" });
 * // {"$t":"Map","v":[[1,{"$t":"number","v":"-0"}]]}
 */
export function encodeJson(value: unknown, ctx: ArtifactContext): Uint8Array {
  return Buffer.from(JsonEncoder.encode(value, ctx), "utf8");
}

/**
 * Decodes a document written by `encodeJson` back into the value.
 * @param bytes - the stored bytes.
 * @returns a value deep-equal to the one encoded (fresh copies; see the format above).
 * @throws DatastoreError when the bytes are not a document of this format.
 */
export function decodeJson(bytes: Uint8Array): unknown {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new DatastoreError(`A stored JSON artifact is not valid JSON (${(err as Error).message}); the object is damaged.`, { cause: err });
  }
  return reviveJson(json);
}
