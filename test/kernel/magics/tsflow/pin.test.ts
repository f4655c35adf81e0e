// %pin and %unpin through the real kernel and jupyter_client: the notebook's pin file (named from
// JPY_SESSION_NAME), the "pinned to run X; N newer runs exist" display, listing, unpinning and a bad pin file.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../../_helpers/jupyter-client.js";
import { cellsOf } from "../../../_helpers/kernel-cells.js";

let s: KernelSession;
const { run, ok, of, text, html } = cellsOf(() => s);
const runIdOf = (r: ExecuteAnswer) => /Run\('TeamCollabFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";

const pin = suite("%pin");
pin.before(async () => {
  s = await openKernelSession({ env: { TSFLOW_USER: "alice", JPY_SESSION_NAME: "projects/analysis.ipynb" } });
  await ok(`import { FlowSpec, step, Flow, pinStatus } from "tsflow";
class TeamCollabFlow extends FlowSpec {
  choice?: number;
  @step start() { this.next(this.end); }
  @step end() { this.choice = Math.floor(Math.random() * 1000); }
}`);
});
pin.after(async () => {
  await s.close();
});
let first = "";
pin("should pin the latest successful run in the notebook's pin file and follow it while newer runs arrive", async () => {
  first = runIdOf(await ok("%run TeamCollabFlow"));
  const pinned = await ok("%pin TeamCollabFlow");
  const file = join(s.cwd, "analysis.ipynb.tsflow-pins.json");
  assert.ok(text(pinned).includes(`Pinned TeamCollabFlow to run TeamCollabFlow/${first} in namespace user:alice (${file}).\n`), text(pinned));
  const saved = JSON.parse(await readFile(file, "utf8"));
  assert.equal(
    saved.pins.map((p: { flow: string; runId: string; namespace: string }) => [p.flow, p.runId, p.namespace]),
    [["TeamCollabFlow", first, "user:alice"]],
  );
  await ok("%run TeamCollabFlow");
  await ok("%run TeamCollabFlow");
  const shown = await ok(`await Flow("TeamCollabFlow").latestSuccessfulRun`);
  assert.match(
    html(shown),
    new RegExp(`Run\\(&#39;TeamCollabFlow/${first}&#39;\\) · read in namespace user:alice · pinned to run ${first}; 2 newer runs exist`),
  );
  assert.match(text(shown), new RegExp(`pinned to run ${first}; 2 newer runs exist`));
  assert.is(of(await ok(`pinStatus((await Flow("TeamCollabFlow").latestSuccessfulRun)!)?.newerRuns`), "execute_result")[0].data["text/plain"], "2");
});
pin("should list the pins with %pin alone", async () => {
  const listed = await ok("%pin");
  assert.match(html(listed), /1 pin in .*analysis\.ipynb\.tsflow-pins\.json/);
  assert.match(text(listed), new RegExp(`TeamCollabFlow\\s+user:alice\\s+TeamCollabFlow/${first}`));
});
pin("should leave other namespaces unpinned", async () => {
  await ok("%namespace --global");
  const global = await ok(`(await Flow("TeamCollabFlow").latestSuccessfulRun)!.id === "${first}"`);
  assert.is(of(global, "execute_result")[0].data["text/plain"], "false");
  await ok("%namespace --default");
});
pin("should refuse a bad pin file with a typed error and no stack trace", async () => {
  const file = join(s.cwd, "analysis.ipynb.tsflow-pins.json");
  const good = await readFile(file, "utf8");
  await writeFile(file, "{ oops");
  const r = await run(`await Flow("TeamCollabFlow").latestSuccessfulRun`);
  assert.is(r.reply.ename, "PinFileError");
  assert.match(r.reply.traceback.join("\n"), /^Bad pin file: .*analysis\.ipynb\.tsflow-pins\.json: is not JSON/);
  assert.not.match(r.reply.traceback.join("\n"), / {4}at /);
  await writeFile(file, good);
});
pin("should unpin with %unpin, and say so when a flow is not pinned", async () => {
  const removed = await ok("%unpin TeamCollabFlow");
  assert.match(text(removed), new RegExp(`Unpinned TeamCollabFlow in namespace user:alice \\(it was pinned to run TeamCollabFlow/${first}\\)`));
  const latest = await ok(`await Flow("TeamCollabFlow").latestSuccessfulRun`);
  assert.not.match(html(latest), /pinned to run/);
  const again = await run("%unpin TeamCollabFlow");
  assert.is(again.reply.ename, "PinError");
  assert.match(again.reply.traceback.join("\n"), /TeamCollabFlow is not pinned in namespace user:alice/);
  assert.is((await run("%pin A B")).reply.ename, "UsageError");
  const nothing = await run("%pin NoSuchFlow");
  assert.is(nothing.reply.ename, "NotFoundError");
});
pin("should complete flow names after %pin and pinned flows after %unpin", async () => {
  const complete = async (code: string) => (await s.send({ op: "request", type: "complete", args: { code, cursor_pos: code.length } }))["reply"];
  assert.equal((await complete("%pin Team")).matches, ["TeamCollabFlow"]);
  await ok("%pin TeamCollabFlow");
  assert.equal((await complete("%unpin Te")).matches, ["TeamCollabFlow"]);
});
pin.run();
