/**
 * The code of a flow class defined in this notebook, as `runFlow`'s `code` option takes it: the
 * module `packageFlowCells` assembles from the executed cells, resolved from the notebook's folder
 * (so a cell's `import "./helpers.js"` is bundled too).
 */
import type * as TS from "typescript";
import type { CellLog, ExecutedCell } from "../execute/cell-log.js";
import { packageFlowCells } from "./cell-package.js";

/** A module's source for remote workers (the shape of the library's `FlowCode`). */
export interface NotebookFlowCode {
  source: string;
  resolveDir: string;
  name: string;
}

/**
 * Packages the cells that define `className`; `running` is the cell running now, whose declarations
 * exist already when its code calls `runFlow`. @throws CellPackageError
 */
export type FlowCodeOf = (className: string, running?: ExecutedCell) => NotebookFlowCode;

/** A `FlowCodeOf` reading `cells`, parsing with the compiler `ts()` returns, resolving from `cwd`. */
export function notebookFlowCode(cells: CellLog, ts: () => typeof TS, cwd: string): FlowCodeOf {
  return (className, running) => {
    const ran = running ? [...cells.list().filter((c) => c.source !== running.source), running] : cells.list();
    return { source: packageFlowCells(ts(), ran, className).source, resolveDir: cwd, name: `the notebook cells of ${className}` };
  };
}

/** True when `executor` names a remote executor (anything but absent or `local`). */
export function isRemoteExecutor(executor: unknown): executor is string {
  return typeof executor === "string" && executor !== "local";
}
