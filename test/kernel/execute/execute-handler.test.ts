// Execution semantics through the real kernel and jupyter_client: outputs, counts, errors, aborts, interrupts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../_helpers/jupyter-client.js";

type Msg = { msg_type: string; content: any };
let s: KernelSession;
const execute = async (code: string, extra: Record<string, unknown> = {}) => (await s.send({ op: "execute", code, ...extra })) as ExecuteAnswer;
const find = (iopub: Msg[], type: string) => iopub.find((m) => m.msg_type === type)?.content;

const out = suite("execute outputs");
out.before(async () => {
  s = await openKernelSession();
});
out("should send execute_input and execute_result with real, increasing execution counts", async () => {
  const a = await execute("1 + 1");
  const b = await execute("const obj = { a: 1, nested: { list: [1, 2, 3] } }; obj");
  assert.is(a.reply.status, "ok");
  assert.is(find(a.iopub, "execute_input").execution_count, a.reply.execution_count);
  assert.is(find(a.iopub, "execute_result").data["text/plain"], "2");
  assert.is(b.reply.execution_count, a.reply.execution_count + 1);
  assert.is(find(b.iopub, "execute_result").data["text/plain"], "{ a: 1, nested: { list: [ 1, 2, 3 ] } }");
  assert.is(find(b.iopub, "stream"), undefined);
});
out("should honour Symbol.for('Jupyter.display'), also async, keeping a text/plain fallback", async () => {
  const r = await execute(`({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>hi</b>" }; } })`);
  const data = find(r.iopub, "execute_result").data;
  assert.is(data["text/html"], "<b>hi</b>");
  assert.type(data["text/plain"], "string");
  const asyncOne = await execute(`({ async [Symbol.for("Jupyter.display")]() { return { "text/markdown": "**md**", "text/plain": "md" }; } })`);
  assert.equal(find(asyncOne.iopub, "execute_result").data, { "text/markdown": "**md**", "text/plain": "md" });
});
out("should stream console output and keep tslab's display API working", async () => {
  const r = await execute(`import * as tslab from "tslab";\nconsole.log("to stdout"); console.error("to stderr");\ntslab.display.html("<i>x</i>")`);
  const streams = r.iopub.filter((m) => m.msg_type === "stream").map((m) => [m.content.name, m.content.text]);
  assert.equal(streams, [
    ["stdout", "to stdout\n"],
    ["stderr", "to stderr\n"],
  ]);
  assert.is(find(r.iopub, "display_data").data["text/html"], "<i>x</i>");
});
out("should not publish input, result or a new count for a silent execution", async () => {
  const before = (await execute("1")).reply.execution_count;
  const silent = await execute("2", { silent: true });
  assert.is(find(silent.iopub, "execute_input"), undefined);
  assert.is(find(silent.iopub, "execute_result"), undefined);
  assert.is((await execute("3")).reply.execution_count, before + 1);
});
out.run();

const errors = suite("execute errors");
errors("should send an error with ename, evalue and a traceback without internal frames; the next cell runs", async () => {
  const r = await execute("function inner() { throw new RangeError('kaboom') }\ninner()");
  assert.is(r.reply.status, "error");
  const e = find(r.iopub, "error");
  assert.is(e.ename, "RangeError");
  assert.is(e.evalue, "kaboom");
  assert.is(e.traceback[0], "RangeError: kaboom");
  assert.ok(
    e.traceback.some((l: string) => /^ {4}at inner \(Cell In\[\d+\], line 1\)$/.test(l)),
    e.traceback.join("\n"),
  );
  assert.not.ok(
    e.traceback.some((l: string) => /node:internal|tslab|[\\/]kernel[\\/]/.test(l)),
    e.traceback.join("\n"),
  );
  assert.is((await execute("'still alive'")).reply.status, "ok");
});
errors("should place a frame at its cell and line, also when the cell's types were compiled away", async () => {
  const first = await execute("interface Point {\n  x: number;\n}\nfunction norm(p: Point): number {\n  throw new Error('no norm for ' + p.x);\n}");
  const second = await execute("type N = number;\nconst x: N = 2;\nnorm({ x });");
  const e = find(second.iopub, "error");
  const [a, b] = [first.reply.execution_count, second.reply.execution_count];
  assert.equal(e.traceback.slice(0, 3), ["Error: no norm for 2", `    at norm (Cell In[${a}], line 5)`, `    at Cell In[${b}], line 3`]);
});
errors("should place cell frames in any stack the kernel process formats, e.g. one a cell prints", async () => {
  const r = await execute("type Unused = string;\nfunction where(): string | undefined {\n  return new Error('here').stack;\n}\nconsole.log(where());");
  const printed = r.iopub
    .filter((m) => m.msg_type === "stream")
    .map((m) => m.content.text)
    .join("");
  assert.match(printed, new RegExp(`^Error: here\\n    at where \\(Cell In\\[${r.reply.execution_count}\\], line 3\\)\\n`), printed);
  assert.not.match(printed, /tsflow-cell-|__tslab__/, printed);
});
errors("should print a tsflow-style error as 'headline: message' with no stack", async () => {
  const r = await execute(
    `throw Object.assign(new Error("Run 'F/1' is not in namespace user:bob"), { name: "NamespaceMismatchError", code: "NAMESPACE_MISMATCH", headline: "Object not in the current namespace" })`,
  );
  assert.equal(find(r.iopub, "error").traceback, ["Object not in the current namespace: Run 'F/1' is not in namespace user:bob"]);
});
errors("should report type errors at the right line even below magic lines", async () => {
  const r = await execute("%lsmagic\n\nlet y: string = 1");
  const e = find(r.iopub, "error");
  assert.is(e.ename, "TSError");
  assert.match(e.evalue, /^3:5 - Type 'number' is not assignable to type 'string'/);
});
errors("should answer an unknown magic, bad arguments and a misplaced magic with a UsageError", async () => {
  const unknown = find((await execute("%nosuchmagic")).iopub, "error");
  assert.is(unknown.ename, "UsageError");
  assert.equal(unknown.traceback, ["UsageError: Line magic function %nosuchmagic not found. Use %lsmagic to list magics."]);
  const bad = find((await execute("%help")).iopub, "error");
  assert.equal(bad.traceback, ["UsageError: missing argument", "Usage: %help <magic>"]);
  const late = find((await execute("const z = 1\n%lsmagic")).iopub, "error");
  assert.match(late.evalue, /line 2 looks like a magic, but magics must come first/);
});
errors("should survive an unhandled rejection from cell code", async () => {
  await execute("Promise.reject(new Error('nobody waits')); 1");
  await execute("await new Promise((r) => setTimeout(r, 50))");
  assert.is((await s.send({ op: "is_alive" }))["alive"], true);
});
errors.run();

const abort = suite("stop_on_error");
abort("should abort the requests queued behind a failing cell, like ipykernel", async () => {
  const r = await s.send({ op: "execute_many", codes: ["await new Promise((r) => setTimeout(r, 200)); throw new Error('first')", "1", "2"] });
  assert.equal(
    r["results"].map((x: any) => x.reply.status),
    ["error", "aborted", "aborted"],
  );
  assert.is((await execute("'runs after the abort'")).reply.status, "ok");
});
abort("should run the queued requests when stop_on_error is false (nbclient --allow-errors)", async () => {
  const r = await s.send({ op: "execute_many", stop_on_error: false, codes: ["throw new Error('first')", "40 + 2"] });
  assert.equal(
    r["results"].map((x: any) => x.reply.status),
    ["error", "ok"],
  );
  assert.is(find(r["results"][1].iopub, "execute_result").data["text/plain"], "42");
});
abort.run();

const interrupt = suite("interrupt");
interrupt("should interrupt a cell waiting on a promise that never settles", async () => {
  const r = await s.send({ op: "interrupt_during", code: "await new Promise(() => {})", delay: 0.5 });
  assert.is(r["reply"].status, "error");
  assert.is(r["reply"].ename, "KeyboardInterrupt");
  assert.is(find(r["iopub"], "error")?.ename, "KeyboardInterrupt", "the interrupt, not a timeout, ended the cell");
  assert.is((await execute("'after await interrupt'")).reply.status, "ok");
});
interrupt("should interrupt a busy loop", async () => {
  const r = await s.send({ op: "interrupt_during", code: "console.log('spinning'); while (true) {}", delay: 0.5 });
  assert.is(r["reply"].status, "error");
  assert.is(r["reply"].ename, "KeyboardInterrupt");
  assert.is(find(r["iopub"], "stream")?.text, "spinning\n");
  const next = await execute("'after loop interrupt'");
  assert.is(find(next.iopub, "execute_result").data["text/plain"], "'after loop interrupt'");
});
interrupt.after(async () => {
  await s.close();
});
interrupt.run();
