// S3 datastore speed on the local Ceph RGW (issue 11 targets): TeamCollabFlow end to end, a 20-way
// foreach, and a 10M-row Arrow artifact up and down next to the server's raw multipart upload and
// parallel ranged download rates, measured in the same run (16 requests in flight, 8 MiB parts).
// Run: source /tmp/ceph-env.sh; npm run build && node --expose-gc --import tsx bench/s3.ts
// Env: TSFLOW_BENCH_BUCKET (default tsflow-bench, created when missing), BENCH_RUNS (default 3).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { tableFromArrays } from "apache-arrow";
import { PART_SIZE, PARTS_IN_FLIGHT, S3Storage } from "../src/store/s3-storage.js";
import { ObjectStore } from "../src/store/object-store.js";
import { foreachFlow } from "./flow-sources.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const REPO = fileURLToPath(new URL("../", import.meta.url));
const BUCKET = process.env.TSFLOW_BENCH_BUCKET || "tsflow-bench";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROWS = 10_000_000;
const MB = 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const report = (what: string, value: string, target: string) => console.log(`${what.padEnd(56)} ${value.padStart(14)}   target ${target}`);
const root = (label: string) => `s3://${BUCKET}/bench-${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

const client = new S3Client({
  forcePathStyle: true,
  region: process.env.AWS_REGION || "us-east-1",
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
  if (e.name !== "BucketAlreadyOwnedByYou" && e.name !== "BucketAlreadyExists") throw e;
});
const cleanup: string[] = [];

// Raw rates: the SDK alone, no tsflow.
async function rawRates(bytes: number): Promise<{ up: number; down: number }> {
  const key = `raw-${randomBytes(4).toString("hex")}`;
  const body = Buffer.alloc(bytes, 7);
  let t0 = performance.now();
  await new Upload({ client, params: { Bucket: BUCKET, Key: key, Body: body }, queueSize: PARTS_IN_FLIGHT, partSize: PART_SIZE }).done();
  const up = bytes / MB / ((performance.now() - t0) / 1000);
  const size = (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength!;
  const out = Buffer.allocUnsafe(size);
  const chunk = 8 << 20;
  const starts = Array.from({ length: Math.ceil(size / chunk) }, (_, i) => i * chunk);
  t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < starts.length) {
        const s = starts[next++]!;
        const r = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: `bytes=${s}-${Math.min(size, s + chunk) - 1}` }));
        let o = s;
        for await (const c of r.Body as AsyncIterable<Uint8Array>) {
          out.set(c, o);
          o += c.byteLength;
        }
      }
    }),
  );
  const down = size / MB / ((performance.now() - t0) / 1000);
  await new S3Storage(`s3://${BUCKET}`).delete(key);
  return { up, down };
}

async function arrowRates(): Promise<{ mb: number; up: number[]; down: number[]; peakUpMb: number; peakDownMb: number }> {
  const r = root("arrow");
  cleanup.push(r);
  const objects = new ObjectStore(new S3Storage(r));
  const table = tableFromArrays({ x: Float64Array.from({ length: ROWS }, (_, i) => i * 0.5), y: Int32Array.from({ length: ROWS }, (_, i) => i % 1000) });
  const up: number[] = [];
  const down: number[] = [];
  let mb = 0;
  let peakUp = 0;
  let peakDown = 0;
  for (let i = 0; i < RUNS; i++) {
    await new S3Storage(r).deletePrefix("objects");
    global.gc?.();
    let base = process.memoryUsage().arrayBuffers;
    let high = base;
    let timer = setInterval(() => (high = Math.max(high, process.memoryUsage().arrayBuffers)), 2);
    let t0 = performance.now();
    const ref = await objects.put(table, { artifact: "t", step: "bench" });
    up.push(performance.now() - t0);
    clearInterval(timer);
    peakUp = Math.max(peakUp, (high - base) / MB);
    mb = ref.size / MB;
    global.gc?.();
    base = process.memoryUsage().arrayBuffers;
    high = base;
    timer = setInterval(() => (high = Math.max(high, process.memoryUsage().arrayBuffers)), 2);
    t0 = performance.now();
    const back = (await objects.get(ref)) as { numRows: number };
    down.push(performance.now() - t0);
    clearInterval(timer);
    peakDown = Math.max(peakDown, (high - base) / MB);
    if (back.numRows !== ROWS) throw new Error("wrong table read back");
  }
  return { mb, up, down, peakUpMb: peakUp, peakDownMb: peakDown };
}

function timeCli(label: string, args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r0 = root(label);
    cleanup.push(r0);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(REPO, "bin/tsflow.js"), ...args], {
      env: { ...process.env, TSFLOW_USER: "bench", TSFLOW_DATASTORE_ROOT: r0 },
      encoding: "utf8",
    });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return times;
}

const GEN = join(REPO, "bench/.generated");
mkdirSync(GEN, { recursive: true });
const foreach = join(GEN, "S3Foreach20.ts");
writeFileSync(foreach, foreachFlow("S3Foreach20", 20, "(this as { v?: number }).v = (this.input as number) * 2;"));

console.log(`S3 endpoint: ${process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? "AWS"}, bucket ${BUCKET}, ${RUNS} runs each (median)\n`);
const team = timeCli("team", ["run", join(REPO, "examples/team-collab.ts")]);
report("tsflow run TeamCollabFlow on s3:// (end to end)", `${(median(team) / 1000).toFixed(2)} s`, "< 1.5 s");
const fe = timeCli("foreach", ["run", foreach]);
report("tsflow run of a 20-way foreach on s3:// (end to end)", `${(median(fe) / 1000).toFixed(2)} s`, "< 3 s");
const raw = await rawRates(200 << 20);
report("raw server: 200 MiB multipart upload (SDK, 16 x 5 MiB)", `${raw.up.toFixed(0)} MB/s`, "(reference)");
report("raw server: 200 MiB ranged download (SDK, 16 x 8 MiB)", `${raw.down.toFixed(0)} MB/s`, "(reference)");
const a = await arrowRates();
const upRate = a.mb / (median(a.up) / 1000);
const downRate = a.mb / (median(a.down) / 1000);
report(`10M-row Arrow artifact (${a.mb.toFixed(0)} MB) put`, `${upRate.toFixed(0)} MB/s`, `>= ${(raw.up / 2).toFixed(0)} MB/s (half raw)`);
report(`10M-row Arrow artifact (${a.mb.toFixed(0)} MB) get`, `${downRate.toFixed(0)} MB/s`, `>= ${(raw.down / 2).toFixed(0)} MB/s (half raw)`);
report("  extra memory during put / get (array buffers, peak)", `${a.peakUpMb.toFixed(0)} / ${a.peakDownMb.toFixed(0)} MB`, `table is ${a.mb.toFixed(0)} MB`);
for (const r of cleanup) await new S3Storage(r).deletePrefix("").catch(() => undefined);
client.destroy();
