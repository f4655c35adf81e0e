import { FlowSpec, step, type Inputs } from "tsflow";

export class BranchFlow extends FlowSpec {
  shared = "";
  x?: number;
  total = 0;

  @step start() {
    this.shared = "same";
    this.next(this.a, this.b);
  }
  @step a() {
    this.x = 1;
    this.next(this.join);
  }
  @step b() {
    this.x = 2;
    this.next(this.join);
  }
  @step join(inputs: Inputs<BranchFlow>) {
    this.total = inputs.a.x! * 10 + inputs.b.x!;
    this.mergeArtifacts(inputs, { exclude: ["x"] });
    this.next(this.end);
  }
  @step end() {
    console.log(`total=${this.total} shared=${this.shared}`);
  }
}
