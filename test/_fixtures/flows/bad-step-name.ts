import { FlowSpec, step } from "tsflow";

/** A step whose name is not an identifier. */
export class BadStepNameFlow extends FlowSpec {
  @step start() {
    this.next(this["bad-step"]);
  }
  @step ["bad-step"]() {
    this.next(this.end);
  }
  @step end() {}
}
