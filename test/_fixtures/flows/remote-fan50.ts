import { FlowSpec, step } from "tsflow";

/** A 50-task foreach whose tasks take TASK_MS each, for spreading over worker hosts. */
export class Fan50Flow extends FlowSpec {
  items: number[] = [];
  @step start() { this.items = Array.from({ length: 50 }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @step async each() {
    await new Promise((r) => setTimeout(r, Number(process.env.TASK_MS ?? 200)));
    (this as Record<string, unknown>).sq = (this.input as number) ** 2;
    this.next(this.join);
  }
  @step join(inputs: Iterable<{ sq: number }>) { (this as Record<string, unknown>).total = [...inputs].reduce((a, i) => a + i.sq, 0); this.next(this.end); }
  @step end() { console.log(`total ${(this as Record<string, unknown>).total}`); }
}
