import { existsSync } from "node:fs";
import { FlowSpec, current, step } from "tsflow";

/**
 * A task whose first attempt prints a line and runs until the test kills its node; the attempt Slurm
 * requeues prints a line, then waits until the file LIVE_GATE exists (the test makes it once the
 * launcher showed that line while the attempt ran).
 */
export class SlurmRequeueLiveFlow extends FlowSpec {
  @step start() { this.next(this.wait); }
  @step async wait() {
    console.log(`attempt ${current.retryCount} live on ${process.env.SLURMD_NODENAME}`);
    if (current.retryCount === 0) await new Promise((r) => setTimeout(r, 300_000));
    const gate = process.env.LIVE_GATE!;
    for (let waited = 0; !existsSync(gate); waited += 100) {
      if (waited > 90_000) throw new Error("the launcher did not show the requeued attempt's line while it ran");
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log("gate opened");
    this.next(this.end);
  }
  @step end() {}
}
