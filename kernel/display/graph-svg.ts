/**
 * Draws a flow's step graph as SVG: steps in layers by their longest distance from `start`, edges as
 * arrows, a foreach edge labelled with what it fans out over.
 */
import type { GraphStep } from "../tsflow/api.js";
import { escapeHtml } from "./html.js";

const BOX_W = 140;
const BOX_H = 34;
const GAP_X = 40;
const GAP_Y = 46;
const PAD = 20;

/** The SVG of the graph, titled with the flow name. */
export function graphSvg(flow: string, steps: readonly GraphStep[]): string {
  const layers = layersOf(steps);
  const width = Math.max(...layers.map((l) => l.length)) * (BOX_W + GAP_X) - GAP_X + 2 * PAD;
  const height = layers.length * (BOX_H + GAP_Y) - GAP_Y + 2 * PAD + 24;
  const pos = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, row) => {
    const offset = (width - (layer.length * (BOX_W + GAP_X) - GAP_X)) / 2;
    layer.forEach((name, col) => {
      pos.set(name, { x: offset + col * (BOX_W + GAP_X), y: PAD + 24 + row * (BOX_H + GAP_Y) });
    });
  });
  const edges = steps.flatMap((s) => s.next.map((to) => edge(pos.get(s.name), pos.get(to), s.foreach)));
  const boxes = steps.map((s) => box(s.name, pos.get(s.name)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsflow-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`,
    `<text x="${PAD}" y="${PAD + 4}" font-weight="bold">${escapeHtml(flow)}</text>`,
    ...edges,
    ...boxes,
    "</svg>",
  ].join("\n");
}

function layersOf(steps: readonly GraphStep[]): string[][] {
  const depth = new Map<string, number>(steps.length ? [[steps[0]?.name as string, 0]] : []);
  // Longest-path layering; a flow graph is acyclic, the bound guards against a malformed one.
  for (let round = 0; round < steps.length; round++) {
    for (const s of steps) for (const to of s.next) depth.set(to, Math.max(depth.get(to) ?? 0, (depth.get(s.name) ?? 0) + 1));
  }
  const layers: string[][] = [];
  for (const s of steps) (layers[Math.min(depth.get(s.name) ?? 0, steps.length)] ??= []).push(s.name);
  return layers.filter(Boolean);
}

function box(name: string, p: { x: number; y: number } | undefined): string {
  if (!p) return "";
  return `<g><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="8" fill="#eef4ff" stroke="#3465a4"/><text x="${p.x + BOX_W / 2}" y="${p.y + BOX_H / 2 + 4}" text-anchor="middle">${escapeHtml(name)}</text></g>`;
}

function edge(from: { x: number; y: number } | undefined, to: { x: number; y: number } | undefined, foreach?: string): string {
  if (!from || !to) return "";
  const [x1, y1, x2, y2] = [from.x + BOX_W / 2, from.y + BOX_H, to.x + BOX_W / 2, to.y];
  const label = foreach ? `<text x="${(x1 + x2) / 2 + 6}" y="${(y1 + y2) / 2}" font-size="11" fill="#555">foreach ${escapeHtml(foreach)}</text>` : "";
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#555" marker-end="url(#arrow)"${foreach ? ' stroke-dasharray="4 3"' : ""}/>${label}`;
}
