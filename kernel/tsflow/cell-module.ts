/**
 * The `tsflow` module as cell code sees it: the kernel's own instance, except that `runFlow` called
 * from a cell stops when the kernel is interrupted (the run is recorded as failed and can be resumed)
 * and, unless the caller handles events itself, shows live progress and task output in the cell; with
 * a remote executor, the flow's code is packaged from the notebook's cells.
 */
import type { ExecutedCell } from "../execute/cell-log.js";
import type { MagicOutput } from "../magics/magic.js";
import type { RunEventLike } from "./api.js";
import { attachRunDisplay } from "./run-display.js";
import { type FlowCodeOf, isRemoteExecutor } from "./notebook-code.js";

/** The cell that is running now, if any. */
export interface ActiveCell {
  out: MagicOutput;
  signal: AbortSignal;
  /** Its code (magic lines removed). */
  cell?: ExecutedCell;
}

type RunFlow = (
  flowClass: unknown,
  options?: { signal?: AbortSignal; onEvent?: (e: RunEventLike) => void; executor?: string; code?: unknown },
) => Promise<unknown>;

/**
 * A copy of `exports` whose `runFlow` is tied to the running cell; with a remote `executor` and no
 * `code`, the code is the notebook's cells that define the class (`flowCode`).
 */
export function cellModule(exports: Record<string, unknown>, activeCell: () => ActiveCell | undefined, flowCode?: FlowCodeOf): Record<string, unknown> {
  const runFlow = exports["runFlow"] as RunFlow | undefined;
  if (typeof runFlow !== "function") return exports;
  const wrapped: RunFlow = async (flowClass, given = {}) => {
    const name = (flowClass as { name?: string }).name ?? "flow";
    const cell = activeCell();
    const options = flowCode && isRemoteExecutor(given.executor) && given.code === undefined ? { ...given, code: flowCode(name, cell?.cell) } : given;
    if (!cell) return runFlow(flowClass, options);
    const signal = options.signal ? AbortSignal.any([options.signal, cell.signal]) : cell.signal;
    if (options.onEvent) return runFlow(flowClass, { ...options, signal });
    const display = attachRunDisplay(cell.out, name);
    try {
      return await runFlow(flowClass, { ...options, signal, onEvent: display.onEvent });
    } finally {
      display.close();
    }
  };
  Object.defineProperty(wrapped, "name", { value: "runFlow" });
  return Object.freeze({ ...exports, runFlow: wrapped });
}
