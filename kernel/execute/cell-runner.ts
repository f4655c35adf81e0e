/**
 * Runs one cell: its leading line magics in order, then either its cell magic or its TypeScript code.
 * The first failure stops the cell and is returned as `error` content; nothing here throws.
 */
import type { CellDiagnostic, CellSink, Engine } from "../engine/engine.js";
import type { MagicContext, MagicOutput } from "../magics/magic.js";
import type { MagicRegistry } from "../magics/registry.js";
import { parseCell, type ParsedCell } from "../magics/parse.js";
import { tokenize } from "../magics/tokenize.js";
import { parseArgs } from "../magics/options.js";
import { UsageError } from "../magics/usage-error.js";
import type { CellLog } from "./cell-log.js";
import { diagnosticsError, thrownError, type ErrorContent } from "./error-content.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// Where `bind` leaves a value for the declaration it compiles; one at a time, as cells run in order.
const BIND_SLOT = Symbol.for("tsflow.kernel.bind");

/** What a cell needs to run. */
export interface CellRunnerDeps {
  engine: Engine;
  registry: MagicRegistry;
  /** Where cells that ran are recorded (for packaging notebook flows). */
  cells?: CellLog;
  /** Extra lines for an error's traceback, e.g. where else a missing run exists. */
  explain?: (error: unknown, source: string) => Promise<string[]>;
}

/**
 * Runs `source`; resolves the error content when the cell failed, undefined when it succeeded.
 * `label` (e.g. `In[7]`) names the cell in stack frames.
 */
export async function runCell(source: string, deps: CellRunnerDeps, out: MagicOutput, signal: AbortSignal, label?: string): Promise<ErrorContent | undefined> {
  const parsed = parseCell(source);
  let codeError: ErrorContent | undefined;
  const runCode = async (code: string): Promise<boolean> => {
    codeError = await runTypeScript(deps.engine, code, out, (err) => describe(deps, err, source), label);
    // The cell's own code (run directly, or by a cell magic such as %%with_namespace) is what its declarations come from.
    if (codeError === undefined && code === parsed.code) deps.cells?.add(code, label ?? "a cell");
    return codeError === undefined;
  };
  const bind = async (name: string, value: unknown, type: string): Promise<void> => {
    if (!IDENTIFIER.test(name)) throw new UsageError(`'${name}' is not a valid variable name`);
    (globalThis as Record<symbol, unknown>)[BIND_SLOT] = value;
    await runCode(`const ${name} = (globalThis as any)[Symbol.for("${BIND_SLOT.description}")] as ${type};`);
  };
  const ctx: MagicContext = { out, signal, runCode, registry: deps.registry, locals: deps.engine.locals, bind };
  try {
    checkPlacement(parsed);
    for (const call of parsed.lineMagics) await runMagic(deps.registry, "line", call.name, call.args, "", parsed.code, ctx);
    if (parsed.cellMagic) {
      const { name, args, body } = parsed.cellMagic;
      await runMagic(deps.registry, "cell", name, args, body, parsed.code, ctx);
      return codeError;
    }
    if (parsed.code.trim() !== "") await runCode(parsed.code);
    return codeError;
  } catch (err) {
    return signal.aborted ? thrownError({ message: "Interrupted asynchronously" }) : describe(deps, err, source);
  }
}

async function describe(deps: CellRunnerDeps, err: unknown, source: string): Promise<ErrorContent> {
  const content = thrownError(err);
  const more = deps.explain ? await deps.explain(err, source).catch(() => []) : [];
  return more.length ? { ...content, traceback: [...content.traceback, ...more] } : content;
}

async function runMagic(
  registry: MagicRegistry,
  kind: "line" | "cell",
  name: string,
  raw: string,
  body: string,
  code: string,
  ctx: MagicContext,
): Promise<void> {
  const magic = registry.require(kind, name);
  const args = parseArgs(tokenize(raw), magic.args, magic.usage);
  await magic.run({ raw, args, body, code }, ctx);
}

/** Compiles and runs TypeScript; the last expression's value becomes the cell result. */
export async function runTypeScript(
  engine: Engine,
  code: string,
  out: MagicOutput,
  describeThrown: (err: unknown) => Promise<ErrorContent> = async (err) => thrownError(err),
  label?: string,
): Promise<ErrorContent | undefined> {
  const diagnostics: CellDiagnostic[] = [];
  let thrown: { value: unknown } | undefined;
  let result: { value: unknown } | undefined;
  const sink: CellSink = {
    result: (value) => (result = { value }),
    thrown: (value) => (thrown ??= { value }),
    diagnostic: (d) => diagnostics.push(d),
  };
  const ok = await engine.execute(code, sink, label);
  if (diagnostics.length) return diagnosticsError(diagnostics);
  if (!ok) return describeThrown(thrown?.value ?? new Error("the cell failed"));
  if (result) {
    try {
      await out.result(result.value);
    } catch (err) {
      return describeThrown(err);
    }
  }
  return undefined;
}

function checkPlacement(parsed: ParsedCell): void {
  const [line] = parsed.misplaced;
  if (line === undefined) return;
  throw new UsageError(
    `line ${line + 1} looks like a magic, but magics must come first in a cell (a %%cell magic on the very first line). ` +
      "Move it to the top of the cell, or into a cell of its own.",
  );
}
