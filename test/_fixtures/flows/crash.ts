import { FlowSpec, step, type Inputs } from "tsflow";

export class CrashFlow extends FlowSpec {
  items = [0, 1, 2, 3];
  @step start() {
    this.next(this.work, { foreach: "items" });
  }
  @step work() {
    if (this.input === Number(process.env.CRASH_AT ?? 2)) process.exit(7);
    this.next(this.join);
  }
  @step join(_inputs: Inputs) {
    this.next(this.end);
  }
  @step end() {}
}
