import { test } from "uvu";
import * as assert from "uvu/assert";
import { LateEngine } from "../../../kernel/engine/late-engine.js";
import type { CellSink, DisplayWriter, Engine } from "../../../kernel/engine/engine.js";

function fakeEngine(log: string[]): Engine {
  return {
    typescriptVersion: "5.0.4",
    description: "test",
    locals: {},
    async execute(code: string, sink: CellSink) {
      log.push(`execute ${code}`);
      sink.result(code.length);
      return true;
    },
    complete: (_code, cursor) => ({ start: cursor - 1, end: cursor, matches: ["max"] }),
    inspect: () => "info",
    isComplete: () => ({ status: "incomplete", indent: "  " }),
    interrupt: () => log.push("interrupt"),
    setDisplayWriter: () => log.push("writer"),
    warmUp: () => log.push("warmUp"),
    close: () => log.push("close"),
  };
}

const sink = (out: unknown[]): CellSink => ({ result: (v) => out.push(v), thrown: (e) => out.push(e), diagnostic: (d) => out.push(d) });

test("cells wait for the real engine; synchronous calls before it answer nothing", async () => {
  const log: string[] = [];
  const late = new LateEngine("5.0.4", "tslab");
  assert.is(late.typescriptVersion, "5.0.4");
  assert.equal(late.complete("Math.m", 6), { start: 6, end: 6, matches: [] });
  assert.is(late.inspect("x", 1), undefined);
  assert.equal(late.isComplete("if (x) {"), { status: "complete" });
  late.locals["bound"] = 1;
  const writer: DisplayWriter = () => undefined;
  late.setDisplayWriter(writer);
  const out: unknown[] = [];
  let wanted = false;
  void late.wanted.then(() => (wanted = true));
  await new Promise((r) => setTimeout(r, 5));
  assert.is(wanted, false, "nothing waits for the engine yet");
  let done = false;
  const running = late.execute("abc", sink(out)).then((ok) => {
    done = true;
    return ok;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.is(done, false, "a cell ran before the engine was set");
  assert.is(wanted, true, "a waiting cell asks for the engine to be built");
  const real = fakeEngine(log);
  late.set(real);
  assert.is(await running, true);
  assert.equal(out, [3]);
  assert.equal(log, ["writer", "execute abc"]);
  assert.is(real.locals["bound"], 1, "locals bound before the engine came are carried over");
  assert.is(late.locals, real.locals);
  assert.equal(late.complete("Math.m", 6).matches, ["max"]);
  assert.is(late.inspect("x", 1), "info");
  assert.throws(() => late.set(real), /twice/);
  await late.whenReady();
});

test.run();
