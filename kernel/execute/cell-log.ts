/**
 * The cells that ran without error in this kernel, in execution order: what the notebook's scope
 * was built from, and what a flow defined in cells is packaged from for remote workers.
 */

/** A cell that ran without error. */
export interface ExecutedCell {
  /** Its TypeScript (magic lines removed). */
  source: string;
  /** How the cell is named in messages, e.g. `In[7]`. */
  label: string;
}

// A session rarely runs more distinct cells; the oldest are forgotten first.
const KEEP = 2000;

/** The executed cells of a kernel session. */
export class CellLog {
  private readonly cells: ExecutedCell[] = [];

  /** Records a cell that ran; a re-run of the same source moves it to the end. */
  add(source: string, label: string): void {
    const again = this.cells.findIndex((c) => c.source === source);
    if (again >= 0) this.cells.splice(again, 1);
    this.cells.push({ source, label });
    if (this.cells.length > KEEP) this.cells.shift();
  }

  /** The cells, oldest first. */
  list(): readonly ExecutedCell[] {
    return this.cells;
  }
}
