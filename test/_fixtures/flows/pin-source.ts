import { FlowSpec, step } from "tsflow";
// The upstream flow whose latestSuccessfulRun a pinned reader asks for.
export class PinSourceFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
