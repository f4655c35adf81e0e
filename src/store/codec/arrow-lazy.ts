/**
 * The Arrow half of the codec, loaded on first need: most runs never store a table, and loading
 * apache-arrow costs about 200 ms of start-up in every CLI and worker process.
 */
type ArrowCodec = typeof import("./arrow-codec.js") &
  typeof import("./arrow-preview.js") &
  typeof import("./arrow-diff.js") &
  typeof import("./arrow-columns.js");

let codec: ArrowCodec | undefined;

/** Loads the Arrow codec (once). */
export async function loadArrowCodec(): Promise<ArrowCodec> {
  if (!codec) {
    const [c, p, d, s] = await Promise.all([import("./arrow-codec.js"), import("./arrow-preview.js"), import("./arrow-diff.js"), import("./arrow-columns.js")]);
    codec = { ...c, ...p, ...d, ...s };
  }
  return codec;
}

/** The Arrow codec, for synchronous callers that loaded it first with `loadArrowCodec`. */
export function arrowCodecSync(): ArrowCodec {
  if (!codec) throw new Error("The Arrow codec is not loaded: call loadArrowCodec() before decoding Arrow synchronously.");
  return codec;
}
