/** `tsflow show <file.ts | pathspec>`: a flow file's graph, or a flow, run, step, task or artifact. */
import type { Command } from "commander";
import type { LoadedFlow } from "../../runtime/load-flow-file.js";
import { FLOW_FILE } from "../locate.js";
import { loadedFor } from "../flow-options.js";
import { UsageError } from "../../util/errors.js";
import { showFlow } from "./show-flow.js";
import { showObject } from "./show-object.js";
import { useRoot } from "./common.js";

/** Registers `show`; `loaded` is the flow file the command line names, if it names one. */
export function registerShow(program: Command, loaded: LoadedFlow | undefined): void {
  program
    .command("show")
    .argument("<target>", "a flow file, or a pathspec Flow[/RunId[/Step[/TaskId[/Artifact]]]]")
    .description("show a flow file's graph, or a flow's recent runs, a run, step, task or artifact")
    .option("--flow <name>", "the flow class, when the file exports several")
    .option("--json", "print JSON for scripts (pathspecs)")
    .action(async (target: string, o: { json?: boolean }) => {
      if (FLOW_FILE.test(target)) {
        const flow = loadedFor(loaded, target);
        if (!flow) throw new UsageError(`'${target}' is not a flow file: give the path of a .ts or .js file that exports a FlowSpec subclass.`);
        return showFlow(flow);
      }
      useRoot(program);
      await showObject(target, o.json ?? false);
    });
}
