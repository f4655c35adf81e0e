// `npm run bench`: every benchmark in turn, each in its own process (so one's memory or caches don't
// skew the next). Figures and the machine they came from go to BENCHMARKS.md.
// BENCH_ONLY=runtime,index limits which run; index sizes come from BENCH_INDEX_SIZES (default 1000 10000 100000).
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";

const only = process.env.BENCH_ONLY?.split(",");
const benches: [string, string[]][] = [
  ["runtime", ["bench/runtime.ts"]],
  ["artifacts", ["bench/artifacts.ts", "--rows", "10000000", "--repeat", "3"]],
  ["index", ["bench/index.ts", ...(process.env.BENCH_INDEX_SIZES ?? "1000 10000 100000").split(" ")]],
  ["kernel", ["bench/kernel.ts"]],
  ["exec", ["bench/exec.ts"]],
  ["pins", ["bench/pins.ts", ...(process.env.BENCH_PINS_SIZES ?? "1000 100000").split(" ")]],
  ["analysis", ["bench/analysis.ts", "--rows", "10000000", "--runs", "100"]],
  // Needs an S3 server in the environment (AWS_ENDPOINT_URL_S3 and credentials): skipped without one.
  ...(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL
    ? [["s3", ["bench/s3.ts"]] as [string, string[]], ["s3-sync", ["bench/s3-sync.ts", "100000"]] as [string, string[]]]
    : []),
  // Needs root (network namespaces for Slurm), redis-server, slurm-wlm and munge.
  ["scale-out", ["bench/scale-out.ts"]],
];

console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`,
);
let failed = 0;
for (const [name, args] of benches) {
  if (only && !only.includes(name)) continue;
  console.log(`## ${name}\n`);
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", ...args], { stdio: "inherit" });
  if (r.status !== 0) failed++;
  console.log("");
}
process.exit(failed ? 1 : 0);
