/**
 * The `tsflow` command line. Exit codes: 0 success, 1 a run failed, 2 a usage error (a user's
 * mistake prints `headline: message`, never a stack trace).
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../util/version.js";
import { EXIT, reportError } from "./output.js";
import { preloadFlow } from "./flow-options.js";
import { registerRun } from "./commands/run.js";
import { showFlow } from "./commands/show-flow.js";
import { UsageError } from "../util/errors.js";

const FILE_COMMANDS = new Set(["run", "resume", "show", "deploy"]);

/** Runs the CLI with `args` (without `node` and the script) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    const loaded = await preloadFlow(args, FILE_COMMANDS);
    const program = new Command("tsflow")
      .version(VERSION)
      .description("Flows, runs and artifacts in TypeScript, with a namespace-aware client.")
      .option("--datastore-root <dir>", "the datastore root (default: $TSFLOW_DATASTORE_ROOT, else the nearest .tsflow folder)")
      .exitOverride()
      .configureOutput({ outputError: (text, write) => write(text) })
      .showHelpAfterError("(add --help for usage)");
    registerRun(program, loaded, (code) => (exitCode = code));
    program.command("show").argument("<target>", "a flow file, or a pathspec (Flow/RunId[/Step[/TaskId[/Artifact]]])")
      .description("show a flow file's graph and step docs")
      .option("--flow <name>", "the flow class, when the file exports several")
      .action((target: string) => {
        if (!loaded) throw new UsageError(`'${target}' is not a flow file.`);
        showFlow(loaded);
      });
    for (const cmd of program.commands) cmd.exitOverride();
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(err);
  }
  return exitCode;
}
