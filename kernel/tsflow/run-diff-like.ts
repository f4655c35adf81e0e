/**
 * The library's `RunDiff` (from `diffRuns`) as the kernel sees it, declared structurally like the
 * rest of `api.ts`: the kernel renders it and never imports the library's types.
 */

/** How an entry compares, relative to the first run. */
export type DiffStatusLike = "added" | "removed" | "changed" | "same";

/** One path inside a JSON value where the two runs differ. */
export interface ValueChangeLike {
  path: string;
  kind: "added" | "removed" | "changed";
  a?: unknown;
  b?: unknown;
}

/** An Arrow table comparison: schema changes, row counts, first differing rows. */
export interface ArrowTableDiffLike {
  schema: { added: { name: string; type: string }[]; removed: { name: string; type: string }[]; changed: { name: string; a: string; b: string }[] };
  rows: { a: number; b: number };
  comparedRows: number;
  differingRows: number;
  firstDifferences: { row: number; columns: string[]; a: Record<string, unknown>; b: Record<string, unknown> }[];
  batchesRead: { a: number; b: number };
}

/** One artifact of the compared step. */
export interface ArtifactDiffLike {
  name: string;
  status: DiffStatusLike;
  a?: { type: string; format: string; size: number };
  b?: { type: string; format: string; size: number };
  value?: { changes: ValueChangeLike[]; truncated: boolean };
  table?: ArrowTableDiffLike;
}

/** The comparison of two runs. */
export interface RunDiffLike {
  a: string;
  b: string;
  step: string;
  parameters: { name: string; status: DiffStatusLike; a?: unknown; b?: unknown; changes?: ValueChangeLike[]; truncated?: boolean }[];
  tags: { tag: string; status: DiffStatusLike }[];
  graph: { status: "changed" | "same"; steps: { name: string; status: DiffStatusLike; a?: string; b?: string }[] };
  artifacts: ArtifactDiffLike[];
  counts: Record<DiffStatusLike, number>;
  same: boolean;
}
