/**
 * Completion, inspection and is-complete for a cell that may hold magics: magic lines are answered
 * from the magic registry, the text body of a cell magic by the magic (e.g. SQL in `%%sql`), everything
 * else by the engine on the blanked code (offsets unchanged).
 */
import type { Completion, CompletenessCheck, Engine } from "./engine/engine.js";
import type { MagicRegistry } from "./magics/registry.js";
import { completeMagic } from "./magics/complete.js";
import { lineAt, parseCell, type ParsedCell } from "./magics/parse.js";
import { helpText } from "./magics/builtin/help.js";
import { log } from "./log.js";

/** A completer for something the engine does not know, e.g. run ids inside `Run("...")`. */
export type ExtraCompleter = (code: string, cursor: number) => Promise<Completion | undefined>;

/** Completion candidates at `cursor`. */
export async function completeCell(
  engine: Engine,
  registry: MagicRegistry,
  code: string,
  cursor: number,
  extra: readonly ExtraCompleter[] = [],
): Promise<Completion> {
  const empty = { start: cursor, end: cursor, matches: [] };
  const parsed = parseCell(code);
  const body = await completeCellMagicBody(registry, parsed, code, cursor);
  if (body) return body;
  const magic = await completeMagic(code, cursor, registry, engine.locals);
  if (magic) return magic;
  for (const completer of extra) {
    const found = await completer(code, cursor).catch(() => undefined);
    if (found) return found;
  }
  if (parsed.cellMagic && registry.find("cell", parsed.cellMagic.name)?.body !== "typescript") return empty;
  await engine.whenReady?.();
  return guard("complete", () => engine.complete(parsed.code, cursor), empty);
}

/** Completion in the text body of a cell magic that completes its own (e.g. SQL in `%%sql`), in cell offsets. */
async function completeCellMagicBody(registry: MagicRegistry, parsed: ParsedCell, code: string, cursor: number): Promise<Completion | undefined> {
  const cell = parsed.cellMagic;
  // A cell of one line has its (empty) body at the end of the magic line: that is still the magic's arguments.
  if (!cell || cursor < cell.bodyOffset || !code.slice(0, cell.bodyOffset).endsWith("\n")) return undefined;
  const magic = registry.find("cell", cell.name);
  if (!magic?.completeBody) return undefined;
  try {
    const found = await magic.completeBody({ body: cell.body, cursor: cursor - cell.bodyOffset });
    return { start: found.start + cell.bodyOffset, end: found.end + cell.bodyOffset, matches: found.matches };
  } catch (err) {
    log("warn", `completion in %%${cell.name} failed: ${(err as Error)?.stack ?? String(err)}`);
    return undefined;
  }
}

/** The text shown for the symbol (or magic) at `cursor`, or undefined. */
export async function inspectCell(engine: Engine, registry: MagicRegistry, code: string, cursor: number): Promise<string | undefined> {
  const { text } = lineAt(code, cursor);
  const magic = /^\s*(%%?[\w-]+)/.exec(text);
  if (magic) return guard("inspect", () => helpText(registry, magic[1] as string), undefined);
  const parsed = parseCell(code);
  if (parsed.cellMagic && registry.find("cell", parsed.cellMagic.name)?.body !== "typescript") return undefined;
  await engine.whenReady?.();
  return guard("inspect", () => engine.inspect(parsed.code, cursor), undefined);
}

/** Whether the cell can run as typed (Enter in a console) or needs more lines. */
export async function checkCompleteness(engine: Engine, registry: MagicRegistry, code: string): Promise<CompletenessCheck> {
  const parsed = parseCell(code);
  if (parsed.cellMagic && registry.find("cell", parsed.cellMagic.name)?.body !== "typescript") return { status: "complete" };
  if (parsed.code.trim() === "") return { status: "complete" };
  await engine.whenReady?.();
  return guard("is_complete", () => engine.isComplete(parsed.code), { status: "complete" });
}

function guard<T>(what: string, work: () => T, fallback: T): T {
  try {
    return work();
  } catch (err) {
    log("warn", `${what} failed: ${(err as Error)?.stack ?? String(err)}`);
    return fallback;
  }
}
