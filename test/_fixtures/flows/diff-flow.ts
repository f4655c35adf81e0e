import { tableFromArrays } from "apache-arrow";
import { FlowSpec, step, Parameter } from "tsflow";

/** Runs that differ in controlled ways, for `diffRuns`, `%diff`, `tsflow diff` and SQL over artifacts. */
export class DiffFlow extends FlowSpec {
  rows = Parameter("rows", { default: 100, help: "rows of the table" });
  alpha = Parameter("alpha", { default: 0.5 });
  changeRow = Parameter("change-row", { default: -1, help: "the row whose score is changed (-1: none)" });
  extraColumn = Parameter("extra-column", { default: false });
  config: Record<string, unknown> = {};
  constant = "";
  table: unknown = null;

  @step start() {
    this.config = { alpha: this.alpha, layers: [16, 8], name: "model" };
    this.constant = "unchanged";
    this.next(this.end);
  }
  @step end() {
    const n = this.rows;
    const id = Int32Array.from({ length: n }, (_, i) => i);
    const score = Float64Array.from({ length: n }, (_, i) => (i === this.changeRow ? -1 : i / 2));
    const name = Array.from({ length: n }, (_, i) => `row-${i}`);
    this.table = this.extraColumn ? tableFromArrays({ id, name, score, flag: Array.from({ length: n }, () => true) }) : tableFromArrays({ id, name, score });
    if (this.extraColumn) (this as unknown as Record<string, unknown>).extra = "only in runs with --extra-column";
  }
}
