/** `tsflow trigger <Flow>` loads the deployed version of the flow before parsing its parameters. */
import { materializeDeployment, readDeployment } from "../runner/deploy.js";
import { loadFlowFile, type LoadedFlow } from "../runtime/load-flow-file.js";
import { openDatastore } from "../store/root.js";
import { datastoreRootArg, withoutGlobalOptions } from "./flow-options.js";

/** Loads the deployed flow a `trigger` command names; registers the cleanup of a materialized copy. */
export async function preloadDeployed(allArgs: string[], cleanups: (() => void)[]): Promise<LoadedFlow | undefined> {
  const args = withoutGlobalOptions(allArgs);
  if (args[0] !== "trigger") return undefined;
  const flow = args.slice(1).find((a) => !a.startsWith("-"));
  if (!flow) return undefined;
  const ds = openDatastore(datastoreRootArg(allArgs));
  const deployment = await readDeployment(ds, flow);
  // As in a deployed Metaflow task, the flow's code (parameter defaults such as defaultNamespace())
  // runs with the production identity, here and in the worker processes.
  process.env.TSFLOW_PRODUCTION_TOKEN = deployment.token;
  const { file, cleanup } = await materializeDeployment(ds, deployment);
  cleanups.push(cleanup);
  return loadFlowFile(file, flow);
}
