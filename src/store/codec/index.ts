/**
 * The artifact codec: turns artifact values into stored bytes and back. A value is stored in one of
 * two formats: an apache-arrow `Table` as an Arrow IPC file (`arrow-codec.ts`), anything else as
 * tagged JSON (`json-codec.ts`, which specifies the encoding). This folder is the only place in
 * tsflow that imports apache-arrow.
 */
import { isArrowTable } from "./arrow-detect.js";

export { encodeJson, decodeJson } from "./json-codec.js";
export type { ReadArrowOptions } from "./arrow-codec.js";
export type { ArrowPreview } from "./arrow-preview.js";
export type { ArrowColumnScan, ColumnBatch, SqlColumn, SqlTypeName } from "./arrow-columns.js";
export type { ArrowTableDiff, ArrowColumn, ArrowRowChange, DiffArrowOptions } from "./arrow-diff.js";
export { loadArrowCodec, arrowCodecSync } from "./arrow-lazy.js";
export { describeType } from "./classify.js";
export type { ArtifactContext } from "./refusal.js";

/** The stored format of an artifact: `arrow` for an Arrow IPC file, `json` for tagged JSON. */
export type ArtifactFormat = "json" | "arrow";

/**
 * Chooses the format a value is stored in: `arrow` for an apache-arrow `Table` (from any copy of the
 * library), `json` for everything else.
 * @param value - an artifact value.
 * @example
 * artifactFormat(tableFromArrays({ x: [1, 2] })); // "arrow"
 */
export function artifactFormat(value: unknown): ArtifactFormat {
  return isArrowTable(value) ? "arrow" : "json";
}
