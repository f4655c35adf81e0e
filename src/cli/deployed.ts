/** `tsflow trigger <Flow>` loads the deployed version of the flow before parsing its parameters. */
import { materializeDeployment, readDeployment } from "../runner/deploy.js";
import { loadFlowFile, type LoadedFlow } from "../runtime/load-flow-file.js";
import { openDatastore } from "../store/root.js";
import { withProductionToken } from "../util/identity.js";
import type { Located } from "./locate.js";
import { firstLoaded } from "./flow-options.js";

/** A deployed flow, loaded, and the production token it runs with. */
export interface DeployedFlow {
  loaded: LoadedFlow;
  token: string;
}

/** Loads the deployed flow a `trigger` command names; registers the cleanup of a materialized copy. */
export async function preloadDeployed(located: Located, cleanups: (() => void)[]): Promise<DeployedFlow | undefined> {
  if (located.command !== "trigger") return undefined;
  return firstLoaded(located.candidates, (flow) => loadDeployed(located, flow, cleanups));
}

async function loadDeployed(located: Located, flow: string, cleanups: (() => void)[]): Promise<DeployedFlow> {
  const ds = openDatastore(located.datastoreRoot);
  const deployment = await readDeployment(ds, flow);
  const { file, cleanup } = await materializeDeployment(ds, deployment);
  cleanups.push(cleanup);
  // As in a deployed Metaflow task, the flow's code (parameter defaults such as defaultNamespace())
  // runs with the production identity: here, in the scope the CLI parses and runs it in, and in the
  // worker processes (the run passes them the token).
  const loaded = await withProductionToken(deployment.token, () => loadFlowFile(file, flow));
  return { loaded, token: deployment.token };
}
