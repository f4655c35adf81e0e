/** `tsflow run <file>` and `tsflow resume <file> [STEP]`: execute a flow file. */
import type { Command } from "commander";
import { openDatastore } from "../../store/root.js";
import { runFlowFile } from "../../runner/run-flow-file.js";
import type { LoadedFlow } from "../../runtime/load-flow-file.js";
import { resolveIdentity } from "../../util/identity.js";
import { VERSION } from "../../util/version.js";
import { addParameterOptions, givenParameters, loadedFor } from "../flow-options.js";
import { EXIT } from "../output.js";
import { UsageError } from "../../util/errors.js";
import { listRuns } from "../../client/index.js";
import { pinsForLaunch } from "../../client/pins.js";
import { collect, positiveInt, readRoot, useRoot } from "./common.js";
import { type ExecutorChoice, parseExecutor } from "../../runtime/remote/executor-choice.js";

/** Registers `run` and `resume`. */
export function registerRun(program: Command, loaded: LoadedFlow | undefined, setExit: (code: number) => void): void {
  const run = program
    .command("run")
    .argument("<file>", "a .ts file exporting a FlowSpec subclass")
    .description("run a flow file: every task and artifact is persisted in the datastore")
    .option("--tag <tag>", "add a user tag to the run (repeatable)", collect, [])
    .option("--max-workers <n>", "tasks run at once (default: number of CPUs)", positiveInt)
    .option("--flow <name>", "the flow class to run, when the file exports several")
    .option("--pins <file>", "a pin file (a notebook's <notebook>.tsflow-pins.json): latestSuccessfulRun in every task follows its pins");
  addExecutorOptions(run);
  const params = addParameterOptions(run, loaded);
  run.action(async (file: string, opts: { tag: string[]; maxWorkers?: number; pins?: string } & ExecutorOptions) => {
    const flow = requireLoaded(loaded, file);
    const executor = executorChoice(opts);
    const pins = opts.pins === undefined ? undefined : await pinsForLaunch(opts.pins);
    const datastore = openDatastore(program.opts().datastoreRoot, { create: true });
    banner(flow.flowClass.name);
    const result = await runFlowFile(flow, {
      datastore,
      params: givenParameters(run, params),
      tags: opts.tag,
      executor,
      ...(pins ? { pins } : {}),
      ...(opts.maxWorkers ? { maxWorkers: opts.maxWorkers } : {}),
    });
    setExit(result.success ? EXIT.ok : EXIT.runFailed);
  });

  const resume = program
    .command("resume")
    .argument("<file>")
    .argument("[step]", "the step to re-run from (default: the first that failed)")
    .description("re-run a failed run from its failed (or a named) step, reusing the tasks that succeeded")
    .option("--origin-run-id <id>", "the run to resume (default: the flow's latest run in your namespace)")
    .option("--tag <tag>", "add a user tag to the new run (repeatable)", collect, [])
    .option("--max-workers <n>", "tasks run at once", positiveInt)
    .option("--flow <name>", "the flow class, when the file exports several")
    .option("--pins <file>", "follow this pin file's pins instead of the ones the origin run was launched with")
    .option("--no-pins", "launch without pins (default: the pins the origin run was launched with)");
  addExecutorOptions(resume);
  type ResumeOptions = { originRunId?: string; tag: string[]; maxWorkers?: number; pins?: string | false } & ExecutorOptions;
  resume.action(async (file: string, step: string | undefined, opts: ResumeOptions) => {
    const flow = requireLoaded(loaded, file);
    const executor = executorChoice(opts);
    // Neither option given: undefined, and the run keeps the origin's pins.
    const pins = typeof opts.pins === "string" ? ((await pinsForLaunch(opts.pins)) ?? null) : opts.pins === false ? null : undefined;
    const datastore = openDatastore(readRoot(program));
    useRoot(program);
    const originRunId = opts.originRunId ?? (await latestRunId(flow.flowClass.name));
    banner(flow.flowClass.name);
    process.stdout.write(`Resuming ${flow.flowClass.name}/${originRunId}${step ? ` from step ${step}` : ""}\n`);
    const result = await runFlowFile(flow, {
      datastore,
      tags: opts.tag,
      executor,
      resume: { originRunId, ...(step ? { step } : {}) },
      ...(pins !== undefined ? { pins } : {}),
      ...(opts.maxWorkers ? { maxWorkers: opts.maxWorkers } : {}),
    });
    setExit(result.success ? EXIT.ok : EXIT.runFailed);
  });
}

interface ExecutorOptions {
  executor?: string;
  queue?: string;
  slurmOption: string[];
}

function addExecutorOptions(cmd: Command): void {
  cmd
    .option("--executor <where>", "where tasks run: local (default), redis://host:6379/0 (start workers with `tsflow worker`), slurm[:partition]")
    .option("--queue <name>", "the Redis queue (with --executor redis://...; default: tsflow)")
    .option("--slurm-option <opt>", "an sbatch option passed through with --executor slurm, e.g. --slurm-option=--account=lab (repeatable)", collect, []);
}

function executorChoice(o: ExecutorOptions): ExecutorChoice {
  return parseExecutor(o.executor, { ...(o.queue ? { queue: o.queue } : {}), slurmOptions: o.slurmOption });
}

function requireLoaded(preloaded: LoadedFlow | undefined, file: string): LoadedFlow {
  const loaded = loadedFor(preloaded, file);
  if (!loaded) throw new UsageError(`'${file}' is not a flow file: give the path of a .ts or .js file that exports a FlowSpec subclass.`);
  return loaded;
}

function banner(flow: string): void {
  process.stdout.write(`tsflow ${VERSION} executing ${flow} for ${resolveIdentity()}\n`);
}

/** The flow's newest run in your own namespace (as Metaflow resumes your latest run, not a teammate's). */
async function latestRunId(flow: string): Promise<string> {
  const namespace = resolveIdentity();
  const [latest] = await listRuns(flow, { namespace, limit: 1 });
  if (!latest)
    throw new UsageError(`${flow} has no run in namespace ${namespace} to resume: run it first with tsflow run, or name a run with --origin-run-id.`);
  return latest.id;
}
