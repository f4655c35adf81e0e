/**
 * The `tsflow` command line. Exit codes: 0 success, 1 a run failed, 2 a usage error (a user's
 * mistake prints `headline: message`, never a stack trace).
 *
 * The command line is parsed twice by commander: first without any flow (`locate.ts`) to find the
 * flow file the command names, then, with that flow's parameters added as options, to run it.
 */
import * as path from "node:path";
import { existsSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { VERSION } from "../util/version.js";
import { withProductionToken } from "../util/identity.js";
import { discardPrewarmed, prewarmWorker } from "../runtime/worker-pool.js";
import type { LoadedFlow } from "../runtime/load-flow-file.js";
import { resolveDatastoreRoot } from "../store/root.js";
import { closeClient } from "../client/index.js";
import { EXIT, reportError } from "./output.js";
import { locate, type Located } from "./locate.js";
import { preloadFlow, RelocatedTarget } from "./flow-options.js";
import { preloadDeployed } from "./deployed.js";
import { exitOverrideEverywhere, mountFamily, type CommandFamily } from "./family.js";
import { registerRun } from "./commands/run.js";
import { registerShow } from "./commands/show.js";
import { registerRuns } from "./commands/runs.js";
import { registerNamespaces } from "./commands/namespaces.js";
import { registerTag } from "./commands/tag.js";
import { registerIndex } from "./commands/index-cmd.js";
import { registerGc } from "./commands/gc.js";
import { registerWorker } from "./commands/worker.js";
import { registerDatastore } from "./commands/datastore.js";
import { registerProduction } from "./commands/production.js";
import { execLine, registerExec } from "./commands/exec.js";
import { registerDiff } from "./commands/diff.js";

export type { CommandFamily } from "./family.js";

/** Options of `main`. */
export interface MainOptions {
  /** Command families the program that starts the CLI mounts (bin/tsflow.js: `kernel`). @default [] */
  families?: readonly CommandFamily[];
}

/** What the command line's flow-file argument loaded, and the production token of a deployed flow. */
interface Preloaded {
  loaded?: LoadedFlow;
  productionToken?: string;
}

/** Registers one command (or command group) on the program, given the preloaded flow. */
type Register = (program: Command, loaded: LoadedFlow | undefined, setExit: (code: number) => void) => void;

// One line per command: a new command is a file under commands/ and a line here.
const COMMANDS: readonly Register[] = [
  registerRun,
  registerShow,
  registerRuns,
  registerNamespaces,
  registerTag,
  registerIndex,
  registerGc,
  registerProduction,
  registerExec,
  (program, _loaded, setExit) => registerDatastore(program, setExit),
  (program, _loaded, setExit) => registerWorker(program, setExit),
  (program) => registerDiff(program),
];

/** Runs the CLI with `args` (without `node` and the script) and returns the exit code. */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => (exitCode = code);
  const cleanups: (() => void)[] = [];
  // A script run by `exec` may still be reading runs after its top level returned.
  let keepClient = false;
  try {
    const located = locate(buildProgram({}, setExit, options, { locating: true }), args);
    keepClient = located.command === "exec";
    prewarm(located);
    const line = execLine(args, located);
    let preloaded = await preload(located, cleanups);
    try {
      await parse(buildProgram(preloaded, setExit, options), line, preloaded);
    } catch (err) {
      if (!(err instanceof RelocatedTarget)) throw err;
      preloaded = await preload({ ...located, target: err.target, candidates: [err.target] }, cleanups);
      await parse(buildProgram(preloaded, setExit, options), line, preloaded);
    }
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(err);
  } finally {
    for (const c of cleanups) c();
    discardPrewarmed();
    if (!keepClient) await closeClient().catch(() => undefined);
  }
  return exitCode;
}

async function preload(located: Located, cleanups: (() => void)[]): Promise<Preloaded> {
  const loaded = await preloadFlow(located);
  if (loaded) return { loaded };
  const deployed = await preloadDeployed(located, cleanups);
  return deployed ? { loaded: deployed.loaded, productionToken: deployed.token } : {};
}

// A deployed flow's code runs with its production identity, without changing the environment.
async function parse(program: Command, args: string[], preloaded: Preloaded): Promise<void> {
  const run = () => program.parseAsync(args, { from: "user" });
  await (preloaded.productionToken ? withProductionToken(preloaded.productionToken, run) : run());
}

// `run` and `resume` start their first worker process now, so its start-up overlaps the CLI's (not
// when the tasks run elsewhere: an unused worker would only take CPU from the launcher).
function prewarm({ command, target, flow, datastoreRoot, help, executor }: Located): void {
  if ((command !== "run" && command !== "resume") || !target || help || !existsSync(target)) return;
  if (executor !== undefined && executor !== "local") return;
  prewarmWorker({ flowFile: path.resolve(target), datastoreRoot: resolveDatastoreRoot(datastoreRoot), ...(flow ? { className: flow } : {}) });
}

// The program that locates (first parse) has no --version: `tsflow exec s.ts --version` is the script's.
function buildProgram(preloaded: Preloaded, setExit: (code: number) => void, options: MainOptions, how: { locating?: boolean } = {}): Command {
  const program = new Command("tsflow");
  if (!how.locating) program.version(VERSION);
  program
    .description("Flows, runs and artifacts in TypeScript, with a namespace-aware client.")
    .option("--datastore-root <dir>", "the datastore root (default: $TSFLOW_DATASTORE_ROOT, else the nearest .tsflow folder)")
    .showHelpAfterError("(add --help for usage)");
  for (const register of COMMANDS) register(program, preloaded.loaded, setExit);
  for (const family of options.families ?? []) mountFamily(program, family);
  exitOverrideEverywhere(program);
  return program;
}
