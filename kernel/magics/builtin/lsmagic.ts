/** `%lsmagic`: lists every magic with its one-line summary. */
import type { Magic, MagicLookup } from "../magic.js";
import { escapeHtml } from "../../display/html.js";

/** The `%lsmagic` magic. */
export const lsmagic: Magic = {
  name: "lsmagic",
  kind: "line",
  summary: "List the available magics.",
  usage: "%lsmagic",
  args: {},
  run(_call, ctx) {
    ctx.out.display(listing(ctx.registry));
  },
};

/** The text and HTML listing of all magics. */
export function listing(registry: MagicLookup): Record<string, string> {
  const magics = registry.list();
  const width = Math.max(...magics.map((m) => m.usage.length));
  const text = ["Available magics (%help <magic> for details):", ...magics.map((m) => `  ${m.usage.padEnd(width)}  ${m.summary}`)].join("\n");
  const rows = magics.map(
    (m) => `<tr><td style="text-align:left"><code>${escapeHtml(m.usage)}</code></td><td style="text-align:left">${escapeHtml(m.summary)}</td></tr>`,
  );
  const html = `<table><thead><tr><th style="text-align:left">magic</th><th style="text-align:left">what it does</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return { "text/plain": text, "text/html": html };
}
