/**
 * How an Arrow table reads in a notebook: its schema, row count and first rows. The rows come from a
 * preview the library read without loading the table (`DataArtifact.preview()`), or from a table
 * already in memory.
 */
import type { ArrowPreviewLike } from "../tsflow/api.js";
import type { MimeBundle } from "./mime-bundle.js";
import { renderTable } from "./table.js";

/** Rows shown in a preview. */
export const PREVIEW_ROWS = 10;

/** An apache-arrow `Table` from any copy of the library, as far as a preview needs it. */
export interface ArrowTableLike {
  numRows: number;
  schema: { fields: { name: string; type: unknown }[] };
  slice(begin: number, end: number): { toArray(): unknown[] };
  batches?: readonly unknown[];
}

/** True for an apache-arrow `Table`. */
export function isArrowTable(value: unknown): value is ArrowTableLike {
  const t = value as Partial<ArrowTableLike> | null;
  return typeof t === "object" && t !== null && typeof t.numRows === "number" && Array.isArray(t.schema?.fields) && typeof t.slice === "function";
}

/** True for what `DataArtifact.preview()` returns. */
export function isArrowPreview(value: unknown): value is ArrowPreviewLike {
  const p = value as Partial<ArrowPreviewLike> | null;
  return (
    typeof p === "object" &&
    p !== null &&
    Array.isArray(p.schema) &&
    typeof p.numRows === "number" &&
    Array.isArray(p.rows) &&
    typeof p.batchesRead === "number"
  );
}

/** The first rows of a table in memory, in the shape of a library preview. */
export function previewOfTable(table: ArrowTableLike, rows = PREVIEW_ROWS): ArrowPreviewLike {
  const plain = table
    .slice(0, rows)
    .toArray()
    .map((row) => (row as { toJSON?: () => Record<string, unknown> }).toJSON?.() ?? (row as Record<string, unknown>));
  // Every record batch of a table in memory is already read.
  const batches = table.batches?.length ?? 0;
  return {
    schema: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
    numRows: table.numRows,
    rows: plain,
    numBatches: batches,
    batchesRead: batches,
  };
}

/**
 * A preview as a table: columns captioned `name: type`, the row count, and, for a partial read, how
 * many record batches were read (the proof that the table was not loaded).
 */
export function arrowPreviewBundle(preview: ArrowPreviewLike): MimeBundle {
  const { schema, numRows, rows } = preview;
  const shown = rows.length < numRows ? `first ${rows.length} of ${numRows} rows` : `${numRows} rows`;
  const partial = preview.numBatches !== undefined && preview.batchesRead !== undefined && preview.batchesRead < preview.numBatches;
  return renderTable({
    columns: schema.map((f) => `${f.name}: ${f.type}`),
    rows: rows.map((row) => schema.map((f) => row[f.name])),
    caption: `Arrow table · ${numRows} rows × ${schema.length} columns`,
    footer: partial ? `${shown} · read ${preview.batchesRead} of ${preview.numBatches} record batches` : shown,
  });
}
