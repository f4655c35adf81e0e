import { FlowSpec, step } from "tsflow";

export class BadGraphFlow extends FlowSpec {
  @step start() {
    this.next(this.middle);
  }
  @step middle() {}
  @step end() {}
}
