// A user's script that reads a run (issue 14 item 11), as a whole process, cold (a new process each
// time; the compile cache of `tsflow exec` and tsx warm, as after the first run): plain `.mjs` with
// `node`, the same code as `.ts` with `tsflow exec`, and as `.ts` with tsx's loader (`npx tsx` adds
// npx's own start-up and a second process on top). Runs alternate, so the machine's load shifts all
// forms alike; besides wall time, each process's own CPU time (user + system, all its threads) is
// reported, which a loaded machine disturbs less.
// Target: `tsflow exec script.ts` within 1.3x of `node script.mjs`.
// Run: npm run build && node --import tsx bench/exec.ts [runs]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const RUNS = Number(process.argv[2] ?? 15);
const work = mkdtempSync(join(tmpdir(), "tsflow-bench-exec-"));
const root = join(work, ".tsflow");
const project = join(work, "project");
mkdirSync(join(project, "node_modules"), { recursive: true });
// A project that installs tsflow (the .mjs form needs one to resolve "tsflow").
symlinkSync(REPO, join(project, "node_modules", "tsflow"));
writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
const body = (ts: boolean) => `import { Flow } from "tsflow";
const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
const choice${ts ? ": number" : ""} = (await run${ts ? "!" : ""}.data.choice)${ts ? " as number" : ""};
console.log(\`\${run${ts ? "!" : ""}.id} \${choice}\`);
`;
writeFileSync(join(project, "read.mjs"), body(false));
writeFileSync(join(project, "read.ts"), body(true));

const env = { ...process.env, TSFLOW_USER: "bench", TSFLOW_DATASTORE_ROOT: root, TSFLOW_PRODUCTION_TOKEN: "" };
const BIN = join(REPO, "bin/tsflow.js");
const seeded = spawnSync(process.execPath, [BIN, "run", join(REPO, "examples/team-collab.ts")], { env, encoding: "utf8" });
if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stderr}`);

const forms: [string, string[]][] = [
  ["node read.mjs", ["read.mjs"]],
  ["tsflow exec read.ts", [BIN, "exec", "read.ts"]],
  ["tsflow exec read.mjs", [BIN, "exec", "read.mjs"]],
  ["node --import tsx read.ts", ["--import", pathToFileURL(join(REPO, "node_modules/tsx/dist/loader.mjs")).href, "read.ts"]],
  ["node -e 0 (Node's own start-up)", ["-e", "0"]],
];
// Prints the process's CPU time as it exits (stderr), loaded before anything else.
const CPU_PROBE = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("CPU_MS "+(u.user+u.system)/1000+"\\n")})`;
const wall = new Map<string, number[]>(forms.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(forms.map(([name]) => [name, []]));
const once = (name: string, args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", CPU_PROBE, ...args], { cwd: project, env, encoding: "utf8" });
  const ms = performance.now() - t0;
  const used = /CPU_MS ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !used) throw new Error(`${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  wall.get(name)!.push(ms);
  cpu.get(name)!.push(Number(used[1]));
};
for (const [name, args] of forms) once(name, args); // warms the caches (tsx's and tsflow exec's compiled script)
for (const list of [...wall.values(), ...cpu.values()]) list.length = 0;
for (let i = 0; i < RUNS; i++) for (const [name, args] of forms) once(name, args);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(wall.get("node read.mjs")!);
const baseCpu = median(cpu.get("node read.mjs")!);
for (const [name] of forms) {
  const m = median(wall.get(name)!);
  const c = median(cpu.get(name)!);
  console.log(
    `${name.padEnd(34)} wall ${m.toFixed(0).padStart(5)} ms  ${(m / base).toFixed(2)}x   CPU ${c.toFixed(0).padStart(5)} ms  ${(c / baseCpu).toFixed(2)}x   (of node read.mjs)`,
  );
}
console.log(`(median of ${RUNS} alternating runs each; target: tsflow exec read.ts within 1.3x)`);
rmSync(work, { recursive: true, force: true });
