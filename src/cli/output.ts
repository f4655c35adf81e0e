/** How the CLI talks to people: tables for terminals, JSON for scripts, errors as `headline: message`. */
import { formatUserError, isTsflowError } from "../util/errors.js";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, runFailed: 1, usage: 2 } as const;

/** Prints rows as an aligned text table. */
export function printTable(headers: string[], rows: string[][], out: (s: string) => void = (s) => process.stdout.write(s)): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  out(`${line(headers)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
  for (const r of rows) out(`${line(r)}\n`);
}

/** Prints a value as JSON for scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reports an error and returns the exit code: a user's mistake is one `headline: message` line;
 * anything else is a bug and keeps its stack.
 */
export function reportError(err: unknown): number {
  if (isTsflowError(err)) {
    process.stderr.write(`${formatUserError(err)}\n`);
    return err.code === "RUN_FAILED" ? EXIT.runFailed : EXIT.usage;
  }
  const e = err as { code?: string; message?: string; stack?: string };
  if (typeof e?.code === "string" && e.code.startsWith("commander.")) return EXIT.usage;
  process.stderr.write(`Internal error: ${e?.stack ?? String(err)}\n`);
  return EXIT.runFailed;
}
