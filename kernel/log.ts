/**
 * The kernel's own log: written to the real stderr of the kernel process (Jupyter shows it in the
 * server's console), never to a cell. `TSFLOW_KERNEL_LOG=debug|info|warn|error` sets the level.
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
/** A log level. */
export type LogLevel = keyof typeof LEVELS;

// Bound now, before the kernel redirects process.stderr to the running cell.
const writeStderr = process.stderr.write.bind(process.stderr);
const threshold = LEVELS[(process.env["TSFLOW_KERNEL_LOG"] as LogLevel | undefined) ?? "warn"] ?? LEVELS.warn;

/** Writes one line to the kernel log if `level` is at or above the configured level. */
export function log(level: LogLevel, message: string): void {
  if (LEVELS[level] < threshold) return;
  writeStderr(`[tsflow kernel ${new Date().toISOString()} ${level}] ${message}\n`);
}
