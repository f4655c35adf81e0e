// Child process for the run-index tests: opens the index of a root and, until <ms> elapse, queries
// (and compacts every few rounds); prints {rounds, errors, compactions} as one JSON line.
// Usage: node --import tsx test/_fixtures/index-reader.ts <root> <ms>
import { localDatastore } from "../_helpers/index-runs.js";
import { RunIndex } from "../../src/run-index/run-index.js";

const [root, ms] = process.argv.slice(2);
const index = await RunIndex.open(localDatastore(root!), { onNotice: () => undefined });
const result = { rounds: 0, errors: [] as string[], compactions: 0 };
for (const end = Date.now() + Number(ms); Date.now() < end; result.rounds++) {
  try {
    await index.listRuns("TeamCollabFlow", { namespace: null, limit: 5 });
    await index.countRuns(null, null);
    if (result.rounds % 5 === 0 && (await index.compact())) result.compactions++;
  } catch (err) {
    result.errors.push(String((err as Error).message));
  }
}
await index.close();
console.log(JSON.stringify(result));
