// Runtime speed (issue 2 targets): `tsflow run` of TeamCollabFlow end to end, per-task overhead in
// process and in worker processes, a 1,000-way foreach, and a CPU-bound foreach on 1 vs 2 workers.
// Run: npm run build && node --import tsx bench/runtime.ts
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { foreachFlow } from "./flow-sources.js";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const GEN = join(REPO, "bench/.generated");
mkdirSync(GEN, { recursive: true });

function linearFlow(name: string, steps: number): string {
  const body = Array.from({ length: steps }, (_, i) => {
    const next = i === steps - 1 ? "end" : `s${i + 1}`;
    return `  @step s${i}() { this.x = ${i}; this.next(this.${next}); }`;
  }).join("\n");
  return `import { FlowSpec, step } from "tsflow";\nexport class ${name} extends FlowSpec {\n  x = 0;\n  @step start() { this.next(this.s0); }\n${body}\n  @step end() {}\n}\n`;
}

function write(name: string, source: string): string {
  const file = join(GEN, `${name}.ts`);
  writeFileSync(file, source);
  return file;
}

function timeCli(args: string[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const root = mkdtempSync(join(tmpdir(), "tsflow-bench-"));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(REPO, "bin/tsflow.js"), ...args], {
      env: { ...process.env, TSFLOW_USER: "bench", TSFLOW_DATASTORE_ROOT: join(root, ".tsflow") },
      encoding: "utf8",
    });
    times.push(performance.now() - t0);
    rmSync(root, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: [string, string, string][] = [];
const report = (what: string, value: string, target: string) => {
  rows.push([what, value, target]);
  console.log(`${what.padEnd(52)} ${value.padStart(12)}   target ${target}`);
};

async function inProcessPerTask(): Promise<number> {
  const { runFlow, useDatastore, FlowSpec, step } = await import("../src/index.js");
  const root = mkdtempSync(join(tmpdir(), "tsflow-bench-"));
  useDatastore(join(root, ".tsflow"));
  process.env.TSFLOW_USER = "bench";
  const make = (n: number) => {
    const cls = class extends FlowSpec {};
    Object.defineProperty(cls, "name", { value: `InProc${n}` });
    const names = ["start", ...Array.from({ length: n }, (_, i) => `s${i}`), "end"];
    names.forEach((name, i) => {
      const next = names[i + 1];
      const fn = next ? new Function(`return function ${name}() { this.v = ${i}; this.next(this.${next}); }`)() : function end() {};
      Object.defineProperty(cls.prototype, name, { value: fn, configurable: true, writable: true });
      (step as any)(cls.prototype, name, Object.getOwnPropertyDescriptor(cls.prototype, name));
    });
    return cls;
  };
  const quiet = { onEvent: () => {} };
  await runFlow(make(2), quiet);
  const t0 = performance.now();
  await runFlow(make(2), quiet);
  const small = performance.now() - t0;
  const t1 = performance.now();
  await runFlow(make(202), quiet);
  const big = performance.now() - t1;
  rmSync(root, { recursive: true, force: true });
  return (big - small) / 200;
}

const team = join(REPO, "examples/team-collab.ts");
timeCli(["run", team], 1);
report("tsflow run TeamCollabFlow (whole process, median of 5)", `${median(timeCli(["run", team], 5)).toFixed(0)} ms`, "< 500 ms (Metaflow 1,270 ms)");
report("per-task overhead, in-process (linear, 200 tasks)", `${(await inProcessPerTask()).toFixed(2)} ms`, "< 5 ms");
const l2 = write("Linear2", linearFlow("Linear2", 2));
const l42 = write("Linear42", linearFlow("Linear42", 42));
const t2 = median(timeCli(["run", l2], 3));
const t42 = median(timeCli(["run", l42], 3));
report("per-task overhead, worker processes (linear, 40 tasks)", `${((t42 - t2) / 40).toFixed(1)} ms`, "< 40 ms (Metaflow 400 ms)");
const fe = write("Foreach1000", foreachFlow("Foreach1000", 1000, ""));
report(
  "1,000-way foreach of trivial tasks (2 workers)",
  `${(median(timeCli(["run", fe, "--max-workers", "2"], 1)) / 1000).toFixed(2)} s`,
  "< 10 s (Metaflow 20-way: 7 s)",
);
const cpu = write("CpuForeach", foreachFlow("CpuForeach", 8, "let x = 0; for (let i = 0; i < 3e8; i++) x = (x + i) % 1000003; (this as any).r = x;"));
const one = median(timeCli(["run", cpu, "--max-workers", "1"], 1));
const two = median(timeCli(["run", cpu, "--max-workers", "2"], 1));
report("CPU-bound foreach (8 tasks): 1 worker / 2 workers", `${(one / two).toFixed(2)}x`, ">= 1.7x");
console.log(`\n${JSON.stringify(rows)}`);
process.exit(0);
