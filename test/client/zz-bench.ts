import { openDatastore } from "../../src/store/root.js";
import { Flow, Run, namespace, useDatastore, closeClient } from "../../src/client/index.js";
import { RunIndex } from "../../src/index/run-index.js";
const root = "/tmp/cb/root";
const N = Number(process.argv[2] ?? 3000);
const ds = openDatastore(root);
const existing = (await ds.listRunIds("Big").catch(() => [])).length;
for (let i = existing; i < N; i++) {
  const user = i % 2 ? "alice" : "bob";
  const r = await ds.createRun({ flow: "Big", user, systemTags: [`user:${user}`], originRunId: null, startStep: "start", endStep: "end", graph: { flow: "Big", steps: [] }, parameters: [] }, []);
  if (i % 3) { await ds.writeTask({ flow: "Big", runId: r.runId, step: "end", taskId: "1", createdAt: Date.now(), index: null, foreachStack: [], parents: [], originRunId: null });
    await ds.writeDone("Big", r.runId, "end", "1", { attempt: 0, success: true, startedAt: 0, finishedAt: Date.now(), pid: 1, next: [] }); }
}
if (existing < N) { const idx = await RunIndex.open(ds); await idx.rebuild(); await idx.close(); }
useDatastore(root); namespace("user:alice");
const t = async (label: string, fn: () => Promise<unknown>) => { const xs: number[] = []; for (let i = 0; i < 50; i++) { const s = performance.now(); await fn(); xs.push(performance.now() - s); } xs.sort((a, b) => a - b); console.log(label, "p50", xs[25]!.toFixed(2), "ms p90", xs[45]!.toFixed(2)); };
await Flow("Big").latestSuccessfulRun; // warm
await t("Flow().latestSuccessfulRun", () => Flow("Big").latestSuccessfulRun);
await t("await Flow()", () => Flow("Big"));
const id = (await Flow("Big").latestRun)!.id;
await t("Run()", () => Run(`Big/${id}`));
await closeClient();
