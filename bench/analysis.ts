/**
 * Run analysis bench: `diffRuns` / `%diff` of two runs whose end step holds a 10-million-row Arrow
 * table (Int32 + Float64, 120 MB each; one row differs), and `artifact()` in SQL over 100 runs.
 *
 *   npm run build && node --expose-gc --import tsx bench/analysis.ts [--rows 10000000] [--runs 100] [--run-rows 10000]
 *
 * Peak memory is the highest `arrayBuffers` (Arrow buffers live there) above the start, sampled
 * every 2 ms. `%diff` goes through the real kernel and Debian's jupyter_client (execute to idle).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { tableFromArrays } from "apache-arrow";
import { FlowSpec, Parameter, closeClient, diffRuns, querySql, runFlow, step, useDatastore } from "../src/index.js";
import { openKernelSession } from "../test/_helpers/jupyter-client.js";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "10000000" },
    runs: { type: "string", default: "100" },
    "run-rows": { type: "string", default: "10000" },
    repeat: { type: "string", default: "3" },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const RUN_ROWS = Number(args["run-rows"]);
const REPEAT = Number(args.repeat);

class BigTableFlow extends FlowSpec {
  rows = Parameter("rows", { default: 1000 });
  changeRow = Parameter("change-row", { default: -1 });
  table: unknown = null;
  @step start() {
    this.next(this.end);
  }
  @step end() {
    const id = new Int32Array(this.rows);
    const score = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      id[i] = i;
      score[i] = i === this.changeRow ? -1 : i * 0.5;
    }
    this.table = tableFromArrays({ id, score });
  }
}

class MetricsFlow extends FlowSpec {
  rows = Parameter("rows", { default: 100 });
  seed = Parameter("seed", { default: 0 });
  metrics: unknown = null;
  @step start() {
    this.next(this.end);
  }
  @step end() {
    const epoch = Int32Array.from({ length: this.rows }, (_, i) => i);
    const loss = Float64Array.from({ length: this.rows }, (_, i) => 1 / (i + 1 + this.seed));
    this.metrics = tableFromArrays({ epoch, loss });
  }
}

/** Times `op` and samples the peak extra array-buffer memory while it runs. */
async function measure<T>(op: () => Promise<T>): Promise<{ ms: number; peakMb: number; value: T }> {
  global.gc?.();
  const base = process.memoryUsage().arrayBuffers;
  let high = base;
  const timer = setInterval(() => (high = Math.max(high, process.memoryUsage().arrayBuffers)), 2);
  const start = performance.now();
  const value = await op();
  const ms = performance.now() - start;
  clearInterval(timer);
  return { ms, peakMb: (Math.max(high, process.memoryUsage().arrayBuffers) - base) / 1e6, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

const root = mkdtempSync(join(tmpdir(), "tsflow-bench-analysis-"));
try {
  process.env.TSFLOW_USER = "bench";
  useDatastore(root);
  const quiet = { onEvent: () => {} };
  const a = await runFlow(BigTableFlow, { params: { rows: ROWS }, ...quiet });
  const b = await runFlow(BigTableFlow, { params: { rows: ROWS, "change-row": ROWS - 10 }, ...quiet });
  const diffs = [];
  for (let i = 0; i < REPEAT; i++) diffs.push(await measure(() => diffRuns(a, b)));
  const table = diffs[0]!.value.artifacts.find((x) => x.name === "table")!.table!;
  console.log(
    `diffRuns, two runs with a ${ROWS.toLocaleString("en")}-row Arrow table (${table.differingRows} differing row, ${table.batchesRead.a} batches each):`,
  );
  console.log(
    `  median ${fmt(median(diffs.map((d) => d.ms)))} (${diffs.map((d) => fmt(d.ms)).join(", ")}), peak extra arrayBuffers ${Math.max(...diffs.map((d) => d.peakMb)).toFixed(0)} MB`,
  );

  const metricsStart = performance.now();
  for (let i = 0; i < RUNS; i++) await runFlow(MetricsFlow, { params: { rows: RUN_ROWS, seed: i }, ...quiet });
  console.log(`\n${RUNS} runs of MetricsFlow (${RUN_ROWS.toLocaleString("en")} rows each) written in ${fmt(performance.now() - metricsStart)}`);
  const q = "SELECT count(*) AS n, count(DISTINCT run_id) AS runs, avg(loss) AS loss FROM artifact('MetricsFlow', 'metrics')";
  await closeClient(); // a fresh index: the first query loads the details and the tables
  useDatastore(root);
  const cold = await measure(() => querySql(q));
  const warm = [];
  for (let i = 0; i < REPEAT; i++) warm.push(await measure(() => querySql(q)));
  const other = await measure(() => querySql("SELECT epoch, min(loss) FROM artifact('MetricsFlow', 'metrics') GROUP BY epoch ORDER BY epoch LIMIT 3"));
  console.log(`artifact() over ${RUNS} runs (${JSON.stringify(cold.value.rows[0])}):`);
  console.log(
    `  first query ${fmt(cold.ms)} (reads ${RUNS} files), same query again ${fmt(median(warm.map((w) => w.ms)))}, another query over the same call ${fmt(other.ms)}`,
  );
  await closeClient();

  const s = await openKernelSession({ env: { TSFLOW_USER: "bench", TSFLOW_DATASTORE_ROOT: root } });
  try {
    await s.send({ op: "execute", code: "%namespace" }); // the first magic waits for the library to load
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const r = await s.send({ op: "execute", code: `%diff ${a.pathspec} ${b.pathspec}` });
      if (r.reply.status !== "ok") throw new Error(JSON.stringify(r.reply));
      times.push(r.ms as number);
    }
    console.log(
      `\n%diff of the two ${ROWS.toLocaleString("en")}-row runs through jupyter_client, execute to idle: first ${fmt(times[0]!)}, median ${fmt(median(times))} (${times.map(fmt).join(", ")})`,
    );
  } finally {
    await s.close();
  }
} finally {
  await closeClient();
  rmSync(root, { recursive: true, force: true });
}
