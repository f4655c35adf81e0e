// %%sql over artifact contents through the real kernel and jupyter_client: artifact('Flow', 'name')
// across the runs of the namespace, artifact_values, -o binding, and refusals.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type KernelSession } from "../../../_helpers/jupyter-client.js";
import { cellHelpers } from "../../../_helpers/kernel-cells.js";

let s: KernelSession;
const { run, ok, of } = cellHelpers(() => s);

const sql = suite("%%sql over artifacts");
sql.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice" } });
  await ok(`import { FlowSpec, step, Parameter } from "tsflow";
import { tableFromArrays } from "apache-arrow";
class MetricsFlow extends FlowSpec {
  lr = Parameter("lr", { default: 0.1 });
  metrics: unknown = null;
  @step start() { this.next(this.end); }
  @step end() { this.metrics = tableFromArrays({ epoch: Int32Array.of(1, 2, 3), loss: Float64Array.of(1, 0.5, this.lr) }); }
}`);
  for (const lr of [0.1, 0.2, 0.3]) await ok(`%run MetricsFlow --lr ${lr}`);
});
sql.after(async () => {
  await s.close();
});
sql("should query an Arrow artifact's rows across runs with artifact(), joined with runs, and bind -o", async () => {
  const r = await ok(`%%sql -o best
SELECT a.epoch, min(a.loss) AS loss, count(DISTINCT a.run_id) AS runs
FROM artifact('MetricsFlow', 'metrics') a JOIN runs r USING (run_id)
WHERE r.successful GROUP BY a.epoch ORDER BY a.epoch`);
  const html: string = of(r, "execute_result")[0].data["text/html"];
  assert.match(html, /<th[^>]*>epoch<\/th><th[^>]*>loss<\/th><th[^>]*>runs<\/th>/);
  const check = await ok("JSON.stringify(best.rows)");
  assert.is(of(check, "execute_result")[0].data["text/plain"], `'[[1,1,3],[2,0.5,3],[3,0.1,3]]'`);
});
sql("should query JSON values through artifact_values, in the current namespace only", async () => {
  const r = await ok(`%%sql -o lrs
SELECT value::DOUBLE AS lr FROM artifact_values WHERE flow = 'MetricsFlow' AND name = 'lr' AND step = 'end' ORDER BY lr`);
  assert.ok(of(r, "execute_result").length === 1);
  assert.is(of(await ok("JSON.stringify(lrs.rows)"), "execute_result")[0].data["text/plain"], `'[[0.1],[0.2],[0.3]]'`);
  await ok("%namespace user:bob");
  const bob = await run("%%sql\nSELECT count(*) FROM artifact('MetricsFlow', 'metrics')");
  assert.is(bob.reply.status, "error");
  assert.match(bob.reply.evalue, /No run of MetricsFlow in namespace user:bob has artifacts/);
  await ok("%namespace user:alice");
});
sql("should refuse artifact() with anything but two string literals, and file readers, without a stack trace", async () => {
  const bad = await run("%%sql\nSELECT * FROM artifact('MetricsFlow', lower('METRICS'))");
  assert.is(bad.reply.ename, "SqlRefusedError");
  assert.match(bad.reply.evalue, /artifact\(\) takes two string literals/);
  const file = await run("%%sql\nSELECT * FROM artifact('MetricsFlow', 'metrics') JOIN read_csv('/etc/passwd') ON true");
  assert.match(file.reply.evalue, /read_csv\(\) is refused/);
  assert.not.match(file.reply.traceback.join("\n"), / {4}at /);
});
sql.run();
