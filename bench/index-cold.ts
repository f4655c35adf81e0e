// Child process of bench/index.ts: what `tsflow runs F --limit 20` does against the index, as a whole
// process. Prints {openMs, listMs} (times inside the process, after module loading).
import { performance } from "node:perf_hooks";
import { Datastore } from "../src/store/datastore.js";
import { LocalStorage } from "../src/store/local-storage.js";
import { RunIndex } from "../src/run-index/run-index.js";

const t0 = performance.now();
const index = await RunIndex.open(new Datastore(new LocalStorage(process.argv[2]!)));
const t1 = performance.now();
const runs = await index.listRuns("TeamCollabFlow", { namespace: process.argv[3] ?? null, limit: 20 });
const t2 = performance.now();
await index.close();
if (runs.length !== 20) throw new Error(`expected 20 runs, got ${runs.length}`);
console.log(JSON.stringify({ openMs: t1 - t0, listMs: t2 - t1, sinceStartMs: t2 }));
