/**
 * Draws a run's lineage as SVG: the runs it read on the left, the run in the middle, the runs that
 * read it on the right; an arrow points from what was read to the reader and is labelled with the
 * artifacts read and the namespace they were read in.
 */
import { escapeHtml } from "./html.js";

/** One run box of a lineage picture. */
export interface LineageNode {
  /** `Flow/RunId`. */
  pathspec: string;
  /** A second line, e.g. `user:alice · successful`. */
  detail?: string;
  /** What the arrow to or from the middle run says. */
  label?: string;
}

// Three columns fit a notebook's output area (about 900 px) without scaling.
const W = 210;
const H = 44;
const COL_GAP = 116;
const LABEL_CHARS = 22;
const ROW_GAP = 22;
const TOP = 44;
const PAD = 16;

/** The SVG of a run with its upstream runs and consumers. */
export function lineageSvg(center: LineageNode, upstream: readonly LineageNode[], consumers: readonly LineageNode[]): string {
  const rows = Math.max(upstream.length, consumers.length, 1);
  const height = TOP + rows * (H + ROW_GAP) - ROW_GAP + PAD;
  const width = 2 * PAD + 3 * W + 2 * COL_GAP;
  const x = (col: number) => PAD + col * (W + COL_GAP);
  const y = (i: number, n: number) => TOP + ((rows - n) * (H + ROW_GAP)) / 2 + i * (H + ROW_GAP);
  const mid = { x: x(1), y: y(0, 1) };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsflow-lineage" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`,
    heading(x(0), "read by this run"),
    heading(x(1), "run"),
    heading(x(2), "runs that read it"),
    ...upstream.map((n, i) => arrow({ x: x(0) + W, y: y(i, upstream.length) + H / 2 }, { x: mid.x, y: mid.y + H / 2 }, n.label)),
    ...consumers.map((n, i) => arrow({ x: mid.x + W, y: mid.y + H / 2 }, { x: x(2), y: y(i, consumers.length) + H / 2 }, n.label)),
    ...upstream.map((n, i) => runBox(n, x(0), y(i, upstream.length), "#eef4ff")),
    runBox(center, mid.x, mid.y, "#fff4d6"),
    ...consumers.map((n, i) => runBox(n, x(2), y(i, consumers.length), "#eaf7ea")),
    ...(upstream.length ? [] : [note(x(0), mid.y, "(none)")]),
    ...(consumers.length ? [] : [note(x(2), mid.y, "(none)")]),
    "</svg>",
  ];
  return parts.join("\n");
}

function heading(x: number, text: string): string {
  return `<text x="${x}" y="${PAD + 8}" font-weight="bold" fill="#333">${escapeHtml(text)}</text>`;
}

function note(x: number, y: number, text: string): string {
  return `<text x="${x + W / 2}" y="${y + H / 2 + 4}" text-anchor="middle" fill="#888">${escapeHtml(text)}</text>`;
}

function runBox(n: LineageNode, x: number, y: number, fill: string): string {
  const detail = n.detail ? `<text x="${x + 8}" y="${y + 34}" fill="#555" font-size="11">${escapeHtml(n.detail)}</text>` : "";
  return `<g><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="${fill}" stroke="#3465a4"/><text x="${x + 8}" y="${y + 17}">${escapeHtml(n.pathspec)}</text>${detail}</g>`;
}

function arrow(from: { x: number; y: number }, to: { x: number; y: number }, label?: string): string {
  // A long label is cut to the gap between the columns; hovering shows it whole.
  const shown = label && label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
  const text = label
    ? `<text x="${(from.x + to.x) / 2}" y="${(from.y + to.y) / 2 - 5}" text-anchor="middle" font-size="10" fill="#555"><title>${escapeHtml(label)}</title>${escapeHtml(shown!)}</text>`
    : "";
  return `<line x1="${from.x}" y1="${from.y}" x2="${to.x - 2}" y2="${to.y}" stroke="#555" marker-end="url(#lineage-arrow)"/>${text}`;
}
