/**
 * Binary values in the JSON format: typed arrays, `ArrayBuffer`, `DataView` and `Buffer` are stored
 * as the base64 of their bytes (the platform's byte order, little-endian on every platform Node
 * supports), so every bit pattern, NaN payloads included, comes back unchanged.
 */

/** Every typed array class the codec stores, by name. */
export const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

type BinaryTag = keyof typeof TYPED_ARRAYS | "ArrayBuffer" | "DataView";

/** Base64 of the bytes a binary value covers (only its view, not the whole underlying buffer). */
export function bytesToBase64(value: ArrayBufferView | ArrayBuffer): string {
  const bytes = ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : Buffer.from(value);
  return bytes.toString("base64");
}

/** Rebuilds a binary value from its tag and base64 payload; returns undefined for an unknown tag. */
export function binaryFromBase64(tag: string, base64: string): unknown {
  if (tag === "Buffer") return Buffer.from(base64, "base64");
  if (!isBinaryTag(tag)) return undefined;
  const decoded = Buffer.from(base64, "base64");
  // A fresh, exactly sized ArrayBuffer: Buffer.from may return a slice of a shared pool,
  // misaligned for 8-byte element types.
  const buffer = new ArrayBuffer(decoded.byteLength);
  new Uint8Array(buffer).set(decoded);
  if (tag === "ArrayBuffer") return buffer;
  if (tag === "DataView") return new DataView(buffer);
  return new TYPED_ARRAYS[tag](buffer);
}

function isBinaryTag(tag: string): tag is BinaryTag {
  return tag === "ArrayBuffer" || tag === "DataView" || Object.hasOwn(TYPED_ARRAYS, tag);
}
