/**
 * The entry point of a batch job's task process (`bin/tsflow-task.js`): runs one task of a
 * submitted batch, loading only the task runtime, not the CLI (commander, the Redis executor's
 * BullMQ, esbuild). A Slurm array starts one such process a task, so its start-up is the array's
 * cost: ~0.1 s of CPU here against ~0.35 s through `tsflow task`. Exit codes as the CLI's.
 *
 * Usage: `tsflow-task --root <root> --batch <key> [--index <n>]`
 */
import { parseArgs } from "node:util";
import { runBatchTask } from "../runtime/remote/batch-task.js";
import { UsageError } from "../util/errors.js";
import { closeClient } from "../client/index.js";
import { EXIT, reportError } from "./output.js";

/** Runs the task the arguments name and returns the exit code. */
export async function taskMain(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args, options: { root: { type: "string" }, batch: { type: "string" }, index: { type: "string", default: "0" } } });
    if (!values.root || !values.batch)
      throw new UsageError("tsflow-task needs --root <root> and --batch <key> (what the Slurm executor's job script gives it).");
    const index = Number(values.index);
    if (!Number.isInteger(index) || index < 0) throw new UsageError(`--index takes a task's index in the batch, not '${values.index}'.`);
    const outcome = await runBatchTask({ root: values.root, batch: values.batch, index });
    return outcome.success ? EXIT.ok : EXIT.runFailed;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) return reportError(new UsageError((err as Error).message));
    return reportError(err);
  } finally {
    // A step that read runs through the client opened their index: closed, so the process can end.
    await closeClient().catch(() => undefined);
  }
}
