/**
 * Kernel benchmark: starts the built kernel (dist/kernel/main.js) through Debian's jupyter_client and
 * prints start-up time, first-cell time, and median / p90 round trips (request sent → idle) for a
 * trivial cell, a magic, and completions. Run: `npm run build && node --import tsx bench/kernel.ts`.
 */
import { fileURLToPath } from "node:url";
import { openKernelSession, type KernelSession } from "../test/_helpers/jupyter-client.js";

const ENTRY = fileURLToPath(new URL("../dist/kernel/main.js", import.meta.url));
const STARTS = Number(process.env["BENCH_STARTS"] ?? 3);
const REPEAT = Number(process.env["BENCH_REPEAT"] ?? 50);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { median: at(0.5), p90: at(0.9), min: s[0] as number };
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function repeat(session: KernelSession, command: Record<string, unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) times.push((await session.send(command)).ms as number);
  return times;
}

const rows: [string, string][] = [];
const starts: number[] = [];
const firsts: number[] = [];
let last: KernelSession | undefined;
for (let i = 0; i < STARTS; i++) {
  const session = await openKernelSession({ argv: [process.execPath, ENTRY, "{connection_file}"] });
  starts.push(session.started.ms as number);
  firsts.push((await session.send({ op: "execute", code: "1" })).ms as number);
  if (i < STARTS - 1) await session.close();
  else last = session;
}
rows.push(["kernel start (start_kernel → ready), median", fmt(stats(starts).median)]);
rows.push(["first cell `1` after start, median", fmt(stats(firsts).median)]);
const s = last as KernelSession;
await s.send({ op: "execute", code: `import { FlowSpec, step } from "tsflow";\nclass BenchFlow extends FlowSpec {\n  @step start() { this.next(this.end); }\n  @step end() {}\n}` });
for (let i = 0; i < 5; i++) await s.send({ op: "execute", code: "%run BenchFlow --tag bench" });
const cases: [string, Record<string, unknown>][] = [
  ["trivial cell `1`", { op: "execute", code: "1" }],
  ["magic cell `%lsmagic`", { op: "execute", code: "%lsmagic" }],
  ["declaration cell `const a = 1`", { op: "execute", code: "const a: number = 1" }],
  ["complete `Math.`", { op: "request", type: "complete", args: { code: "Math.", cursor_pos: 5 } }],
  ["complete magic name `%ls`", { op: "request", type: "complete", args: { code: "%ls", cursor_pos: 3 } }],
  ["magic `%namespace` (show)", { op: "execute", code: "%namespace" }],
  ["magic `%runs BenchFlow --limit 20`", { op: "execute", code: "%runs BenchFlow --limit 20" }],
  ["complete run ids `Run(\"BenchFlow/`", { op: "request", type: "complete", args: { code: 'Run("BenchFlow/', cursor_pos: 15 } }],
];
for (const [label, command] of cases) {
  const st = stats(await repeat(s, command));
  rows.push([`${label}: median / p90 of ${REPEAT}`, `${fmt(st.median)} / ${fmt(st.p90)}`]);
}
await s.close();
if (process.env["BENCH_STOCK"] !== "0") {
  // Stock tslab under the same conditions, for scale (it prints results to stdout instead of execute_result).
  const tslab = fileURLToPath(new URL("../node_modules/tslab/bin/tslab", import.meta.url));
  const stockStarts: number[] = [];
  let stock: KernelSession | undefined;
  for (let i = 0; i < STARTS; i++) {
    stock = await openKernelSession({ argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"] });
    stockStarts.push(stock.started.ms as number);
    if (i < STARTS - 1) await stock.close();
  }
  const st = stats(await repeat(stock as KernelSession, { op: "execute", code: "1" }));
  await stock?.close();
  rows.push(["stock tslab 1.0.22, same machine: start, median", fmt(stats(stockStarts).median)]);
  rows.push([`stock tslab 1.0.22: trivial cell \`1\`: median / p90 of ${REPEAT}`, `${fmt(st.median)} / ${fmt(st.p90)}`]);
}
const width = Math.max(...rows.map(([l]) => l.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
