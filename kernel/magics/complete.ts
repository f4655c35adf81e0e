/**
 * Completion on a magic line: the magic's name after `%`/`%%`, then its arguments through the
 * magic's own `completeArgs`. Returns undefined when the cursor is not on a magic line.
 */
import type { Completion } from "../engine/engine.js";
import type { MagicLookup } from "./magic.js";
import { lineAt } from "./parse.js";
import { tokenize } from "./tokenize.js";

const NAME_AT_CURSOR = /^(\s*)(%%?)([\w-]*)$/;
const ARGS_AT_CURSOR = /^\s*(%%?)([\w-]+)\s+(.*)$/s;

/** Completes the magic name or argument at `cursor`, if the cursor is on a magic line. */
export async function completeMagic(
  source: string,
  cursor: number,
  registry: MagicLookup,
  locals: Readonly<Record<string, unknown>> = {},
): Promise<Completion | undefined> {
  const { line, text, start } = lineAt(source, cursor);
  const before = text.slice(0, cursor - start);
  const name = NAME_AT_CURSOR.exec(before);
  if (name) {
    const from = start + (name[1]?.length ?? 0);
    return { start: from, end: cursor, matches: nameMatches(registry, name[2] as string, name[3] as string, line === 0) };
  }
  const args = ARGS_AT_CURSOR.exec(before);
  if (!args) return undefined;
  const magic = registry.find(args[1] === "%%" ? "cell" : "line", args[2] as string);
  if (!magic?.completeArgs) return { start: cursor, end: cursor, matches: [] };
  const { words, partial } = splitPartial(args[3] as string);
  const candidates = await magic.completeArgs({ words, partial, registry, locals });
  const matches = [...new Set(candidates.filter((c) => c.startsWith(partial)))].sort();
  return { start: cursor - partial.length, end: cursor, matches };
}

function nameMatches(registry: MagicLookup, prefix: string, partial: string, firstLine: boolean): string[] {
  return registry
    .list()
    .filter((m) => (prefix === "%%" ? m.kind === "cell" : m.kind === "line" || firstLine))
    .filter((m) => m.name.startsWith(partial))
    .map((m) => (m.kind === "line" ? "%" : "%%") + m.name);
}

function splitPartial(args: string): { words: string[]; partial: string } {
  let words: string[];
  try {
    words = tokenize(args);
  } catch {
    words = args.split(/\s+/).filter(Boolean);
  }
  if (args === "" || /\s$/.test(args)) return { words, partial: "" };
  return { words: words.slice(0, -1), partial: words[words.length - 1] ?? "" };
}
