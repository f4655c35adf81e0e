import { FlowSpec, step, type Inputs } from "tsflow";

/** The flow the crash trials kill: a foreach whose tasks store a few hundred KB each, then a join. */
export class ReliableFlow extends FlowSpec {
  items: number[] = [];
  square = 0;
  payload: number[] = [];
  squares: number[] = [];
  total = 0;

  @step start() {
    this.items = Array.from({ length: Number(process.env.ITEMS ?? 6) }, (_, i) => i);
    this.next(this.work, { foreach: "items" });
  }

  @step async work() {
    console.log(`working on ${this.input}`);
    this.square = this.input * this.input;
    this.payload = Array.from({ length: 20_000 }, (_, i) => i * this.input + 0.5);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.WORK_MS ?? 30)));
    this.next(this.join);
  }

  @step join(inputs: Inputs<ReliableFlow>) {
    this.squares = inputs.map((i) => i.square);
    this.next(this.end);
  }

  @step end() {
    this.total = this.squares.reduce((a, b) => a + b, 0);
    console.log(`total=${this.total}`);
  }
}
