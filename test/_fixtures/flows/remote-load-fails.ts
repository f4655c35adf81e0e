import { FlowSpec, step } from "tsflow";
// Loads on the launcher, throws when a worker's task process loads it.
if (process.env.TSFLOW_WORKER_CONFIG !== undefined) throw new Error("needs a GPU driver this machine lacks");
export class LoadFailsFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
