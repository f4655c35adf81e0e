/** Running cells in a kernel session and picking its iopub messages apart, for kernel tests. */
import * as assert from "uvu/assert";
import type { ExecuteAnswer, KernelSession } from "./jupyter-client.js";

/** Cell helpers bound to the session `session()` returns (it may be opened later). */
export function cellHelpers(session: () => KernelSession) {
  const run = async (code: string) => (await session().send({ op: "execute", code })) as ExecuteAnswer;
  const ok = async (code: string) => {
    const r = await run(code);
    assert.is(r.reply.status, "ok", `${code}\n${JSON.stringify(r.iopub)}`);
    return r;
  };
  /** The contents of the iopub messages of one type. */
  const of = (r: ExecuteAnswer, type: string) => r.iopub.filter((m) => m.msg_type === type).map((m) => m.content);
  return { run, ok, of };
}
