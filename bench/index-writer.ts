// Child process of bench/index.ts: writes one finished run into a root and prints when its journal
// event was written ({runId, notifiedAt}, epoch ms).
import { Datastore } from "../src/store/datastore.js";
import { LocalStorage } from "../src/store/local-storage.js";

const ds = new Datastore(new LocalStorage(process.argv[2]!));
const flow = "TeamCollabFlow";
const run = await ds.createRun(
  {
    flow,
    user: "u1",
    systemTags: ["user:u1", "runtime:node"],
    originRunId: null,
    startStep: "start",
    endStep: "end",
    graph: { flow, steps: [] },
    parameters: [],
  },
  [],
);
await ds.writeDone(flow, run.runId, "end", "1", { attempt: 0, success: true, startedAt: Date.now(), finishedAt: Date.now(), pid: process.pid, next: [] });
await ds.notifyRunChanged(flow, run.runId);
console.log(JSON.stringify({ runId: run.runId, notifiedAt: Date.now() }));
