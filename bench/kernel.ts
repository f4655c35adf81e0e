/**
 * Kernel benchmark: start-up time, first-cell time, and median / p90 round trips (request sent →
 * idle) for a trivial cell, magics and completions, measured two ways:
 * - through Debian's jupyter_client (what a notebook front end's Python client sees: it adds its own
 *   parsing of every message, 4–6 ms a cell on this machine);
 * - through `wire-client.ts`, a minimal zeromq client (the kernel's own latency: execute_request to
 *   idle, the measure the reference figure for stock tslab uses).
 * Stock tslab runs under both, for scale. Run: `npm run build && node --import tsx bench/kernel.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openKernelSession, type KernelSession } from "../test/_helpers/jupyter-client.js";
import { WireClient } from "./wire-client.js";

const ENTRY = fileURLToPath(new URL("../dist/kernel/main.js", import.meta.url));
const TSLAB = fileURLToPath(new URL("../node_modules/tslab/bin/tslab", import.meta.url));
const TSFLOW_ARGV = [process.execPath, ENTRY, "{connection_file}"];
const TSLAB_ARGV = [process.execPath, TSLAB, "kernel", "--config-path", "{connection_file}"];
const STARTS = Number(process.env["BENCH_STARTS"] ?? 3);
const REPEAT = Number(process.env["BENCH_REPEAT"] ?? 50);
const STOCK = process.env["BENCH_STOCK"] !== "0";

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { median: at(0.5), p90: at(0.9), min: s[0] as number };
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const rows: [string, string][] = [];
const row = (label: string, xs: number[]) => {
  const st = stats(xs);
  rows.push([`${label}: median / p90 of ${xs.length}`, `${fmt(st.median)} / ${fmt(st.p90)}`]);
};

const FLOW_CELL = `import { FlowSpec, step } from "tsflow";\nclass BenchFlow extends FlowSpec {\n  @step start() { this.next(this.end); }\n  @step end() {}\n}`;
/** A case's code, or a function of the repetition for code that differs each time. */
type Case = [label: string, kind: "execute" | "complete", code: string | ((i: number) => string)];
const CASES: Case[] = [
  ["trivial cell `1`", "execute", "1"],
  ["new trivial cell each time `1 + i`", "execute", (i) => `1 + ${i}`],
  ["new declaration each time `const v_i = i`", "execute", (i) => `const v${i}: number = ${i}`],
  ["magic cell `%lsmagic`", "execute", "%lsmagic"],
  ["declaration cell `const a = 1`", "execute", "const a: number = 1"],
  ["complete `Math.`", "complete", "Math."],
  ["complete magic name `%ls`", "complete", "%ls"],
  ["magic `%namespace` (show)", "execute", "%namespace"],
  ["magic `%runs BenchFlow --limit 20`", "execute", "%runs BenchFlow --limit 20"],
  ['complete run ids `Run("BenchFlow/`', "complete", 'Run("BenchFlow/'],
];

/** Starts the kernel `argv` STARTS times through jupyter_client (each time after `then` ran on the previous one); keeps the last. */
async function startRepeatedly(argv: string[], then?: (s: KernelSession) => Promise<void>): Promise<{ starts: number[]; session: KernelSession }> {
  const starts: number[] = [];
  let session: KernelSession | undefined;
  for (let i = 0; i < STARTS; i++) {
    await session?.close();
    session = await openKernelSession({ argv });
    starts.push(session.started.ms as number);
    await then?.(session);
  }
  return { starts, session: session as KernelSession };
}

/** Through jupyter_client. */
async function viaJupyterClient(): Promise<void> {
  const firsts: number[] = [];
  const { starts, session } = await startRepeatedly(TSFLOW_ARGV, async (s) => void firsts.push((await s.send({ op: "execute", code: "1" })).ms as number));
  rows.push(["kernel start (start_kernel → ready), median", fmt(stats(starts).median)]);
  rows.push(["first cell `1` after start, median", fmt(stats(firsts).median)]);
  await session.send({ op: "execute", code: FLOW_CELL });
  for (let i = 0; i < 5; i++) await session.send({ op: "execute", code: "%run BenchFlow --tag bench" });
  for (const [label, kind, codeOf] of CASES) {
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const code = typeof codeOf === "string" ? codeOf : codeOf(i);
      const command = kind === "execute" ? { op: "execute", code } : { op: "request", type: "complete", args: { code, cursor_pos: code.length } };
      times.push((await session.send(command)).ms as number);
    }
    row(label, times);
  }
  await session.close();
  if (!STOCK) return;
  const { starts: stockStarts, session: stock } = await startRepeatedly(TSLAB_ARGV);
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) times.push((await stock.send({ op: "execute", code: "1" })).ms as number);
  await stock.close();
  rows.push(["stock tslab 1.0.22, same machine: start, median", fmt(stats(stockStarts).median)]);
  row("stock tslab 1.0.22: trivial cell `1`", times);
}

/** Through the minimal wire client: the kernel's own latency. */
async function viaWire(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-kernel-"));
  const options = { cwd: dir, env: { TSFLOW_USER: "bench", TSFLOW_DATASTORE_ROOT: join(dir, "datastore") } };
  try {
    const { client } = await WireClient.start(TSFLOW_ARGV, options);
    await client.execute(FLOW_CELL);
    for (let i = 0; i < 5; i++) await client.execute("%run BenchFlow --tag bench");
    for (const [label, kind, codeOf] of CASES) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const code = typeof codeOf === "string" ? codeOf : codeOf(i);
        times.push(kind === "execute" ? await client.execute(code) : await client.time("complete_request", { code, cursor_pos: code.length }));
      }
      row(`wire: ${label}`, times);
    }
    await client.close();
    if (!STOCK) return;
    const stock = await WireClient.start(TSLAB_ARGV, options);
    for (const [label, codeOf] of [
      ["trivial cell `1`", () => "1"],
      ["new trivial cell each time `1 + i`", (i: number) => `1 + ${i}`],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) times.push(await stock.client.execute(codeOf(i)));
      row(`wire: stock tslab 1.0.22: ${label}`, times);
    }
    await stock.client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await viaJupyterClient();
await viaWire();
const width = Math.max(...rows.map(([l]) => l.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
