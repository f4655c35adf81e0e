// Scaling out (issue 12's speed targets), measured in one bench run on this machine:
//  1. a 200-way foreach of trivial tasks: the local worker pool (`tsflow run`) vs BullMQ with 3
//     `tsflow worker` processes (concurrency 2 each) on a 127.0.0.1 Redis the bench starts and stops;
//     target: queue within 1.2x of local;
//  2. the queue's dispatch overhead a task, (queue - local) / 200; target < 5 ms;
//  3. a dead worker's task: kill -9 of a worker mid-task, time from the kill to the task's next
//     delivery starting on another worker (its log line `: started (delivery 2)`); target < 30 s;
//  4. the same foreach with `--executor slurm` on a 3-node network-namespace cluster (prefix `tsb`)
//     vs a bare `sbatch --array=0-199` of `node -e` commands that write a file; target: 1.2x. A second
//     baseline has the run's job shape: bare single -> array -> single -> single, each submitted once
//     the one before wrote its files (what a launcher of bare commands would do).
// Local and queue trials alternate, so load shifts hit both alike. The root is a folder on this
// machine with TSFLOW_SHARED_ROOT=1 (every "host" here shares one filesystem). Each figure is the
// median of RUNS trials (default 3) with the 1-minute load average at each trial's start.
// Needs root (network namespaces), redis-server, slurm-wlm + munge.
// Run: npm run build && node --import tsx bench/scale-out.ts [runs]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, REPO } from "../test/_helpers/cli.js";
import { type RedisServer, startRedis } from "../test/_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../test/_helpers/workers.js";
import { type SlurmCluster, startSlurm } from "../test/_helpers/slurm-cluster.js";
import { foreachFlow } from "./flow-sources.js";

const RUNS = Number(process.argv[2] ?? 3);
const N = 200;
const GEN = join(REPO, "bench/.generated");
mkdirSync(GEN, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "tsflow-bench-scale-"));

const fanFile = join(GEN, "Scale200.ts");
writeFileSync(fanFile, foreachFlow("Scale200Flow", N, "(this as { sq?: number }).sq = (this.input as number) ** 2;"));
const chainSteps = 20;
const killFile = join(GEN, "Kill4.ts");
writeFileSync(
  killFile,
  `import { FlowSpec, step } from "tsflow";
export class Kill4Flow extends FlowSpec {
  items: number[] = [];
  @step start() { this.items = [0, 1, 2, 3]; this.next(this.each, { foreach: "items" }); }
  @step async each() { await new Promise((r) => setTimeout(r, 10_000)); this.next(this.join); }
  @step join(inputs: unknown) { this.next(this.end); }
  @step end() {}
}
`,
);
const chainFile = join(GEN, "Chain22.ts");
writeFileSync(
  chainFile,
  `import { FlowSpec, step } from "tsflow";
export class Chain22Flow extends FlowSpec {
  x = 0;
  @step start() { this.next(this.s0); }
${Array.from({ length: chainSteps }, (_, i) => `  @step s${i}() { this.x = ${i}; this.next(this.${i === chainSteps - 1 ? "end" : `s${i + 1}`}); }`).join("\n")}
  @step end() {}
}
`,
);

interface Trial {
  ms: number;
  load: number;
  span?: Span;
  gapMs?: number;
}
/** From the run's done.json records: start's end to join's start (the foreach as the launcher saw it), and the tasks' own first start to last end. */
interface Span {
  foreachMs: number;
  tasksMs: number;
}

const load = () => loadavg()[0]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let roots = 0;
const freshRoot = () => join(work, `root-${++roots}`);
const baseEnv = { ...process.env, TSFLOW_USER: "bench", TSFLOW_PRODUCTION_TOKEN: "", TSFLOW_SHARED_ROOT: "1" };

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = baseEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

async function timed(f: () => Promise<unknown>): Promise<{ ms: number; load: number }> {
  const l = load();
  const t0 = performance.now();
  await f();
  return { ms: performance.now() - t0, load: l };
}

function readSpan(root: string, flow: string): Span {
  const runs = join(root, "flows", flow, "runs");
  const steps = join(runs, newestRun(runs), "steps");
  const done = (step: string) =>
    readdirSync(join(steps, step)).flatMap((task) => {
      const dir = join(steps, step, task);
      return readdirSync(dir)
        .filter((a) => a.startsWith("attempt-") && existsSync(join(dir, a, "done.json")))
        .map((a) => JSON.parse(readFileSync(join(dir, a, "done.json"), "utf8")) as { startedAt: number; finishedAt: number });
    });
  const each = done("each");
  return {
    foreachMs: done("join")[0]!.startedAt - done("start")[0]!.finishedAt,
    tasksMs: Math.max(...each.map((d) => d.finishedAt)) - Math.min(...each.map((d) => d.startedAt)),
  };
}

/** The chain's median gap from one task's end (done.json finishedAt) to the next one's start: one dispatch round-trip. */
function chainGap(root: string): number {
  const runs = join(root, "flows", "Chain22Flow", "runs");
  const steps = join(runs, newestRun(runs), "steps");
  const order = ["start", ...Array.from({ length: chainSteps }, (_, i) => `s${i}`), "end"];
  const rec = (step: string) => {
    const task = readdirSync(join(steps, step))[0]!;
    return JSON.parse(readFileSync(join(steps, step, task, "attempt-0", "done.json"), "utf8")) as { startedAt: number; finishedAt: number };
  };
  const recs = order.map(rec);
  return median(recs.slice(1).map((r, i) => r.startedAt - recs[i]!.finishedAt));
}

/** The newest run with steps in a flow's runs folder (run ids are fixed-width microseconds). */
function newestRun(runs: string): string {
  return readdirSync(runs)
    .filter((d) => existsSync(join(runs, d, "steps")))
    .sort()
    .pop()!;
}

async function tsflowRun(
  flowFile: string,
  flow: string,
  extra: string[],
  env: NodeJS.ProcessEnv = {},
  prefix: string[] = [],
  foreach = true,
  keptRoot?: string,
): Promise<Trial> {
  const root = keptRoot ?? freshRoot();
  const t = await timed(() =>
    exec(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), BIN, "run", flowFile, ...extra], {
      ...baseEnv,
      TSFLOW_DATASTORE_ROOT: root,
      ...env,
    }),
  );
  const measured = foreach ? { span: readSpan(root, flow) } : { gapMs: chainGap(root) };
  if (!keptRoot) rmSync(root, { recursive: true, force: true });
  return { ...t, ...measured };
}

const rows: string[] = [];
function report(what: string, trials: Trial[], target: string, value = `${(median(trials.map((t) => t.ms)) / 1000).toFixed(2)} s`): void {
  const loads = trials.map((t) => t.load.toFixed(1)).join("/");
  const gaps = trials.every((t) => t.gapMs !== undefined) ? `; task end -> next task start ${median(trials.map((t) => t.gapMs!)).toFixed(0)} ms` : "";
  const spans = trials.every((t) => t.span)
    ? `; foreach span ${(median(trials.map((t) => t.span!.foreachMs)) / 1000).toFixed(2)} s, tasks' own ${(median(trials.map((t) => t.span!.tasksMs)) / 1000).toFixed(2)} s`
    : "";
  const line = `${what.padEnd(58)} ${value.padStart(10)}  (trials ${trials.map((t) => (t.ms / 1000).toFixed(2)).join("/")} s, load ${loads}${spans}${gaps})  target ${target}`;
  rows.push(line);
  console.log(line);
}

let redis: RedisServer | undefined;
let workers: WorkerProcess[] = [];
let cluster: SlurmCluster | undefined;
const startWorkers = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      startWorker(redis!.url, {
        concurrency: 2,
        env: { ...baseEnv, TSFLOW_CACHE_DIR: join(work, `cache-w${i}-${Date.now()}`) },
      }),
    ),
  );

async function queueVsLocal(): Promise<void> {
  const queue = ["--executor", redis!.url];
  await tsflowRun(fanFile, "Scale200Flow", []); // warms the bundle/compile caches
  await tsflowRun(fanFile, "Scale200Flow", queue); // warms the workers' code cache and pools
  const local: Trial[] = [];
  const remote: Trial[] = [];
  // Each trial runs new code (a variant of the file: a new code package) on a fresh root, as a
  // team's long-running workers meet a run they have not seen.
  for (let i = 0; i < RUNS; i++) {
    const file = join(GEN, `Scale200-v${i}.ts`);
    writeFileSync(file, `${readFileSync(fanFile, "utf8")}// variant ${i} ${Date.now()}\n`);
    local.push(await tsflowRun(file, "Scale200Flow", []));
    remote.push(await tsflowRun(file, "Scale200Flow", queue));
  }
  report(`${N}-task foreach, local pool (tsflow run, 2 workers)`, local, "baseline");
  report(`${N}-task foreach, BullMQ (3 tsflow worker x concurrency 2)`, remote, "<= 1.2x local");
  const ratio = remote.map((r, i) => r.ms / local[i]!.ms);
  report("  queue / local (median of paired trials)", remote, "<= 1.2x", `${median(ratio).toFixed(2)}x`);
  const perTask = remote.map((r, i) => (r.ms - local[i]!.ms) / N);
  report("  dispatch overhead a task, (queue - local) / 200", remote, "< 5 ms", `${median(perTask).toFixed(1)} ms`);
  // The trials above give every run new code and a fresh root: the workers' task processes load a
  // package they have not seen. A later run of the same code on the same root is the steady state.
  const localRoot = freshRoot();
  const queueRoot = freshRoot();
  await tsflowRun(fanFile, "Scale200Flow", queue, {}, [], true, queueRoot);
  const warmLocal: Trial[] = [];
  const warmRemote: Trial[] = [];
  for (let i = 0; i < RUNS; i++) {
    warmLocal.push(await tsflowRun(fanFile, "Scale200Flow", [], {}, [], true, localRoot));
    warmRemote.push(await tsflowRun(fanFile, "Scale200Flow", queue, {}, [], true, queueRoot));
  }
  rmSync(localRoot, { recursive: true, force: true });
  rmSync(queueRoot, { recursive: true, force: true });
  report(`${N}-task foreach, local pool, a later run on the same root`, warmLocal, "baseline");
  report(`${N}-task foreach, BullMQ, a later run of the same code on the same root (warm pools)`, warmRemote, "<= 1.2x local");
  const warmRatio = warmRemote.map((r, i) => r.ms / warmLocal[i]!.ms);
  report("  queue / local, warm workers (median of paired trials)", warmRemote, "<= 1.2x", `${median(warmRatio).toFixed(2)}x`);
  const warmPerTask = warmRemote.map((r, i) => (r.ms - warmLocal[i]!.ms) / N);
  report("  dispatch overhead a task, warm workers", warmRemote, "< 5 ms", `${median(warmPerTask).toFixed(1)} ms`);
}

// Throughput hides latency (6 queue slots vs 2 local): a chain of 22 one-at-a-time tasks shows what each dispatch adds.
async function chainLatency(): Promise<void> {
  const queue = ["--executor", redis!.url];
  await tsflowRun(chainFile, "Chain22Flow", queue, {}, [], false); // the workers load its package
  const chainLocal: Trial[] = [];
  const chainQueue: Trial[] = [];
  for (let i = 0; i < RUNS; i++) {
    chainLocal.push(await tsflowRun(chainFile, "Chain22Flow", [], {}, [], false));
    chainQueue.push(await tsflowRun(chainFile, "Chain22Flow", queue, {}, [], false));
  }
  report(`chain of ${chainSteps + 2} tasks one after another, local pool`, chainLocal, "baseline");
  report(`chain of ${chainSteps + 2} tasks one after another, BullMQ`, chainQueue, "-");
  report(
    "  round-trip added a task, (queue - local) / 22 (incl. bundling, connecting)",
    chainQueue,
    "-",
    `${median(chainQueue.map((q, i) => (q.ms - chainLocal[i]!.ms) / (chainSteps + 2))).toFixed(1)} ms`,
  );
  report(
    "  dispatch round-trip added a task, from done.json gaps",
    chainQueue,
    "< 5 ms",
    `${median(chainQueue.map((q, i) => q.gapMs! - chainLocal[i]!.gapMs!)).toFixed(1)} ms`,
  );
}

async function deadWorker(): Promise<void> {
  const trials: Trial[] = [];
  for (let i = 0; i < RUNS; i++) {
    const root = freshRoot();
    const marks = workers.map((w) => w.output().length);
    let failed: Error | undefined;
    const run = exec(process.execPath, [BIN, "run", killFile, "--executor", redis!.url], { ...baseEnv, TSFLOW_DATASTORE_ROOT: root }).catch((err: Error) => {
      failed = err;
    });
    // Wait until the 4 tasks have started, then kill a worker that runs one of them.
    const started = (w: WorkerProcess, j: number) =>
      [
        ...w
          .output()
          .slice(marks[j])
          .matchAll(/Kill4Flow\/\d+\/each\/(\d+) attempt \d+: started \(delivery 1\)/g),
      ].map((m) => m[1]!);
    const deadline = Date.now() + 120_000;
    while (workers.reduce((n, w, j) => n + started(w, j).length, 0) < 4) {
      if (failed || Date.now() > deadline) throw failed ?? new Error("the kill trial's tasks did not start");
      await sleep(50);
    }
    const v = workers.findIndex((w, j) => started(w, j).length > 0);
    const victim = workers[v]!;
    const lost = started(victim, v);
    const l = load();
    await victim.kill9();
    const t0 = performance.now();
    const survivors = workers.filter((w) => w !== victim);
    const after = survivors.map((w) => w.output().length);
    const again = () =>
      survivors.some((w, j) =>
        [
          ...w
            .output()
            .slice(after[j])
            .matchAll(/Kill4Flow\/\d+\/each\/(\d+) attempt \d+: started \(delivery [2-9]\)/g),
        ].some((m) => lost.includes(m[1]!)),
      );
    while (!again()) {
      if (performance.now() - t0 > 180_000) throw new Error("the dead worker's task was not delivered again in 180 s");
      await sleep(50);
    }
    trials.push({ ms: performance.now() - t0, load: l });
    await run;
    if (failed) throw failed;
    rmSync(root, { recursive: true, force: true });
    workers = [...survivors, ...(await startWorkers(1))];
  }
  report("kill -9 of a worker mid-task -> its task started again", trials, "< 30 s");
}

async function slurmVsBare(): Promise<void> {
  cluster = await startSlurm("tsb", 3);
  const inCtl = ["ip", "netns", "exec", cluster.controller];
  const env = { ...cluster.env };
  const out = join(work, "bare");
  const script = join(work, "bare.sh");
  writeFileSync(
    script,
    `#!/bin/sh\nexec ${process.execPath} -e "require('fs').writeFileSync(process.argv[1], process.env.SLURMD_NODENAME || '')" ${out}/\${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}-\${SLURM_ARRAY_TASK_ID:-0}\n`,
  );
  mkdirSync(out, { recursive: true });
  const bareArray = async () => {
    const job = (
      await exec(inCtl[0]!, [...inCtl.slice(1), "sbatch", "--parsable", "--requeue", `--array=0-${N - 1}`, "--output=/dev/null", script], {
        ...baseEnv,
        ...env,
      })
    ).trim();
    const deadline = Date.now() + 600_000;
    while (readdirSync(out).filter((f) => f.startsWith(`${job}-`)).length < N) {
      if (Date.now() > deadline) throw new Error(`bare array ${job} did not finish`);
      await sleep(100);
    }
  };
  const bareSingle = async () => {
    const job = (await exec(inCtl[0]!, [...inCtl.slice(1), "sbatch", "--parsable", "--output=/dev/null", script], { ...baseEnv, ...env })).trim();
    while (!readdirSync(out).some((f) => f.startsWith(`${job}-`))) await sleep(50);
  };
  const bareShape = async () => {
    await bareSingle();
    await bareArray();
    await bareSingle();
    await bareSingle();
  };
  // No warm-up run: every array task is a process of its own (only the nodes' code cache carries over).
  const ours: Trial[] = [];
  const bare: Trial[] = [];
  const single: Trial[] = [];
  const shape: Trial[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await tsflowRun(fanFile, "Scale200Flow", ["--executor", "slurm"], env, inCtl));
    bare.push(await timed(bareArray));
    single.push(await timed(bareSingle));
    shape.push(await timed(bareShape));
  }
  report(`${N}-task foreach, --executor slurm (whole run: start, array, join, end)`, ours, "<= 1.2x bare");
  report(`bare sbatch --array=0-${N - 1} of node -e (writes a file)`, bare, "baseline");
  report("bare single sbatch job, submit -> its file", single, "-");
  report("bare job shape: single -> array -> single -> single", shape, "second baseline");
  report("  slurm executor run / bare array", ours, "<= 1.2x", `${median(ours.map((o, i) => o.ms / bare[i]!.ms)).toFixed(2)}x`);
  report("  slurm executor foreach span / bare array", ours, "<= 1.2x", `${median(ours.map((o, i) => o.span!.foreachMs / bare[i]!.ms)).toFixed(2)}x`);
  report("  slurm executor run / bare job shape", ours, "(second baseline)", `${median(ours.map((o, i) => o.ms / shape[i]!.ms)).toFixed(2)}x`);
}

// BENCH_SCALE_ONLY=queue or =slurm runs one part (=chain: the queue's chain latency alone).
const only = process.env.BENCH_SCALE_ONLY;
try {
  console.log(
    `(load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}; ${RUNS} trials each)`,
  );
  if (only !== "slurm") {
    redis = await startRedis();
    workers = await startWorkers(3);
    if (only !== "chain") await queueVsLocal();
    await chainLatency();
    if (only !== "chain") await deadWorker();
    await Promise.all(workers.map((w) => w.kill9()));
    workers = [];
    await redis?.stop();
    redis = undefined;
  }
  if (only !== "queue" && only !== "chain") await slurmVsBare();
} finally {
  await Promise.all(workers.map((w) => w.kill9()));
  await redis?.stop();
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`\n${JSON.stringify(rows)}`);
process.exit(0);
