/**
 * What a notebook shows while a flow runs: one live progress display, and each task's output as
 * `[step/task] line`. Used by `%run` and by `runFlow` called from cell code.
 */
import type { MagicOutput } from "../magics/magic.js";
import type { RunEventLike } from "./api.js";
import { RunProgress } from "./progress.js";

/** The event handler to pass to `runFlow`, and `close` to call when the run is over. */
export interface RunDisplay {
  onEvent(event: RunEventLike): void;
  close(): void;
}

/** Starts showing a run of `flow` in `out`. */
export function attachRunDisplay(out: MagicOutput, flow: string): RunDisplay {
  const progress = new RunProgress(out, flow);
  const partial = new Map<string, string>();
  return {
    onEvent(e) {
      progress.onEvent(e);
      if (e.type !== "task-output" || e.text === undefined) return;
      const key = `${e.step}/${e.taskId}`;
      const lines = ((partial.get(key) ?? "") + e.text).split("\n");
      partial.set(key, lines.pop() ?? "");
      if (lines.length) out.print(lines.map((l) => `[${key}] ${l}\n`).join(""));
    },
    close() {
      for (const [key, rest] of partial) if (rest) out.print(`[${key}] ${rest}\n`);
      partial.clear();
      progress.close();
    },
  };
}
