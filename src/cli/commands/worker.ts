/**
 * `tsflow worker --executor redis://...`: runs queued tasks on this machine until stopped, and
 * `tsflow task` (hidden): one task of a submitted batch, as `bin/tsflow-task.js` runs it (what a
 * Slurm job runs unless `TSFLOW_SLURM_COMMAND` names another tsflow).
 */
import type { Command } from "commander";
import { UsageError } from "../../util/errors.js";
import { parseExecutor } from "../../runtime/remote/executor-choice.js";
import { startRedisWorker } from "../../runtime/remote/redis-worker.js";
import { runBatchTask } from "../../runtime/remote/batch-task.js";
import { EXIT } from "../output.js";
import { positiveInt } from "./common.js";

/** Registers `worker` and `task`. */
export function registerWorker(program: Command, setExit: (code: number) => void): void {
  program
    .command("worker")
    .description("take tasks from a Redis queue and run them on this machine (until Ctrl-C)")
    .requiredOption("--executor <redis-url>", "the queue's Redis, e.g. redis://host:6379/0 (as given to tsflow run)")
    .option("--queue <name>", "the queue (default: tsflow)")
    .option("--concurrency <n>", "tasks run at once (default: 1)", positiveInt)
    .action(async (o: { executor: string; queue?: string; concurrency?: number }) => {
      const choice = parseExecutor(o.executor, o.queue ? { queue: o.queue } : {});
      if (choice.kind !== "redis")
        throw new UsageError(`tsflow worker takes tasks from a Redis queue: give --executor redis://host:6379/0 (Slurm runs its jobs itself).`);
      const worker = await startRedisWorker({ target: choice.target, concurrency: o.concurrency ?? 1, log: (l) => process.stdout.write(`${l}\n`) });
      await new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
      });
      process.stdout.write("stopping: waiting for running tasks to finish\n");
      await worker.close();
    });

  program
    .command("task", { hidden: true })
    .description("run one task of a batch a scheduler submitted (what a Slurm job runs)")
    .requiredOption("--root <root>")
    .requiredOption("--batch <key>")
    .option("--index <n>", "the task's index in the batch", "0")
    .action(async (o: { root: string; batch: string; index: string }) => {
      const outcome = await runBatchTask({ root: o.root, batch: o.batch, index: Number(o.index) });
      setExit(outcome.success ? EXIT.ok : EXIT.runFailed);
    });
}
