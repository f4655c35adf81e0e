import { FlowSpec, Parameter, step, timeout, type Inputs } from "tsflow";

/** A branch whose `bad` step misbehaves as `--fault` says, beside a `good` step that must be kept. */
export class FaultyFlow extends FlowSpec {
  fault = Parameter("fault", { default: "none", help: "throw | exit | hang | oom | spam" });
  good_value = 0;
  bad_value = 0;

  @step start() {
    this.next(this.good, this.bad);
  }

  @step good() {
    this.good_value = 42;
    this.next(this.join);
  }

  @timeout({ seconds: 2 })
  @step async bad() {
    if (this.fault === "throw") throw new RangeError("the bad step threw on purpose");
    if (this.fault === "exit") process.exit(9);
    if (this.fault === "hang") for (;;);
    if (this.fault === "oom") {
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i + hoard.length));
    }
    if (this.fault === "spam") {
      const line = `${"x".repeat(1023)}\n`;
      for (let i = 0; i < 8 * 1024; i++) process.stdout.write(line);
    }
    this.bad_value = 1;
    this.next(this.join);
  }

  @step join(inputs: Inputs<FaultyFlow>) {
    this.good_value = inputs.good.good_value;
    this.next(this.end);
  }

  @step end() {}
}
