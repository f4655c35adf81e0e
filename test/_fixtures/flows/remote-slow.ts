import { FlowSpec, step } from "tsflow";

/** A foreach whose tasks take a while (SLOW_MS), for killing the worker that runs one. */
export class SlowFanFlow extends FlowSpec {
  items: number[] = [];
  @step start() { this.items = [0, 1, 2, 3]; this.next(this.each, { foreach: "items" }); }
  @step async each() {
    console.log(`each ${this.input} starting`);
    await new Promise((r) => setTimeout(r, Number(process.env.SLOW_MS ?? 3000)));
    (this as Record<string, unknown>).doubled = (this.input as number) * 2;
    this.next(this.join);
  }
  @step join(inputs: Iterable<{ doubled: number }>) { (this as Record<string, unknown>).total = [...inputs].reduce((a, i) => a + i.doubled, 0); this.next(this.end); }
  @step end() { console.log(`total ${(this as Record<string, unknown>).total}`); }
}
