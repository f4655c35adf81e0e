/**
 * Builds the `error` content (ename, evalue, traceback) Jupyter shows for a failed cell. A user's
 * mistake (a tsflow error, a magic usage error, a type error) gets a short message and no stack;
 * a thrown JS error keeps only the frames of user code, never the kernel's, tslab's or Node's.
 */
import { fileURLToPath } from "node:url";
import type { CellDiagnostic } from "../engine/engine.js";
import { plainText } from "../display/mime-bundle.js";
import { placeFrame } from "../engine/cell-scripts.js";

/** The content of an `error` message and of an execute_reply with status "error". */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

const KERNEL_DIR = fileURLToPath(new URL("..", import.meta.url));
const INTERNAL_FRAME = /\(node:|at node:|[\\/]node_modules[\\/](tslab|tsx|@tslab)[\\/]/;
const CELL_FRAME = /evalmachine\.<anonymous>:\d+:\d+/; // a cell script without a name

/** Content for type errors that stopped a cell from running. */
export function diagnosticsError(diagnostics: readonly CellDiagnostic[]): ErrorContent {
  const lines = diagnostics.map((d) => `${d.file ? `${d.file} ` : ""}${d.line}:${d.column} - ${d.message}`);
  return { ename: "TSError", evalue: lines[0] ?? "type error", traceback: lines };
}

/** Content for a value a cell threw. */
export function thrownError(error: unknown): ErrorContent {
  if (isInterrupt(error))
    return { ename: "KeyboardInterrupt", evalue: "execution was interrupted", traceback: ["KeyboardInterrupt: execution was interrupted"] };
  if (!(error instanceof Error) && !isErrorLike(error)) {
    const evalue = plainText(error);
    return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const err = error as Error & { code?: unknown; headline?: unknown; usage?: unknown };
  const ename = err.name || "Error";
  if (typeof err.headline === "string" && typeof err.code === "string") return { ename, evalue: err.message, traceback: [`${err.headline}: ${err.message}`] };
  if (ename === "UsageError") {
    const usage = typeof err.usage === "string" ? [`Usage: ${err.usage}`] : [];
    return { ename, evalue: err.message, traceback: [`UsageError: ${err.message}`, ...usage] };
  }
  return { ename, evalue: err.message, traceback: [`${ename}: ${err.message}`, ...userFrames(err.stack)] };
}

/** True for tslab's asynchronous interrupt and Node's SIGINT break of a busy loop. */
export function isInterrupt(error: unknown): boolean {
  if (!isErrorLike(error)) return false;
  const e = error as { message?: unknown; code?: unknown };
  return e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED" || e.message === "Interrupted asynchronously";
}

function userFrames(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !INTERNAL_FRAME.test(l) && !l.includes(KERNEL_DIR))
    .flatMap((l) => placeFrame(l) ?? [])
    .map((l) => l.replace(CELL_FRAME, "cell").replace(/^\s+/, "    "))
    .filter((l, i, all) => l !== all[i - 1]);
}

function isErrorLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { message?: unknown }).message === "string";
}
