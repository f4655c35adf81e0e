/**
 * Formats a run's log the way Metaflow does, one line per printed line:
 * `2026-11-27 09:15:05.949 [1795770905508901/start/1 (pid 9913)] current.username: alice`.
 */
import type { RunEvent, TaskEvent } from "./run-events.js";

/** Local time as `YYYY-MM-DD HH:MM:SS.mmm`. */
export function timestamp(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}`
  );
}

/** Turns run events into log lines; keeps partial lines of each task until their newline. */
export class RunLogFormatter {
  private readonly partial = new Map<string, string>();

  /** The complete lines an event produces (without trailing newlines). */
  lines(event: RunEvent): { stream: "stdout" | "stderr"; line: string }[] {
    switch (event.type) {
      case "run-started":
        return [out(`${timestamp()} Workflow starting (run-id ${event.runId}):`)];
      case "task-started":
        return [out(this.prefixed(event, event.pid, event.attempt ? `Task is starting (retry ${event.attempt}).` : "Task is starting."))];
      case "task-output":
        return this.output(event);
      case "task-finished":
        return [this.finished(event)];
      case "run-finished":
        return [event.success ? out(`${timestamp()} Done!`) : { stream: "stderr", line: `${timestamp()} Workflow failed: ${event.reason}` }];
    }
  }

  private output(e: Extract<RunEvent, { type: "task-output" }>): { stream: "stdout" | "stderr"; line: string }[] {
    const key = `${e.step}/${e.taskId}/${e.stream}`;
    const text = (this.partial.get(key) ?? "") + e.text;
    const parts = text.split("\n");
    this.partial.set(key, parts.pop()!);
    return parts.map((l) => ({ stream: e.stream, line: this.prefixed(e, e.pid, l) }));
  }

  private finished(e: TaskEvent): { stream: "stdout" | "stderr"; line: string } {
    if (e.cloned) return out(`${timestamp()} Cloning previously run task ${e.message}`);
    const on = e.host ? ` on ${e.host}${e.attempt ? ` (attempt ${e.attempt})` : ""}` : "";
    if (e.success)
      return out(this.prefixed(e, e.pid, e.foreachCount ? `Foreach yields ${e.foreachCount} child steps${on}.` : `Task finished successfully${on}.`));
    return { stream: "stderr", line: this.prefixed(e, e.pid, `Task failed${on}: ${e.message ?? "unknown error"}`) };
  }

  private prefixed(e: { runId: string; step: string; taskId: string }, pid: number | undefined, text: string): string {
    return `${timestamp()} [${e.runId}/${e.step}/${e.taskId}${pid ? ` (pid ${pid})` : ""}] ${text}`;
  }
}

function out(line: string): { stream: "stdout"; line: string } {
  return { stream: "stdout", line };
}
