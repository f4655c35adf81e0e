import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RunProgress } from "../../../kernel/tsflow/progress.js";
import type { MagicOutput } from "../../../kernel/magics/magic.js";

const p = suite("RunProgress");
p("should keep one display updated with tasks done, running, failed and foreach k/N", () => {
  const shown: { data: Record<string, unknown>; options?: { displayId?: string; update?: boolean } }[] = [];
  const out: MagicOutput = { print() {}, display: (data, options) => void shown.push({ data, ...(options ? { options } : {}) }), result: async () => {} };
  const progress = new RunProgress(out, "F");
  const base = { flow: "F", runId: "7" };
  progress.onEvent({ type: "run-started", ...base, identity: "user:alice" });
  progress.onEvent({ type: "task-started", ...base, step: "start", taskId: "1", attempt: 0 });
  progress.onEvent({ type: "task-finished", ...base, step: "start", taskId: "1", attempt: 0, success: true, foreachCount: 3 });
  progress.onEvent({ type: "task-started", ...base, step: "each", taskId: "2", attempt: 0 });
  progress.onEvent({ type: "task-finished", ...base, step: "each", taskId: "2", attempt: 0, success: false });
  progress.onEvent({ type: "run-finished", ...base, success: false, reason: "a step failed" });
  progress.close();
  const last = shown.at(-1);
  assert.is(last?.options?.update, true);
  assert.is(shown[0]?.options?.update, false);
  assert.ok(shown.every((s) => s.options?.displayId === shown[0]?.options?.displayId));
  assert.is(last?.data["text/plain"], "F/7 failed (a step failed) · 1 tasks done, 0 running, 1 failed\nstart ✓ 1/1 -> each ✗ 0/3");
});
p.run();
