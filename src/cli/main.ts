/**
 * The `tsflow` command line. Exit codes: 0 success, 1 a run failed, 2 a usage error (a user's
 * mistake prints `headline: message`, never a stack trace).
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../util/version.js";
import { EXIT, reportError } from "./output.js";
import { datastoreRootArg, preloadFlow, withoutGlobalOptions } from "./flow-options.js";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { discardPrewarmed, prewarmWorker } from "../runtime/worker-pool.js";
import { resolveDatastoreRoot } from "../store/root.js";
import { registerRun } from "./commands/run.js";
import { showFlow } from "./commands/show-flow.js";
import { showObject } from "./commands/show-object.js";
import { registerRuns } from "./commands/runs.js";
import { registerNamespaces } from "./commands/namespaces.js";
import { registerTag } from "./commands/tag.js";
import { registerIndex } from "./commands/index-cmd.js";
import { registerGc } from "./commands/gc.js";
import { registerWorker } from "./commands/worker.js";
import { registerProduction } from "./commands/production.js";
import { preloadDeployed } from "./deployed.js";
import { useRoot } from "./commands/common.js";
import { closeClient } from "../client/index.js";

const FILE_COMMANDS = new Set(["run", "resume", "show", "deploy"]);

/** Runs the CLI with `args` (without `node` and the script) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const cleanups: (() => void)[] = [];
  try {
    prewarm(args);
    const loaded = (await preloadFlow(args, FILE_COMMANDS)) ?? (await preloadDeployed(args, cleanups));
    const program = buildProgram(loaded, (code) => (exitCode = code));
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(err);
  } finally {
    for (const c of cleanups) c();
    discardPrewarmed();
    await closeClient().catch(() => undefined);
  }
  return exitCode;
}

// `run` and `resume` start their first worker process now, so its start-up overlaps the CLI's.
function prewarm(allArgs: string[]): void {
  const args = withoutGlobalOptions(allArgs);
  if (args[0] !== "run" && args[0] !== "resume") return;
  const file = args.slice(1).find((a) => !a.startsWith("-"));
  if (!file || !/\.(c|m)?[tj]sx?$/.test(file) || !existsSync(file) || args.includes("--help")) return;
  const flowAt = args.indexOf("--flow");
  const className = flowAt > 0 ? args[flowAt + 1] : undefined;
  prewarmWorker({ flowFile: path.resolve(file), datastoreRoot: resolveDatastoreRoot(datastoreRootArg(allArgs)), ...(className ? { className } : {}) });
}

function buildProgram(loaded: Awaited<ReturnType<typeof preloadFlow>>, setExit: (code: number) => void): Command {
  const program = new Command("tsflow")
    .version(VERSION)
    .description("Flows, runs and artifacts in TypeScript, with a namespace-aware client.")
    .option("--datastore-root <dir>", "the datastore root (default: $TSFLOW_DATASTORE_ROOT, else the nearest .tsflow folder)")
    .showHelpAfterError("(add --help for usage)");
  registerRun(program, loaded, setExit);
  program.command("show").argument("<target>", "a flow file, or a pathspec Flow/RunId[/Step[/TaskId[/Artifact]]]")
    .description("show a flow file's graph, or a run, step, task or artifact")
    .option("--flow <name>", "the flow class, when the file exports several")
    .option("--json", "print JSON for scripts (pathspecs)")
    .action(async (target: string, o: { json?: boolean }) => {
      if (loaded) return showFlow(loaded);
      useRoot(program);
      await showObject(target, o.json ?? false);
    });
  registerRuns(program);
  registerNamespaces(program);
  registerTag(program);
  registerIndex(program);
  registerGc(program);
  registerWorker(program, setExit);
  registerProduction(program, loaded, setExit);
  registerKernel(program);
  exitOverrideEverywhere(program);
  return program;
}

// Only `tsflow kernel ...` pays for loading the kernel (tslab, zeromq).
function registerKernel(program: Command): void {
  program.command("kernel").description("install, list, uninstall or start the tsflow Jupyter kernel")
    .allowUnknownOption().allowExcessArguments().helpOption(false).argument("[args...]")
    .action(async (args: string[] = []) => {
      const { registerKernelCommands } = await import("../../kernel/cli.js");
      const sub = new Command("tsflow");
      registerKernelCommands(sub);
      exitOverrideEverywhere(sub);
      await sub.parseAsync(["kernel", ...args], { from: "user" });
    });
}

function exitOverrideEverywhere(cmd: Command): void {
  cmd.exitOverride();
  for (const c of cmd.commands) exitOverrideEverywhere(c);
}
