// Child process for the run-index tests: opens the index of a root, lists runs of a flow and prints
// their ids as one JSON line. Usage: node --import tsx test/_fixtures/index-query.ts <root> <ns|->
import { localDatastore } from "../_helpers/index-runs.js";
import { RunIndex } from "../../src/run-index/run-index.js";

const [root, ns] = process.argv.slice(2);
const index = await RunIndex.open(localDatastore(root!), { onNotice: () => undefined });
const runs = await index.listRuns("TeamCollabFlow", { namespace: ns === "-" ? null : ns!, limit: 20 });
await index.close();
console.log(JSON.stringify(runs.map((r) => r.runId)));
