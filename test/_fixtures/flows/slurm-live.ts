import { existsSync } from "node:fs";
import { FlowSpec, step } from "tsflow";

/** A task that prints a line, then waits until the file LIVE_GATE exists (the test makes it once the launcher showed the line). */
export class SlurmLiveFlow extends FlowSpec {
  @step start() { this.next(this.wait); }
  @step async wait() {
    console.log(`live line from ${process.env.SLURMD_NODENAME}`);
    const gate = process.env.LIVE_GATE!;
    for (let waited = 0; !existsSync(gate); waited += 100) {
      if (waited > 90_000) throw new Error("the launcher did not show the task's line while it ran");
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log("gate opened");
    this.next(this.end);
  }
  @step end() {}
}
