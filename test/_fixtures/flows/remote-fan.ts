import { FlowSpec, step } from "tsflow";
export class FanFlow extends FlowSpec {
  items: number[] = [];
  total?: number;
  @step start() { this.items = Array.from({ length: 10 }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @step each() { console.log(`item ${this.input}`); (this as any).sq = (this.input as number) ** 2; this.next(this.join); }
  @step join(inputs: any) { this.total = [...inputs].reduce((a: number, i: any) => a + i.sq, 0); this.next(this.end); }
  @step end() { console.log(`total ${this.total}`); }
}
