// Cells are type-checked against the library's own declarations: a flow class defined in one cell
// types the runs read with `Flow(ThatClass)` in the next, so a misspelt artifact is a type error.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../_helpers/jupyter-client.js";

let s: KernelSession;
const run = async (code: string) => (await s.send({ op: "execute", code })) as ExecuteAnswer;
const resultOf = (r: ExecuteAnswer) => r.iopub.find((m) => m.msg_type === "execute_result")?.content.data?.["text/plain"];

const typed = suite("typed run data in cells");
typed.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice" } });
});
typed.after(async () => {
  await s?.close();
});
typed("should type a run read by class: its artifact reads as the class declares it", async () => {
  const defined = await run(`import { FlowSpec, step, Flow, Run, runFlow } from "tsflow";
class ChoiceFlow extends FlowSpec {
  choice?: number;
  @step start() { this.next(this.end); }
  @step end() { this.choice = 4; }
}
await runFlow(ChoiceFlow);`);
  assert.is(defined.reply.status, "ok", JSON.stringify(defined.iopub));
  const read = await run(`const run = (await Flow(ChoiceFlow).latestSuccessfulRun)!;
const choice: number | undefined = await run.data.choice;
choice`);
  assert.is(read.reply.status, "ok", JSON.stringify(read.iopub));
  assert.is(resultOf(read), "4");
});
typed("should refuse a misspelt artifact as a type error, before running the cell", async () => {
  const r = await run(`globalThis.ran = true;
await (await Flow(ChoiceFlow).latestSuccessfulRun)!.data.choise`);
  assert.is(r.reply.status, "error");
  const shown = `${r.reply.ename}: ${r.reply.evalue}\n${r.reply.traceback.join("\n")}`;
  // Cells compile without strictNullChecks (tslab's options), so the optional field reads as `number`.
  assert.ok(/^TSError: .*Property 'choise' does not exist on type 'RunData<\{ choice: number; \}>'\. Did you mean 'choice'\?/.test(shown), shown);
  assert.is(resultOf(await run("typeof globalThis.ran")), "'undefined'");
});
typed("should refuse a misspelt artifact of a pathspec typed with Run<typeof ChoiceFlow>", async () => {
  const r = await run("await Run<typeof ChoiceFlow>(run.pathspec).data.choise");
  assert.is(r.reply.status, "error");
  assert.match(`${r.reply.evalue}\n${r.reply.traceback.join("\n")}`, /Property 'choise' does not exist/);
});
typed("should still read any name untyped", async () => {
  const r = await run("await Run(run.pathspec).data.choice");
  assert.is(r.reply.status, "ok", JSON.stringify(r.iopub));
  assert.is(resultOf(r), "4");
});
typed.run();
