import { FlowSpec, Parameter, step } from "tsflow";

/** Declares a parameter with a reserved name. */
export class ReservedParamFlow extends FlowSpec {
  tag = Parameter("tag", { default: "x" });
  @step start() {
    this.next(this.end);
  }
  @step end() {}
}
