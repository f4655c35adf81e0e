/** `tsflow deploy <file>` and `tsflow trigger <Flow>`: the production namespace. */
import type { Command } from "commander";
import { deployFlow, readDeployment } from "../../runner/deploy.js";
import { runFlowFile } from "../../runner/run-flow-file.js";
import type { LoadedFlow } from "../../runtime/load-flow-file.js";
import { openDatastore } from "../../store/root.js";
import { UsageError } from "../../util/errors.js";
import { resolveUsername } from "../../util/identity.js";
import { VERSION } from "../../util/version.js";
import { addParameterOptions, givenParameters, loadedFor, RelocatedTarget } from "../flow-options.js";
import { EXIT } from "../output.js";
import { collect, readRoot } from "./common.js";

/** Registers `deploy` and `trigger`; `loaded` is the flow file (deploy) or the deployed flow (trigger). */
export function registerProduction(program: Command, loaded: LoadedFlow | undefined, setExit: (code: number) => void): void {
  program
    .command("deploy")
    .argument("<file>", "the flow file to deploy")
    .description("deploy a flow to production: triggered runs carry production:<token>")
    .option("--authorize <token>", "the production token of an existing deployment (needed to redeploy someone else's)")
    .option("--new-token", "start a new production namespace with a fresh token")
    .option("--flow <name>", "the flow class, when the file exports several")
    .action(async (file: string, o: { authorize?: string; newToken?: boolean }) => {
      const flow = loadedFor(loaded, file);
      if (!flow) throw new UsageError(`'${file}' is not a flow file.`);
      const ds = openDatastore(program.opts().datastoreRoot, { create: true });
      const d = await deployFlow(ds, flow.flowClass.name, flow.file, { ...o, user: resolveUsername() });
      process.stdout.write(
        `Deployed ${d.flow} to the production namespace production:${d.token}\n` +
          `  Run it:        tsflow trigger ${d.flow}\n` +
          `  Read its runs: namespace("production:${d.token}") in code, or tsflow runs ${d.flow} --namespace production:${d.token}\n` +
          `  Redeploying needs this token: tsflow deploy <file> --authorize ${d.token}\n`,
      );
    });

  const trigger = program
    .command("trigger")
    .argument("<flow>", "the deployed flow's name")
    .description("run the deployed version of a flow in its production namespace")
    .option("--tag <tag>", "add a user tag (repeatable)", collect, []);
  const params = addParameterOptions(trigger, loaded);
  trigger.action(async (flow: string, o: { tag: string[] }) => {
    if (loaded && loaded.flowClass.name !== flow) throw new RelocatedTarget(flow);
    const ds = openDatastore(readRoot(program));
    const d = await readDeployment(ds, flow);
    if (!loaded) throw new UsageError(`The deployed file of ${flow} (${d.flowFile}) could not be loaded.`);
    process.stdout.write(`tsflow ${VERSION} executing ${flow} for production:${d.token}\n`);
    const result = await runFlowFile(loaded, { datastore: ds, params: givenParameters(trigger, params), tags: o.tag, productionToken: d.token });
    setExit(result.success ? EXIT.ok : EXIT.runFailed);
  });
}
