/**
 * `%run <FlowClass> [--<param> value]... [--tag T]... [--executor E] [--slurm-option OPT]...`: runs a
 * flow class defined in an earlier cell, in the kernel or, with `--executor`, on remote workers (the
 * code packaged from the cells); `--slurm-option` passes an sbatch option through, as `tsflow run` does.
 */
import { isFlowClass, type ParameterInfoLike, type TsflowApi } from "../../tsflow/api.js";
import { tagCandidates } from "../../tsflow/candidates.js";
import { attachRunDisplay } from "../../tsflow/run-display.js";
import type { ArgCompletionRequest, Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";
import { type FlowCodeOf, isRemoteExecutor } from "../../tsflow/notebook-code.js";

const usage =
  "%run <FlowClass> [--<parameter> <value>]... [--tag <tag>]... [--executor local|redis://host:6379/0|slurm[:partition]] [--slurm-option=<sbatch option>]...";

/** What `--executor` completes to: the kinds, a Redis address to edit. */
const EXECUTOR_CANDIDATES = ["local", "redis://127.0.0.1:6379/0", "slurm"];
/** What `--slurm-option` completes to: the sbatch options a run most often needs, their values to fill in. */
const SLURM_OPTION_CANDIDATES = ["--account=", "--time=", "--qos=", "--constraint=", "--nodelist=", "--exclude="];

/** The `%run` magic; `flowCode` packages the cells of a class for a remote `--executor`. */
export function runMagic(api: TsflowApi, flowCode?: FlowCodeOf): Magic {
  return {
    name: "run",
    kind: "line",
    summary: "Run a flow class defined in this notebook; shows live progress and returns the Run.",
    usage,
    help:
      "Parameters are given as --<name> <value> (parsed as on the command line). Interrupt the kernel to stop the run: it is recorded as failed and can be resumed. " +
      "--executor redis://host:6379/0 or slurm[:partition] runs the tasks on remote workers, as `tsflow run --executor` does: the cells that define the class " +
      "(its cell and those declaring what it uses; expression statements dropped) are packaged into the datastore, which must be one every worker reaches. " +
      "With slurm, --slurm-option=--account=lab (repeatable) passes an sbatch option through, as `tsflow run --slurm-option` does.",
    args: {
      options: { tag: { type: "string", repeat: true }, executor: { type: "string" }, "slurm-option": { type: "string", repeat: true } },
      positionals: { min: 1, max: 1 },
      allowExtra: true,
    },
    async run(call, ctx) {
      const name = call.args.positionals[0] as string;
      const flowClass = ctx.locals[name];
      if (!isFlowClass(api, flowClass))
        throw new UsageError(
          `no flow class named '${name}' in this notebook: define 'class ${name} extends FlowSpec { ... }' in a cell and run that cell first`,
          usage,
        );
      const executor = call.args.options["executor"] as string | undefined;
      const slurmOptions = call.args.options["slurm-option"] as string[] | undefined;
      const code = isRemoteExecutor(executor) && flowCode ? { code: flowCode(name) } : {};
      const display = attachRunDisplay(ctx.out, name);
      try {
        const run = await api.runFlow(flowClass, {
          params: call.args.extra,
          tags: (call.args.options["tag"] as string[] | undefined) ?? [],
          signal: ctx.signal,
          onEvent: display.onEvent,
          ...(executor ? { executor } : {}),
          ...(slurmOptions ? { slurmOptions } : {}),
          ...code,
        });
        display.close();
        await ctx.out.result(run);
      } finally {
        display.close();
      }
    },
    completeArgs: (request) => completeRunArgs(api, request),
  };
}

/**
 * Candidates for `%run`: the flow classes of the notebook, then the class's `--<param>` options not
 * given yet, `--tag`, `--executor` and, once the executor is Slurm, `--slurm-option`; after `--tag`, the
 * tags in use; after `--executor`, the executor kinds; after `--slurm-option`, common sbatch options;
 * after a boolean parameter, `true`/`false`.
 */
async function completeRunArgs(api: TsflowApi, { words, partial, locals }: ArgCompletionRequest): Promise<string[]> {
  if (partial.startsWith("--slurm-option=")) return SLURM_OPTION_CANDIDATES.map((c) => `--slurm-option=${c}`);
  if (words.length === 0) return Object.keys(locals).filter((k) => isFlowClass(api, locals[k]));
  const last = words[words.length - 1] as string;
  if (last === "--tag") return tagCandidates(api);
  if (last === "--executor") return EXECUTOR_CANDIDATES;
  if (last === "--slurm-option") return SLURM_OPTION_CANDIDATES;
  const params = parametersOf(api, locals[words[0] as string]);
  const awaitingValue = params.find((p) => `--${p.name}` === last);
  if (awaitingValue) return awaitingValue.type === "boolean" ? ["true", "false"] : [];
  const given = new Set(words.map((w) => w.split("=")[0]));
  const slurm = words.some((w, i) => /^--executor=slurm\b/.test(w) || (w === "--executor" && /^slurm\b/.test(words[i + 1] ?? "")));
  return [...params.map((p) => `--${p.name}`), "--executor"].filter((option) => !given.has(option)).concat("--tag", ...(slurm ? ["--slurm-option"] : []));
}

// Completion never fails: a class that cannot be constructed just offers no parameters.
function parametersOf(api: TsflowApi, flowClass: unknown): ParameterInfoLike[] {
  if (!isFlowClass(api, flowClass)) return [];
  try {
    return api.flowParameters(flowClass);
  } catch {
    return [];
  }
}
