/**
 * `tsflow exec <script> [args...]`: runs a user's script (TypeScript or JavaScript, an ES module)
 * with the library already loaded, the fast way to run code that reads runs (`npx tsx script.ts`
 * pays tsx's start-up on top of the library's).
 */
import type { Command } from "commander";
import { resolveScript, runScript } from "../../runtime/load-script.js";
import { formatUserError, isTsflowError } from "../../util/errors.js";
import type { Located } from "../locate.js";
import { readRoot } from "./common.js";
import { useDatastore } from "../../client/index.js";

/** Registers `exec`. */
export function registerExec(program: Command, _loaded: unknown, setExit: (code: number) => void): void {
  program
    .command("exec")
    .argument("<script>", "a .ts, .mts, .js or .mjs file (an ES module; top-level await works)")
    .argument("[args...]", "the script's arguments (process.argv.slice(2) in it)")
    .description('run a script with the tsflow library preloaded (its `import ... from "tsflow"` is this one)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (script: string, args: string[]) => {
      const root = readRoot(program);
      if (root) useDatastore(root);
      const file = resolveScript(script);
      try {
        await runScript(file, { args });
        setExit(typeof process.exitCode === "number" ? process.exitCode : 0);
      } catch (err) {
        // The script's own failure, reported as Node reports an uncaught error (exit 1), except
        // that a tsflow error is one `headline: message` line.
        process.stderr.write(`${isTsflowError(err) ? formatUserError(err) : ((err as Error)?.stack ?? String(err))}\n`);
        setExit(1);
      }
    });
}

/**
 * The command line of `exec` with `--` after the script, so that everything after it is the
 * script's own (`tsflow exec s.ts --version` passes `--version` to the script).
 */
export function execLine(args: string[], located: Located): string[] {
  if (located.command !== "exec" || located.target === undefined) return args;
  const at = args.indexOf(located.target, args.indexOf("exec") + 1);
  if (at < 0 || args.slice(0, at).includes("--")) return args;
  return [...args.slice(0, at + 1), "--", ...args.slice(at + 1)];
}
