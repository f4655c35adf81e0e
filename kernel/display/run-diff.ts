/**
 * A `RunDiff` as one HTML table (with a `text/plain` twin): a row per parameter, user tag, graph
 * step and artifact, coloured by status; a changed artifact's row carries its detail (the paths
 * inside a JSON value, or an Arrow table's schema changes, row counts and first differing rows,
 * the differing cells marked).
 */
import type { ArtifactDiffLike, DiffStatusLike, RunDiffLike } from "../tsflow/run-diff-like.js";
import { escapeHtml } from "./html.js";

const COLOURS: Record<DiffStatusLike, string> = { added: "#e6ffec", removed: "#ffebe9", changed: "#fff8c5", same: "transparent" };
const TD = 'style="text-align:left;vertical-align:top"';

interface Row {
  section: string;
  name: string;
  status: DiffStatusLike;
  a: string;
  b: string;
  /** Plain-text detail lines. */
  detail: string[];
  /** The same detail as HTML (escaped, with marks). */
  html: string;
}

/** True for a `RunDiff` (what `diffRuns` returns, from any copy of the library), judged by its shape. */
export function isRunDiff(value: unknown): value is RunDiffLike {
  const d = value as Partial<RunDiffLike> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    typeof d.a === "string" &&
    typeof d.b === "string" &&
    typeof d.step === "string" &&
    Array.isArray(d.parameters) &&
    Array.isArray(d.tags) &&
    Array.isArray(d.artifacts) &&
    typeof d.counts === "object" &&
    typeof d.graph === "object"
  );
}

/** The text/html and text/plain bundle of a run diff. */
export function runDiffBundle(diff: RunDiffLike): { "text/html": string; "text/plain": string } {
  const rows = diffRows(diff);
  const { added, removed, changed, same } = diff.counts;
  const caption = `${diff.a} → ${diff.b}: ${changed} changed, ${added} added, ${removed} removed, ${same} same (artifacts of step ${diff.step})`;
  const head = ["", "name", "status", "a", "b", "detail"].map((c) => `<th ${TD}>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr class="tsflow-diff-${r.status}" style="background:${COLOURS[r.status]}"><td ${TD}>${escapeHtml(r.section)}</td><td ${TD}><code>${escapeHtml(r.name)}</code></td>` +
        `<td ${TD}>${r.status === "same" ? "same" : `<b>${r.status}</b>`}</td><td ${TD}>${escapeHtml(r.a)}</td><td ${TD}>${escapeHtml(r.b)}</td><td ${TD}>${r.html}</td></tr>`,
    )
    .join("");
  const html = `<div class="tsflow-caption"><b>${escapeHtml(caption)}</b></div><table class="tsflow-table tsflow-diff"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  return { "text/html": html, "text/plain": plain(caption, rows) };
}

function diffRows(diff: RunDiffLike): Row[] {
  const rows: Row[] = [];
  for (const p of diff.parameters)
    rows.push(
      row(
        "parameter",
        p.name,
        p.status,
        show(p.a),
        show(p.b),
        p.status === "changed" && p.changes?.some((c) => c.path !== "$") ? p.changes.map(changeLine) : [],
      ),
    );
  for (const t of diff.tags) rows.push(row("user tag", t.tag, t.status, t.status === "added" ? "" : "✓", t.status === "removed" ? "" : "✓", []));
  for (const s of diff.graph.steps) rows.push(row("step", s.name, s.status, s.a ?? "", s.b ?? "", []));
  for (const x of diff.artifacts) rows.push(artifactRow(x));
  return rows;
}

function row(section: string, name: string, status: DiffStatusLike, a: string, b: string, detail: string[]): Row {
  return { section, name, status, a, b, detail, html: detail.map(escapeHtml).join("<br>") };
}

function artifactRow(x: ArtifactDiffLike): Row {
  const r = row("artifact", x.name, x.status, x.a ? describe(x.a) : "", x.b ? describe(x.b) : "", []);
  if (x.value) {
    r.detail = x.value.changes.map(changeLine).concat(x.value.truncated ? ["… more changes"] : []);
    r.html = r.detail.map(escapeHtml).join("<br>");
  }
  if (x.table) tableDetail(x.table, r);
  return r;
}

function tableDetail(t: NonNullable<ArtifactDiffLike["table"]>, r: Row): void {
  const lines = [
    ...t.schema.added.map((c) => `column added: ${c.name} (${c.type})`),
    ...t.schema.removed.map((c) => `column removed: ${c.name} (${c.type})`),
    ...t.schema.changed.map((c) => `column type: ${c.name} ${c.a} → ${c.b}`),
    `rows ${t.rows.a} → ${t.rows.b}; ${t.differingRows} of the first ${t.comparedRows} differ`,
  ];
  r.detail = [...lines, ...t.firstDifferences.map((d) => `row ${d.row}: ${d.columns.map((c) => `${c} ${show(d.a[c])} → ${show(d.b[c])}`).join(", ")}`)];
  const marked = t.firstDifferences.map(
    (d) =>
      `row ${d.row}: ${d.columns.map((c) => `${escapeHtml(c)} <del>${escapeHtml(show(d.a[c]))}</del> → <mark>${escapeHtml(show(d.b[c]))}</mark>`).join(", ")}`,
  );
  r.html = [...lines.map(escapeHtml), ...marked].join("<br>");
}

function changeLine(c: { path: string; kind: string; a?: unknown; b?: unknown }): string {
  if (c.kind === "added") return `${c.path} added: ${show(c.b)}`;
  if (c.kind === "removed") return `${c.path} removed: ${show(c.a)}`;
  return `${c.path}: ${show(c.a)} → ${show(c.b)}`;
}

function describe(info: { type: string; format: string; size: number }): string {
  return `${info.type} (${info.format}, ${info.size} B)`;
}

function show(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v)) ??
      String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function plain(caption: string, rows: Row[]): string {
  const cells = rows.map((r) => [r.section, r.name, r.status === "same" ? "same" : r.status.toUpperCase(), r.a, r.b]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.min(40, Math.max(...cells.map((c) => c[i]!.length), 1)));
  const lines = [caption];
  cells.forEach((c, k) => {
    lines.push(
      c
        .map((x, i) => x.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
    for (const d of rows[k]!.detail) lines.push(`    ${d}`);
  });
  return lines.join("\n");
}
