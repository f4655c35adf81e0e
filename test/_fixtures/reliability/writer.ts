/**
 * One of many writers on a root: `writer.ts <runs> <name>` runs a small flow `<runs>` times in this
 * process (through `runFlow`, the notebook path), each run tagged `writer:<name>`, and prints the
 * run ids as JSON on its last line.
 */
import { closeClient, FlowSpec, runFlow, step } from "../../../src/index.js";

/** A two-step flow that stores who wrote it. */
export class ManyWritersFlow extends FlowSpec {
  writer = "";
  value = 0;

  @step start() {
    this.writer = process.argv[3]!;
    this.next(this.end);
  }

  @step end() {
    this.value = this.writer.length;
  }
}

const [count, name] = process.argv.slice(2);
const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const run = await runFlow(ManyWritersFlow, { tags: [`writer:${name}`], onEvent: () => {} });
  ids.push(run.id);
}
await closeClient();
console.log(JSON.stringify(ids));
