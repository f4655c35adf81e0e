import { Flow, FlowSpec, pinStatus, step } from "tsflow";
// Reads PinSourceFlow's latestSuccessfulRun in its start task and in each task of a foreach, and
// keeps what it saw: the run id and pinStatus (the pin's run, newer runs, where the pin came from).
async function seen(): Promise<string> {
  const run = await Flow("PinSourceFlow").latestSuccessfulRun;
  const status = run ? pinStatus(run) : undefined;
  return status ? `${run!.id} pinned newer=${status.newerRuns}` : `${run?.id ?? "none"} unpinned`;
}
export class PinReaderFlow extends FlowSpec {
  items = [1, 2, 3];
  first = "";
  each = "";
  @step async start() { this.first = await seen(); this.next(this.fan, { foreach: "items" }); }
  @step async fan() { this.each = await seen(); this.next(this.join); }
  @step join(inputs: Iterable<{ first: string; each: string }>) {
    const all = [...inputs];
    this.first = all[0]!.first;
    this.each = [...new Set(all.map((i) => i.each))].join(" | ");
    this.next(this.end);
  }
  @step end() { console.log(`first: ${this.first}; each: ${this.each}`); }
}
