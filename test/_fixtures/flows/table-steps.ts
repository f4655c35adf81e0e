import { tableFromArrays } from "apache-arrow";
import { FlowSpec, step, Parameter } from "tsflow";

/** A table set in `start`, inherited by `middle`, and set again in `end` when `--reassign` is given. */
export class TableStepsFlow extends FlowSpec {
  reassign = Parameter("reassign", { default: false });
  table: unknown = null;
  label = "";

  @step start() {
    this.table = tableFromArrays({ x: Int32Array.of(1, 2), when: [new Date(0), new Date(86_400_000)] });
    this.label = "first";
    this.next(this.middle);
  }
  @step middle() {
    this.next(this.end);
  }
  @step end() {
    if (this.reassign) this.table = tableFromArrays({ x: Float64Array.of(0.5), tag: ["re"] });
  }
}
