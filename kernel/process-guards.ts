/**
 * Keeps the kernel alive when cell code misbehaves: an uncaught exception or unhandled rejection from
 * a cell's background work is printed to the most recent cell's stderr (and the log) instead of
 * ending the process; Node's warnings go to the kernel log, not into cells.
 */
import { log } from "./log.js";
import { thrownError } from "./execute/error-content.js";

/** Installs the process-wide handlers (once). */
export function installProcessGuards(): void {
  const report = (kind: string) => (err: unknown) => {
    const { traceback } = thrownError(err);
    process.stderr.write(`${kind}: ${traceback.join("\n")}\n`);
    log("warn", `${kind} from cell code: ${(err as Error)?.stack ?? String(err)}`);
  };
  process.on("uncaughtException", report("Uncaught exception"));
  process.on("unhandledRejection", report("Unhandled promise rejection"));
  process.removeAllListeners("warning");
  process.on("warning", (w) => log("info", `${w.name}: ${w.message}`));
}
