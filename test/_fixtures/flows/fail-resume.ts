import { FlowSpec, step, current, type Inputs } from "tsflow";

export class ResumeFlow extends FlowSpec {
  items: number[] = [];
  value = 0;
  sum = 0;

  @step start() {
    this.items = [1, 2, 3];
    this.next(this.work, { foreach: "items" });
  }
  @step work() {
    if (process.env.FAIL_AT === String(this.input)) throw new Error(`failing on ${this.input}`);
    this.value = this.input * 10;
    console.log(`origin=${current.originRunId}`);
    this.next(this.join);
  }
  @step join(inputs: Inputs<ResumeFlow>) {
    this.sum = inputs.reduce((a, i) => a + i.value, 0);
    this.next(this.end);
  }
  @step end() {
    console.log(`sum=${this.sum} origin=${current.originRunId}`);
  }
}
