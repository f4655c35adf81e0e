// %lineage through the real kernel and jupyter_client: flows defined in cells and run in the kernel
// process record what they read, and %lineage draws upstream runs and consumers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../../_helpers/jupyter-client.js";
import { cellsOf } from "../../../_helpers/kernel-cells.js";

let s: KernelSession;
const { run, ok, of } = cellsOf(() => s);
const idOf = (r: ExecuteAnswer, flow: string) => new RegExp(`Run\\('${flow}/(\\d+)'\\)`).exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";

const lineage = suite("%lineage");
lineage.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice" } });
  await ok(`import { FlowSpec, step, Flow, Run, namespace, defaultNamespace } from "tsflow";
class SourceFlow extends FlowSpec {
  choice?: number;
  @step start() { this.next(this.end); }
  @step end() { this.choice = 4; }
}
class ReaderFlow extends FlowSpec {
  seen?: number;
  @step async start() {
    namespace(null);
    const run = await Flow("SourceFlow").latestSuccessfulRun;
    this.seen = (await run!.data.choice) as number;
    namespace(defaultNamespace());
    this.next(this.end);
  }
  @step end() {}
}`);
});
lineage.after(async () => {
  await s.close();
});
let source = "",
  reader = "";
lineage("should record what an in-kernel run read and draw it with %lineage", async () => {
  source = idOf(await ok("%run SourceFlow"), "SourceFlow");
  reader = idOf(await ok("%run ReaderFlow"), "ReaderFlow");
  const drawn = await ok(`%lineage ReaderFlow/${reader}`);
  const [picture, data] = of(drawn, "display_data").map((d) => d.data);
  assert.match(picture["image/svg+xml"], /<svg [^>]*class="tsflow-lineage"/);
  assert.match(picture["image/svg+xml"], new RegExp(`SourceFlow/${source}`));
  assert.match(picture["image/svg+xml"], /choice \(in global \(all namespaces\)\)/);
  assert.is(picture["text/plain"], `[lineage of Run('ReaderFlow/${reader}'): 1 upstream, 0 consumers]`);
  assert.match(data["text/html"], new RegExp(`Lineage of Run\\(&#39;ReaderFlow/${reader}&#39;\\) · 1 upstream, 0 consumers`));
  assert.match(data["text/plain"], new RegExp(`read\\s+SourceFlow/${source}\\s+end/2/choice\\s+start/1\\s+global`));
});
lineage("should draw the runs that read a run", async () => {
  const [picture, data] = of(await ok(`%lineage SourceFlow/${source}`), "display_data").map((d) => d.data);
  assert.match(picture["image/svg+xml"], new RegExp(`ReaderFlow/${reader}`));
  assert.match(data["text/plain"], new RegExp(`read by\\s+ReaderFlow/${reader}\\s+user:alice`));
  assert.match(data["text/html"], /0 upstream, 1 consumer/);
});
lineage("should give the same from run.lineage() and run.consumers() in a cell", async () => {
  await ok(`const rr = await Flow("ReaderFlow").latestSuccessfulRun`);
  await ok(`const ups = await rr!.lineage()`);
  const reads = await ok(`ups.map((u) => u.reads.map((x) => x.pathspec))`);
  assert.is(of(reads, "execute_result")[0].data["text/plain"], `[ [ 'SourceFlow/${source}/end/2/choice' ] ]`);
  const readers = await ok(`(await ups[0]!.run!.consumers()).map(String)`);
  assert.is(of(readers, "execute_result")[0].data["text/plain"], `[ "Run('ReaderFlow/${reader}')" ]`);
});
lineage("should take a flow's latest successful run for a flow name, and refuse other pathspecs", async () => {
  const latest = of(await ok("%lineage ReaderFlow"), "display_data")[1].data;
  assert.match(latest["text/html"], new RegExp(`Lineage of Run\\(&#39;ReaderFlow/${reader}&#39;\\)`));
  const r = await run(`%lineage SourceFlow/${source}/end`);
  assert.is(r.reply.ename, "InvalidPathspecError");
  assert.match(r.reply.traceback.join("\n"), /Expects Run\('FlowName\/RunID'\)/);
  const none = await run("%lineage NoSuchFlow");
  assert.is(none.reply.ename, "NotFoundError");
});
lineage.run();
