// Flows for the S3 fault tests: one that stores a large Arrow table, one whose foreach takes a few seconds.
import { FlowSpec, Parameter, step, type Inputs } from "tsflow";
import { tableFromArrays } from "apache-arrow";

export class BigArrowFlow extends FlowSpec {
  rows = Parameter("rows", { type: "integer", default: 1000 });
  table: unknown;

  @step start() {
    const n = this.rows;
    this.table = tableFromArrays({ x: Float64Array.from({ length: n }, (_, i) => i * 0.5), y: Int32Array.from({ length: n }, (_, i) => i % 1000) });
    this.next(this.end);
  }
  @step end() {
    console.log(`rows: ${(this.table as { numRows: number }).numRows}`);
  }
}

export class SlowForeachFlow extends FlowSpec {
  items: number[] = [];
  value = 0;
  total = 0;

  @step start() {
    this.items = [1, 2, 3, 4, 5, 6, 7, 8];
    this.next(this.work, { foreach: "items" });
  }
  @step async work() {
    await new Promise((resolve) => setTimeout(resolve, 700));
    console.log(`item ${this.input}`);
    this.value = (this.input as number) * 10;
    this.next(this.join);
  }
  @step join(inputs: Inputs<SlowForeachFlow>) {
    this.total = inputs.reduce((sum, i) => sum + i.value, 0);
    this.next(this.end);
  }
  @step end() {
    console.log(`total: ${this.total}`);
  }
}
