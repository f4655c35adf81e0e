// %diff through the real kernel and jupyter_client: two runs made with %run in the notebook, compared
// as one HTML table with the changes highlighted, -o binding the typed RunDiff, and usage errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../../_helpers/jupyter-client.js";
import { cellHelpers } from "../../../_helpers/kernel-cells.js";

let s: KernelSession;
const { run, ok, of } = cellHelpers(() => s);
const runIdOf = (r: ExecuteAnswer) => /Run\('DiffFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";
let a = "";
let b = "";

const diff = suite("%diff");
diff.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice" } });
  await ok(`import { FlowSpec, step, Parameter } from "tsflow";
import { tableFromArrays } from "apache-arrow";
class DiffFlow extends FlowSpec {
  rows = Parameter("rows", { default: 3000 });
  alpha = Parameter("alpha", { default: 0.5 });
  changeRow = Parameter("change-row", { default: -1 });
  config: Record<string, unknown> = {};
  table: unknown = null;
  @step start() { this.config = { alpha: this.alpha, layers: [16, 8] }; this.next(this.end); }
  @step end() {
    const id = Int32Array.from({ length: this.rows }, (_, i) => i);
    const score = Float64Array.from({ length: this.rows }, (_, i) => (i === this.changeRow ? -1 : i / 2));
    this.table = tableFromArrays({ id, score });
  }
}`);
  a = runIdOf(await ok("%run DiffFlow --tag baseline"));
  b = runIdOf(await ok("%run DiffFlow --alpha 0.9 --change-row 7 --tag candidate"));
  assert.ok(a && b && a !== b, `${a} ${b}`);
});
diff.after(async () => {
  await s.close();
});
diff("should show one table of parameters, tags, graph and artifacts with the changes highlighted", async () => {
  const r = await ok(`%diff DiffFlow/${a} DiffFlow/${b}`);
  const [display] = of(r, "display_data");
  const html: string = display.data["text/html"];
  assert.is((html.match(/<table/g) ?? []).length, 1, "one table");
  assert.match(html, new RegExp(`DiffFlow/${a} → DiffFlow/${b}`));
  assert.match(html, /<tr class="tsflow-diff-changed" style="background:#fff8c5"><td [^>]*>parameter<\/td><td [^>]*><code>alpha<\/code>/);
  assert.match(html, /<tr class="tsflow-diff-added"[^>]*><td [^>]*>user tag<\/td><td [^>]*><code>candidate<\/code>/);
  assert.match(html, /<tr class="tsflow-diff-removed"[^>]*><td [^>]*>user tag<\/td><td [^>]*><code>baseline<\/code>/);
  assert.match(html, /<tr class="tsflow-diff-same"[^>]*><td [^>]*>step<\/td><td [^>]*><code>end<\/code>/);
  assert.match(html, /\$\.alpha: 0\.5 → 0\.9/, "the structural diff of config");
  assert.match(html, /rows 3000 → 3000; 1 of the first 3000 differ/);
  assert.match(html, /row 7: score <del>3\.5<\/del> → <mark>-1<\/mark>/);
  const plain: string = display.data["text/plain"];
  assert.match(plain, /artifact\s+table\s+CHANGED/);
  assert.match(plain, /row 7: score 3\.5 → -1/);
});
diff("should bind the RunDiff with -o and compare another step with --step (its table is still the null default)", async () => {
  await ok(`%diff DiffFlow/${a} DiffFlow/${b} --step start -o d`);
  const r = await ok(
    "[d.step, d.artifacts.find((x) => x.name === 'table')?.status ?? 'absent', d.artifacts.find((x) => x.name === 'config')?.status, d.counts.changed > 0]",
  );
  assert.is(of(r, "execute_result")[0].data["text/plain"], "[ 'start', 'same', 'changed', true ]");
});
diff("should take runs from variables of earlier cells with $name", async () => {
  await ok(`import { Run } from "tsflow";\nconst first = await Run("DiffFlow/${a}");\nconst second = "DiffFlow/${b}";`);
  const r = await ok("%diff $first $second");
  assert.match(of(r, "display_data")[0].data["text/html"], new RegExp(`DiffFlow/${a} → DiffFlow/${b}`));
});
diff("should render a RunDiff from diffRuns() in a cell as the same table", async () => {
  const r = await ok(`import { diffRuns } from "tsflow";\nawait diffRuns("DiffFlow/${a}", "DiffFlow/${b}")`);
  const data = of(r, "execute_result")[0].data;
  assert.match(data["text/html"], /<table class="tsflow-table tsflow-diff">/);
  assert.match(data["text/html"], /row 7: score <del>3\.5<\/del> → <mark>-1<\/mark>/);
});
diff("should say same for a run compared with itself", async () => {
  const r = await ok(`%diff DiffFlow/${a} DiffFlow/${a}`);
  const html: string = of(r, "display_data")[0].data["text/html"];
  assert.not.match(html, /tsflow-diff-(changed|added|removed)/);
  assert.match(html, /0 changed, 0 added, 0 removed/);
});
diff("should refuse a bad pathspec, a missing run and a step in neither run, without a stack trace", async () => {
  const bad = await run(`%diff DiffFlow DiffFlow/${b}`);
  assert.is(bad.reply.ename, "UsageError");
  assert.match(bad.reply.evalue, /'DiffFlow' is not a run pathspec: write Flow\/RunId, or \$variable/);
  const unknown = await run(`%diff $nope DiffFlow/${b}`);
  assert.match(unknown.reply.evalue, /no variable named 'nope' is defined/);
  const missing = await run(`%diff DiffFlow/${a} DiffFlow/1`);
  assert.is(missing.reply.status, "error");
  assert.match(missing.reply.traceback.join("\n"), /Run\('DiffFlow\/1'\) does not exist/);
  const step = await run(`%diff DiffFlow/${a} DiffFlow/${b} --step nope`);
  assert.match(step.reply.traceback.join("\n"), /Step 'nope' is in neither/);
  assert.not.match(step.reply.traceback.join("\n"), / {4}at /);
});
diff.run();
