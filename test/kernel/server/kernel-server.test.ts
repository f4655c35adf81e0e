// Protocol tests: the real kernel driven by Debian's jupyter_client through an installed kernelspec.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type ExecuteAnswer, type KernelSession } from "../../_helpers/jupyter-client.js";

let s: KernelSession;
const execute = async (code: string) => (await s.send({ op: "execute", code })) as ExecuteAnswer;
const request = async (type: string, args: Record<string, unknown> = {}) => await s.send({ op: "request", type, args });

const info = suite("kernel_info");
info.before(async () => {
  s = await openKernelSession();
});
info("should name the kernel and report the real TypeScript version", () => {
  const k = s.started["kernel_info"];
  assert.is(k.implementation, "tsflow");
  assert.is(k.language_info.name, "typescript");
  assert.match(k.language_info.version, /^5\.\d+\.\d+$/);
  assert.is.not(k.language_info.version, "3.7.2");
  assert.is(k.protocol_version, "5.3");
});
info.run();

const wire = suite("KernelServer wire handling");
wire("should drop a message with a bad signature and keep serving", async () => {
  const r = await s.send({ op: "raw", mode: "bad_signature", code: "globalThis.__bad = 1" });
  assert.equal(r["shell_replies"], []);
  const after = await execute("typeof (globalThis as any).__bad");
  assert.is(after.reply.status, "ok");
  assert.is(after.iopub.find((m) => m.msg_type === "execute_result")?.content.data["text/plain"], "'undefined'");
});
wire("should drop malformed JSON and a message without delimiter", async () => {
  assert.equal((await s.send({ op: "raw", mode: "bad_json" }))["shell_replies"], []);
  assert.equal((await s.send({ op: "raw", mode: "no_delimiter" }))["shell_replies"], []);
  assert.is((await s.send({ op: "is_alive" }))["alive"], true);
  assert.is((await execute("1 + 1")).reply.status, "ok");
});
wire.run();

const small = suite("small requests");
small("should answer comm_info with comm_info_reply", async () => {
  const r = await request("comm_info", { target_name: "jupyter.widget" });
  assert.is(r["msg_type"], "comm_info_reply");
  assert.equal(r["reply"], { status: "ok", comms: {} });
});
small("should answer history with the executed cells", async () => {
  await execute("const histMarker = 'h1'");
  const tail = await request("history", { hist_access_type: "tail", n: 2, output: false, raw: true });
  assert.is(tail["msg_type"], "history_reply");
  const inputs = tail["reply"].history.map((h: unknown[]) => h[2]);
  assert.ok(inputs.includes("const histMarker = 'h1'"), JSON.stringify(inputs));
  const search = await request("history", { hist_access_type: "search", pattern: "*histMarker*", output: true, raw: true });
  assert.is(search["reply"].history.length, 1);
});
small("should complete, inspect and check completeness", async () => {
  await execute("function add2(x: number): number { return x + 2 }");
  const c = await request("complete", { code: "Math.fl", cursor_pos: 7 });
  assert.ok(c["reply"].matches.includes("floor"));
  assert.is(c["reply"].cursor_start, 5);
  const m = await request("complete", { code: "%lsm", cursor_pos: 4 });
  assert.equal(m["reply"].matches, ["%lsmagic"]);
  const shifted = await request("complete", { code: "%lsmagic\nMath.fl", cursor_pos: 16 });
  assert.ok(shifted["reply"].matches.includes("floor"));
  const i = await request("inspect", { code: "add2(1)", cursor_pos: 2 });
  assert.is(i["reply"].found, true);
  assert.match(i["reply"].data["text/plain"], /function add2\(x: number\): number/);
  const h = await request("inspect", { code: "%help", cursor_pos: 2 });
  assert.match(h["reply"].data["text/plain"], /Usage: %help <magic>/);
  assert.is((await request("is_complete", { code: "function f() {" }))["reply"].status, "incomplete");
  assert.is((await request("is_complete", { code: "f()" }))["reply"].status, "complete");
  assert.is((await request("is_complete", { code: "%%sql\nSELECT (" }))["reply"].status, "complete");
});
small.run();

const life = suite("shutdown and restart");
life("should echo restart in shutdown_reply and come back after a restart", async () => {
  await execute("const beforeRestart = 1");
  const restarted = await s.send({ op: "restart" });
  assert.is(restarted["alive"], true);
  const r = await execute("typeof beforeRestart");
  assert.is(r.reply.status, "error");
  assert.is(r.reply.ename, "TSError");
  const down = await s.send({ op: "shutdown_request", restart: true });
  assert.is(down["msg_type"], "shutdown_reply");
  assert.equal(down["reply"], { status: "ok", restart: true });
  assert.is(down["alive"], false);
});
life.after(async () => {
  await s.close();
});
life.run();
