/** Running cells in a kernel session and reading what they sent, for kernel tests. */
import * as assert from "uvu/assert";
import type { ExecuteAnswer, KernelSession } from "./jupyter-client.js";

/** Cell helpers bound to a session (given lazily, as suites open it in `before`). */
export function cellsOf(session: () => KernelSession) {
  const run = async (code: string) => (await session().send({ op: "execute", code })) as ExecuteAnswer;
  return {
    run,
    /** Runs a cell that must succeed. */
    ok: async (code: string) => {
      const r = await run(code);
      assert.is(r.reply.status, "ok", `${code}\n${JSON.stringify(r.iopub)}`);
      return r;
    },
    /** The contents of the iopub messages of one type. */
    of: (r: ExecuteAnswer, type: string) => r.iopub.filter((m) => m.msg_type === type).map((m) => m.content),
    /** Every text the cell sent (streams, text/plain, tracebacks). */
    text: (r: ExecuteAnswer) => r.iopub.map((m) => m.content.text ?? m.content.data?.["text/plain"] ?? (m.content.traceback ?? []).join("\n")).join("\n"),
    /** Every text/html the cell sent. */
    html: (r: ExecuteAnswer) => r.iopub.map((m) => m.content.data?.["text/html"] ?? "").join("\n"),
  };
}

/** The same helpers under the name the diff tests use. */
export const cellHelpers = cellsOf;
