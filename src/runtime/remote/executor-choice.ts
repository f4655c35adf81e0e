/**
 * The `--executor` choice: `local` (the default: a pool of worker processes on this machine),
 * `redis://host:6379/0` (BullMQ workers on any number of machines) or `slurm[:partition]` (Slurm
 * job arrays). Remote executors need a root every machine reaches, and the run's code packaged
 * into it.
 */
import type { Datastore } from "../../store/datastore.js";
import { ExecutorError } from "../../util/errors.js";
import type { TaskExecutor } from "../executor.js";
import { type FlowCode, storeCodePackage } from "./code-package.js";
import { RedisExecutor } from "./redis-executor.js";
import { type RedisTarget, parseRedisTarget } from "./redis-target.js";
import { SlurmExecutor } from "./slurm-executor.js";

/** What `--executor` names. */
export type ExecutorChoice = { kind: "local" } | { kind: "redis"; target: RedisTarget } | { kind: "slurm"; partition?: string; extra: string[] };

/** Set when a folder root is on a filesystem every worker mounts at the same path (NFS, Lustre). */
export const SHARED_ROOT_ENV = "TSFLOW_SHARED_ROOT";

/**
 * Parses `--executor` (and `--queue`, `--slurm-option` that go with it).
 * @throws ExecutorError for an unknown executor, or sbatch options without `slurm` or not written as options
 */
export function parseExecutor(value: string | undefined, o: { queue?: string; slurmOptions?: readonly string[] } = {}): ExecutorChoice {
  const slurm = value === undefined ? null : /^slurm(?::([A-Za-z0-9_.-]+))?$/.exec(value);
  const extra = slurmOptions(o.slurmOptions ?? [], !!slurm);
  if (value === undefined || value === "local") return { kind: "local" };
  if (/^rediss?:\/\//.test(value)) return { kind: "redis", target: parseRedisTarget(value, o.queue) };
  if (slurm) return { kind: "slurm", ...(slurm[1] ? { partition: slurm[1] } : {}), extra };
  throw new ExecutorError(`Unknown executor '${value}': use local (the default), redis://host:6379/0 or slurm[:partition].`);
}

// sbatch options are passed through as given, so each must be one: a value alone would be taken for the job script.
function slurmOptions(options: readonly string[], slurm: boolean): string[] {
  if (options.length && !slurm)
    throw new ExecutorError(
      `--slurm-option ${options[0]} passes an option to sbatch, which only the Slurm executor runs: add --executor slurm (or slurm:<partition>), or drop the --slurm-option.`,
    );
  const bad = options.find((opt) => !/^-{1,2}[A-Za-z]/.test(opt));
  if (bad !== undefined)
    throw new ExecutorError(
      `--slurm-option '${bad}' is not an sbatch option: give one option with its value each time, as --slurm-option=--account=lab or --slurm-option=--time=01:00:00.`,
    );
  return [...options];
}

/** Options of `createRemoteExecutor`. */
export interface RemoteExecutorOptions {
  datastore: Datastore;
  /** The flow's code: its file, or a module's source (notebook cells). */
  code: FlowCode;
  className: string;
  notice: (message: string) => void;
}

/** Packages the flow's code into the datastore and connects the executor. @throws ExecutorError, FlowFileError */
export async function createRemoteExecutor(choice: Exclude<ExecutorChoice, { kind: "local" }>, o: RemoteExecutorOptions): Promise<TaskExecutor> {
  assertShareable(o.datastore, choice);
  const code = await storeCodePackage(o.datastore.storage, o.code, o.className);
  if (choice.kind === "redis") {
    const warn = Number(process.env.TSFLOW_PICKUP_WARN_SECONDS);
    return RedisExecutor.create({
      target: choice.target,
      root: o.datastore.location,
      code,
      notice: o.notice,
      ...(warn > 0 ? { pickupWarnMs: warn * 1000 } : {}),
    });
  }
  return SlurmExecutor.create({
    root: o.datastore.location,
    code,
    notice: o.notice,
    extra: choice.extra,
    ...(choice.partition ? { partition: choice.partition } : {}),
  });
}

function assertShareable(ds: Datastore, choice: ExecutorChoice): void {
  // An object-store root (s3://) is shared by nature, even where a local cache gives it local paths.
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(ds.location) || !ds.storage.localPath || process.env[SHARED_ROOT_ENV] === "1") return;
  const how = choice.kind === "slurm" ? ` If ${ds.location} is on a filesystem every node mounts at the same path, set ${SHARED_ROOT_ENV}=1.` : "";
  throw new ExecutorError(
    `The datastore root ${ds.location} is a folder on this machine, which workers on other machines cannot reach: use a shared root such as --datastore-root s3://bucket/prefix (see "Sharing runs with a team" in the README).${how}`,
  );
}
