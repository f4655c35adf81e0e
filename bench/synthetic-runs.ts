// Synthetic datastore roots for benchmarks: run records written straight to disk, no runtime.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FLOWS = ["TeamCollabFlow", "TeamCollabFlow", "TrainFlow", "ScoreFlow"]; // half the runs in one flow

/**
 * Writes `n` runs (run.json, a tag revision, the end task's done.json) with plain sync writes: users
 * u0..u9 in turn, every 7th run tagged `exp`, every 5th run failed.
 */
export function generate(root: string, n: number): void {
  const base = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    const flow = FLOWS[i % FLOWS.length]!;
    const runId = String((base + i) * 1000);
    const dir = join(root, "flows", flow, "runs", runId);
    const user = `u${i % 10}`;
    const run = {
      flow,
      runId,
      createdAt: base + i,
      user,
      systemTags: [`user:${user}`, "runtime:node"],
      originRunId: null,
      startStep: "start",
      endStep: "end",
      graph: { flow, steps: [] },
      parameters: [],
    };
    mkdirSync(join(dir, "tags"), { recursive: true });
    mkdirSync(join(dir, "steps", "end", "1", "attempt-0"), { recursive: true });
    writeFileSync(join(dir, "run.json"), JSON.stringify(run));
    writeFileSync(join(dir, "tags", "0000000000.json"), JSON.stringify({ rev: 0, userTags: i % 7 === 0 ? ["exp"] : [], updatedAt: base + i }));
    const done = { attempt: 0, success: i % 5 !== 4, startedAt: base + i, finishedAt: base + i + 1, pid: 1, next: [] };
    writeFileSync(join(dir, "steps", "end", "1", "attempt-0", "done.json"), JSON.stringify(done));
  }
}
