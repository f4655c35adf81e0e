/**
 * Renders rows as an HTML table with a `text/plain` twin (aligned columns), the shape every tsflow
 * listing in the notebook takes: a caption line, the table, an optional footer.
 */
import { escapeHtml } from "./html.js";

/** A table to render. */
export interface TableSpec {
  columns: string[];
  rows: unknown[][];
  /** Shown above the table, e.g. `Runs of TeamCollabFlow in namespace user:alice`. */
  caption?: string;
  /** Shown below the table, e.g. `showing 20 of 250`. */
  footer?: string;
  /** At most this many rows are rendered. @default 100 */
  maxRows?: number;
}

const TH = 'style="text-align:left"';

/** The text/html and text/plain bundle of a table. */
export function renderTable(spec: TableSpec): { "text/html": string; "text/plain": string } {
  const max = spec.maxRows ?? 100;
  const rows = spec.rows.slice(0, max).map((r) => r.map(cellText));
  const footer = [spec.footer, spec.rows.length > max ? `showing the first ${max} of ${spec.rows.length} rows` : undefined].filter(Boolean).join(" · ");
  const head = spec.columns.map((c) => `<th ${TH}>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td ${TH}>${escapeHtml(c)}</td>`).join("")}</tr>`).join("");
  const html = [
    spec.caption ? `<div class="tsflow-caption"><b>${escapeHtml(spec.caption)}</b></div>` : "",
    `<table class="tsflow-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    footer ? `<div class="tsflow-footer"><small>${escapeHtml(footer)}</small></div>` : "",
  ].join("");
  return { "text/html": html, "text/plain": plainTable(spec.caption, spec.columns, rows, footer) };
}

/** A value as it reads in a table cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date)
    return value
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z")
      .replace("T", " ");
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (Array.isArray(value)) return value.map(cellText).join(", ");
  if (typeof value === "object") return String(value) === "[object Object]" ? JSON.stringify(value) : String(value);
  return String(value);
}

function plainTable(caption: string | undefined, columns: string[], rows: string[][], footer: string): string {
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [caption, line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), footer || undefined].filter((l) => l !== undefined).join("\n");
}
