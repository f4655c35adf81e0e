import { FlowSpec, step, type Inputs } from "tsflow";

export class ForeachFlow extends FlowSpec {
  letters: string[] = [];
  numbers: number[] = [];
  pair = "";
  pairs: string[] = [];
  results: string[] = [];

  @step start() {
    this.letters = ["a", "b", "c"];
    this.next(this.outer, { foreach: "letters" });
  }
  @step outer() {
    this.numbers = [1, 2];
    this.next(this.inner, { foreach: "numbers" });
  }
  @step inner() {
    this.pair = `${this.letters[this.foreachStack()[0]!.index]}${this.input}@${this.index}`;
    this.next(this.innerJoin);
  }
  @step innerJoin(inputs: Inputs<ForeachFlow>) {
    this.pairs = inputs.map((i) => i.pair);
    this.next(this.outerJoin);
  }
  @step outerJoin(inputs: Inputs<ForeachFlow>) {
    this.results = inputs.flatMap((i) => i.pairs);
    this.next(this.end);
  }
  @step end() {
    console.log(this.results.join(","));
  }
}
