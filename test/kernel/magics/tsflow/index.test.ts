// The tsflow magics through the real kernel and jupyter_client: a flow defined in a cell, %run,
// namespaces, listings, %%sql, %tag, %show (and Arrow previews), the elsewhere hint and completions (of %run's parameters and of SQL in %%sql too).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../../_helpers/jupyter-client.js";

let s: KernelSession;
const run = async (code: string) => (await s.send({ op: "execute", code })) as ExecuteAnswer;
const ok = async (code: string) => {
  const r = await run(code);
  assert.is(r.reply.status, "ok", `${code}\n${JSON.stringify(r.iopub)}`);
  return r;
};
const of = (r: ExecuteAnswer, type: string) => r.iopub.filter((m) => m.msg_type === type).map((m) => m.content);
const text = (r: ExecuteAnswer) => r.iopub.map((m) => m.content.text ?? m.content.data?.["text/plain"] ?? (m.content.traceback ?? []).join("\n")).join("\n");
const complete = async (code: string) => (await s.send({ op: "request", type: "complete", args: { code, cursor_pos: code.length } }))["reply"];
let runId = "";

const flows = suite("notebook-defined flows");
flows.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice" } });
});
flows("should run a flow class from a cell with %run, with live progress, output and the Run as result", async () => {
  await ok(`import { FlowSpec, step, current, Flow, Run, runFlow } from "tsflow";
class TeamCollabFlow extends FlowSpec {
  choice?: number;
  @step start() { console.log("hello from", current.username); this.next(this.end); }
  @step end() { this.choice = 4; }
}`);
  const r = await ok("%run TeamCollabFlow --tag exp1");
  const displays = of(r, "display_data");
  assert.is(displays.length, 1);
  const updates = of(r, "update_display_data");
  assert.ok(updates.length >= 1);
  assert.is(updates.at(-1).transient.display_id, displays[0].transient.display_id);
  assert.match(updates.at(-1).data["text/plain"], /succeeded · 2 tasks done, 0 running, 0 failed/);
  assert.ok(
    of(r, "stream").some((c) => c.text.includes("[start/1] hello from alice")),
    text(r),
  );
  const result = of(r, "execute_result")[0].data;
  assert.match(result["text/html"], /<table class="tsflow-table">/);
  runId = /Run\('TeamCollabFlow\/(\d+)'\)/.exec(result["text/plain"])?.[1] ?? "";
  assert.ok(runId, result["text/plain"]);
});
flows("should run a flow with runFlow in a cell and display the Run richly", async () => {
  const r = await ok("await runFlow(TeamCollabFlow, { tags: ['exp2'] })");
  assert.match(of(r, "execute_result")[0].data["text/html"], /read in namespace/);
});
flows("should draw a flow class as an SVG graph", async () => {
  const data = of(await ok("TeamCollabFlow"), "execute_result")[0].data;
  assert.match(data["image/svg+xml"], /<svg [^>]*class="tsflow-graph"/);
  assert.is(data["text/plain"], "[class TeamCollabFlow: start -> end; end -> (end)]");
});
flows("should refuse %run of something that is not a flow class", async () => {
  const r = await run("%run NotAFlow");
  assert.is(r.reply.ename, "UsageError");
  assert.match(r.reply.evalue, /no flow class named 'NotAFlow'/);
});
flows.run();

const ns = suite("namespace magics");
ns("should show, switch and restore the namespace, and list namespaces, flows and runs", async () => {
  assert.match(text(await ok("%namespace")), /Current namespace: user:alice/);
  const listing = await ok("%runs TeamCollabFlow --tag exp1");
  const html = of(listing, "display_data")[0].data["text/html"];
  assert.match(html, /Runs of TeamCollabFlow in namespace user:alice with tags exp1/);
  assert.match(html, new RegExp(runId));
  assert.match(text(await ok("%namespaces")), /→\s+user:alice\s+2/);
  assert.match(text(await ok("%flows")), /TeamCollabFlow/);
  assert.match(text(await ok("%namespace user:bob")), /switched to user:bob/);
  const miss = await ok("%runs TeamCollabFlow");
  assert.match(text(miss), /No runs of TeamCollabFlow in namespace user:bob\.\nFound 2 runs of TeamCollabFlow in other namespaces: user:alice \(2 runs\)/);
  assert.match(text(miss), /Use %namespace user:alice to switch there/);
});
ns("should add the elsewhere hint to a lookup error in cell code", async () => {
  const r = await run("await Flow('TeamCollabFlow')");
  assert.is(r.reply.status, "error");
  assert.match(r.reply.traceback.join("\n"), /Found 2 runs of TeamCollabFlow in other namespaces: user:alice/);
  assert.not.match(r.reply.traceback.join("\n"), / {4}at /);
});
ns("should scope %%with_namespace to one cell", async () => {
  const r = await ok("%%with_namespace user:alice\n(await Flow('TeamCollabFlow').latestRun)?.namespace");
  assert.is(of(r, "execute_result")[0].data["text/plain"], "'user:alice'");
  assert.match(text(await ok("%namespace")), /Current namespace: user:bob/);
  assert.match(text(await ok("%namespace --global")), /global \(all namespaces\)/);
  assert.match(text(await ok("%namespace --default")), /switched to user:alice/);
});
ns.run();

const more = suite("tag, show and sql");
more("should edit tags with %tag and show objects with %show", async () => {
  assert.match(text(await ok(`%tag add TeamCollabFlow/${runId} reviewed`)), /user tags: exp1, reviewed/);
  assert.match(text(await ok(`%tag replace TeamCollabFlow/${runId} reviewed approved`)), /user tags: approved, exp1/);
  assert.match(text(await ok(`%tag remove TeamCollabFlow/${runId} approved`)), /user tags: exp1$/m);
  const shown = await ok(`%show TeamCollabFlow/${runId}/end`);
  assert.match(of(shown, "execute_result")[0].data["text/html"], /Step\(&#39;TeamCollabFlow\//);
  const artifact = await ok(`%show TeamCollabFlow/${runId}/end/2/choice`);
  assert.is(of(artifact, "execute_result")[0].data["text/plain"], "4");
  assert.is((await run("%tag add TeamCollabFlow")).reply.ename, "UsageError");
});
more("should query with %%sql, bind -o, and refuse writes", async () => {
  const r = await ok("%%sql -o res\nSELECT flow, count(*) AS n FROM runs GROUP BY flow");
  assert.match(of(r, "execute_result")[0].data["text/html"], /<th style="text-align:left">n<\/th>/);
  assert.is(of(await ok("res.rows[0]?.[1]"), "execute_result")[0].data["text/plain"], "2");
  const refused = await run("%%sql\nDELETE FROM runs");
  assert.is(refused.reply.status, "error");
  assert.match(refused.reply.traceback[0], /^SQL refused: /);
});
more.run();

const comp = suite("tsflow completion");
comp("should complete namespaces, flows, run ids and tags in magics and lookups", async () => {
  assert.ok((await complete("%namespace us")).matches.includes("user:alice"));
  assert.equal((await complete("%runs Team")).matches, ["TeamCollabFlow"]);
  assert.ok((await complete("%runs TeamCollabFlow --tag ex")).matches.includes("exp1"));
  assert.ok((await complete("%run Te")).matches.includes("TeamCollabFlow"));
  assert.equal((await complete(`Flow("Te`)).matches, ["TeamCollabFlow"]);
  const runs = await complete(`Run("TeamCollabFlow/`);
  assert.ok(runs.matches.includes(`TeamCollabFlow/${runId}`), JSON.stringify(runs));
  assert.is(runs.cursor_start, 5);
  assert.ok((await complete(`%show TeamCollabFlow/${runId}/`)).matches.includes(`TeamCollabFlow/${runId}/end`));
  const inspected = (await s.send({ op: "request", type: "inspect", args: { code: "Flow", cursor_pos: 2 } }))["reply"];
  assert.match(inspected.data["text/plain"], /const Flow: FlowFunction[\s\S]*Reads a flow in the current namespace/);
  assert.equal((await complete(`Run("TeamCollabFlow/`)).matches, runs.matches, "a repeated completion gives the same answer");
});
comp("should complete %run's flow classes, then their parameters, tags and boolean values", async () => {
  await ok(`import { Parameter } from "tsflow";
class ParamFlow extends FlowSpec {
  alpha = Parameter("alpha", { default: 0.5 });
  fast = Parameter("fast", { type: "boolean", default: false });
  @step start() { this.next(this.end); }
  @step end() {}
}`);
  assert.equal((await complete("%run ")).matches, ["ParamFlow", "TeamCollabFlow"]);
  assert.equal((await complete("%run ParamFlow --")).matches, ["--alpha", "--executor", "--fast", "--tag"]);
  const partial = await complete("%run ParamFlow --al");
  assert.equal([partial.matches, partial.cursor_start, partial.cursor_end], [["--alpha"], 15, 19]);
  assert.equal((await complete("%run ParamFlow --alpha 0.7 --")).matches, ["--executor", "--fast", "--tag"]);
  assert.equal((await complete("%run ParamFlow --fast ")).matches, ["false", "true"]);
  assert.equal((await complete("%run ParamFlow --tag ex")).matches, ["exp1", "exp2"]);
  assert.equal((await complete("%run TeamCollabFlow --")).matches, ["--executor", "--tag"]);
});
comp("should complete SQL below a %%sql line: views after FROM, a view's columns, keywords", async () => {
  const views = await complete("%%sql\nSELECT * FROM t");
  assert.equal([views.matches, views.cursor_start, views.cursor_end], [["tasks", "tags"], 20, 21]);
  const code = "%%sql -o res\nSELECT r.st FROM runs r";
  const columns = (await s.send({ op: "request", type: "complete", args: { code, cursor_pos: code.indexOf("r.st") + 4 } }))["reply"];
  assert.equal([columns.matches, columns.cursor_start], [["status"], code.indexOf("r.st") + 2]);
  assert.equal((await complete("%%sql\nSELECT flow, count(*) FROM runs GR")).matches, ["GROUP BY"]);
  assert.equal((await complete("%%sql --na")).matches, ["--namespace"]);
});
comp.run();

const arrow = suite("Arrow artifacts");
arrow("should preview a 2-million-row Arrow artifact from its first batch, as a cell result and with %show", async () => {
  await ok(`import { tableFromArrays } from "apache-arrow";
import { DataArtifact } from "tsflow";
class TableFlow extends FlowSpec {
  features?: unknown;
  @step start() {
    const i = new Int32Array(2_000_000).map((_, k) => k);
    this.features = tableFromArrays({ i, half: Float64Array.from(i, (k) => k / 2) });
    this.next(this.end);
  }
  @step end() {}
}`);
  const id = /Run\('TableFlow\/(\d+)'\)/.exec(of(await ok("%run TableFlow"), "execute_result")[0].data["text/plain"])?.[1];
  const pathspec = `TableFlow/${id}/end/2/features`;
  const cell = of(await ok(`await DataArtifact("${pathspec}")`), "execute_result")[0].data;
  assert.match(cell["text/html"], /<td style="text-align:left">format<\/td><td style="text-align:left">arrow<\/td>/);
  assert.match(cell["text/plain"], /Arrow table · 2000000 rows × 2 columns\ni: Int32\s+half: Float64\n-+\s+-+\n0\s+0\n1\s+0\.5\n/);
  assert.match(cell["text/plain"], /first 10 of 2000000 rows · read 1 of \d+ record batches$/);
  const shown = await ok(`%show ${pathspec}`);
  assert.match(of(shown, "display_data")[0].data["text/plain"], /DataArtifact\('TableFlow\//);
  assert.match(
    of(shown, "execute_result")[0].data["text/plain"],
    /^Arrow table · 2000000 rows × 2 columns[\s\S]*9\s+4\.5\nfirst 10 of 2000000 rows · read 1 of \d+ record batches$/,
  );
});
arrow.run();

const stop = suite("interrupting a flow");
stop("should run a flow split across cells (steps in one, the class in a later one)", async () => {
  await ok("abstract class SplitSteps extends FlowSpec {\n  x?: number;\n  abstract end(): void;\n  @step start() { this.x = 1; this.next(this.end); }\n}");
  await ok("class SplitFlow extends SplitSteps {\n  @step end() { console.log('x is', this.x); }\n}");
  const r = await ok("%run SplitFlow");
  assert.ok(
    of(r, "stream").some((c) => c.text.includes("[end/2] x is 1")),
    text(r),
  );
});
stop("should keep Metaflow's foreach and join semantics for a cell-compiled flow (legacy decorators)", async () => {
  await ok(`import { type Inputs } from "tsflow";
class CellJoinFlow extends FlowSpec {
  items: string[] = [];
  tagged?: string;
  total = 0;
  @step start() { this.items = ["p", "q"]; this.total = 5; this.next(this.first, { foreach: "items" }); }
  @step first() { this.next(this.second); }
  @step second() { this.tagged = this.input + this.index; this.next(this.join); }
  @step join(inputs: Inputs<CellJoinFlow>) { this.items = inputs.map((i) => i.tagged!); this.next(this.end); }
  @step end() { console.log("joined", this.items.join(","), "total" in this); console.log(this.total); }
}`);
  const r = await run("%run CellJoinFlow");
  assert.ok(
    of(r, "stream").some((c) => c.text.includes("joined p0,q1 false")),
    text(r),
  );
  assert.match(text(r), /MissingArtifactError: Step \*end\* reads this\.total, but no input of this step carries the artifact 'total'/);
});
stop("should stop a %run flow on interrupt, mark the run failed (status failed) and keep the kernel", async () => {
  await ok(`class SlowFlow extends FlowSpec {
  @step async start() { console.log("sleeping"); await new Promise((r) => setTimeout(r, 30_000)); this.next(this.end); }
  @step end() {}
}`);
  const r = await s.send({ op: "interrupt_during", code: "%run SlowFlow", wait_for: "sleeping" });
  assert.is(r["reply"].ename, "KeyboardInterrupt", JSON.stringify(r));
  const cell = await s.send({ op: "interrupt_during", code: "await runFlow(SlowFlow)", wait_for: "sleeping" });
  assert.is(cell["reply"].ename, "KeyboardInterrupt");
  assert.ok(
    cell["iopub"].some((m: any) => m.msg_type === "display_data" && /SlowFlow/.test(m.content.data["text/plain"])),
    "runFlow in a cell shows progress",
  );
  // The interrupted runs record their failure as they unwind: wait for that, not for a fixed time.
  const runs = await ok(`import { listRuns } from 'tsflow';
let slow = await listRuns('SlowFlow');
for (let i = 0; i < 200 && !(slow.length === 2 && slow.every((r) => r.toJSON().status === 'failed')); i++) {
  await new Promise((r) => setTimeout(r, 50));
  slow = await listRuns('SlowFlow');
}
slow.map((r) => [r.successful, r.finished, r.toJSON().status])`);
  assert.match(of(runs, "execute_result")[0].data["text/plain"], /\[ false, \w+, 'failed' \], \[ false, \w+, 'failed' \]/, JSON.stringify(runs.iopub));
  assert.is((await ok("1 + 1")).reply.status, "ok");
});
stop.after(async () => {
  await s.close();
});
stop.run();
