/**
 * Artifact store bench: write and read throughput of the object store (Arrow and JSON artifacts)
 * next to the raw throughput of the same disk, and the extra memory each operation needs.
 *
 *   node --import tsx bench/artifacts.ts [--rows 10000000] [--repeat 3] [--dir /tmp]
 *
 * "cold" reads drop the page cache first (needs root; shown as n/a otherwise). "dd" rows run
 * `dd ... oflag=direct` / `iflag=direct` when dd is available: the disk's own sequential bandwidth.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { tableFromArrays, type Table } from "apache-arrow";
import { encodeArrowTable } from "../src/store/codec/arrow-codec.js";
import { ArrowFileCheck } from "../src/store/codec/arrow-verify.js";
import { LocalStorage } from "../src/store/local-storage.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ArtifactRef } from "../src/store/records.js";

const { values: args } = parseArgs({
  options: { rows: { type: "string", default: "10000000" }, repeat: { type: "string", default: "3" }, dir: { type: "string", default: tmpdir() } },
});
const ROWS = Number(args.rows);
const REPEAT = Number(args.repeat);
const MB = 1e6;

interface Row {
  case: string;
  mb: number;
  ms: number[];
  peakMb: number | undefined;
}
const results: Row[] = [];

/** Runs `op` REPEAT times (after `setup` each time); records sizes, times and peak extra array-buffer memory. */
async function measure(name: string, bytes: number, op: () => Promise<unknown>, setup?: () => void): Promise<void> {
  const ms: number[] = [];
  let peak = 0;
  for (let i = 0; i < REPEAT; i++) {
    setup?.();
    global.gc?.();
    const base = process.memoryUsage().arrayBuffers;
    let high = base;
    const timer = setInterval(() => (high = Math.max(high, process.memoryUsage().arrayBuffers)), 2);
    const start = performance.now();
    const kept = await op();
    ms.push(performance.now() - start);
    clearInterval(timer);
    peak = Math.max(peak, Math.max(high, process.memoryUsage().arrayBuffers) - base);
    void kept;
  }
  results.push({ case: name, mb: bytes / MB, ms, peakMb: global.gc ? peak / MB : undefined });
}

function dropCaches(): boolean {
  try {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    return true;
  } catch {
    return false;
  }
}

/** Seconds dd reports for a copy, or undefined when dd is missing or fails. */
function dd(argv: string[]): number | undefined {
  const run = spawnSync("dd", argv, { encoding: "utf8" });
  const secs = /([\d.]+) s,/.exec(run.stderr ?? "")?.[1];
  return run.status === 0 && secs ? Number(secs) : undefined;
}

function ddRows(dir: string, bytes: number): void {
  const file = join(dir, "dd.bin");
  const count = String(Math.ceil(bytes / (1 << 20)));
  const w = dd(["if=/dev/zero", `of=${file}`, "bs=1M", `count=${count}`, "oflag=direct"]);
  const r = dd([`if=${file}`, "of=/dev/null", "bs=1M", "iflag=direct"]);
  if (w) results.push({ case: "dd write, O_DIRECT (disk)", mb: (Number(count) << 20) / MB, ms: [w * 1000], peakMb: undefined });
  if (r) results.push({ case: "dd read, O_DIRECT (disk)", mb: (Number(count) << 20) / MB, ms: [r * 1000], peakMb: undefined });
  rmSync(file, { force: true });
}

async function rawRows(dir: string, bytes: number, cold: boolean): Promise<void> {
  const file = join(dir, "raw.bin");
  const data = Buffer.alloc(bytes, 7);
  const write = async (sync: boolean) => {
    const h = await open(file, "w");
    await h.writeFile(data);
    if (sync) await h.sync();
    await h.close();
  };
  await measure("raw fs write (page cache)", bytes, () => write(false));
  await measure("raw fs write + fsync", bytes, () => write(true));
  await measure("raw fs read (warm)", bytes, () => readFile(file));
  if (cold) await measure("raw fs read (cold)", bytes, () => readFile(file), dropCaches);
}

async function arrowRows(store: ObjectStore, cold: boolean): Promise<ArtifactRef> {
  const i = new Int32Array(ROWS);
  const f = new Float64Array(ROWS);
  for (let k = 0; k < ROWS; k++) {
    i[k] = k;
    f[k] = k * 0.25;
  }
  const table = tableFromArrays({ i, f });
  let ref!: ArtifactRef;
  const drop = () => void rmSync(join(store.storage.location, "objects"), { recursive: true, force: true });
  await measure(`arrow put, ${ROWS / 1e6}M rows`, ROWS * 12, async () => (ref = await store.put(table, { artifact: "t", step: "bench" })), drop);
  await measure(`arrow put (duplicate)`, ROWS * 12, () => store.put(table, { artifact: "t", step: "bench" }));
  await measure(`arrow get (warm)`, ref.size, () => store.get(ref));
  if (cold) await measure(`arrow get (cold)`, ref.size, () => store.get(ref), dropCaches);
  await measure(`arrow preview, 10 rows`, ref.size, () => store.loadArrowPreview(ref, 10));
  await checkRows(table);
  return ref;
}

// The read-back check every Arrow put runs (arrow-verify.ts), alone: over the chunks of the file the
// put above wrote, and of a 3-row table (the fixed cost per put).
async function checkRows(table: Table): Promise<void> {
  const ctx = { artifact: "t", step: "bench" };
  for (const [name, t] of [
    [`arrow read-back check, ${ROWS / 1e6}M rows`, table],
    ["arrow read-back check, 3 rows", tableFromArrays({ x: Int32Array.of(1, 2, 3) })],
  ] as const) {
    const chunks = [...encodeArrowTable(t, ctx)]; // includes one check; the chunks are views of the table
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    await measure(name, bytes, async () => {
      for (let k = 0; k < (t === table ? 1 : 1000); k++) {
        const check = new ArrowFileCheck({ schema: t.schema, numRows: t.numRows }, ctx);
        for (const chunk of chunks) check.push(chunk);
        check.finish();
      }
    });
    if (t !== table) results.at(-1)!.case += " (x1000)";
  }
}

async function jsonRows(store: ObjectStore): Promise<void> {
  const numbers = Array.from({ length: 1_000_000 }, (_, k) => k * 1.5);
  const records = Array.from({ length: 100_000 }, (_, k) => ({ id: k, name: `user-${k}`, at: new Date(k), tags: new Set(["a", "b"]) }));
  for (const [name, value] of [
    ["json put, 1M numbers", numbers],
    ["json put, 100k records", records],
  ] as const) {
    let ref!: ArtifactRef;
    await measure(name, 0, async () => (ref = await store.put(value, { artifact: "j", step: "bench" })));
    results.at(-1)!.mb = ref.size / MB;
    await measure(name.replace("put", "get"), ref.size, () => store.get(ref));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function print(): void {
  const head = ["case", "MB", "ms (median)", "MB/s (median)", "MB/s (best)", "peak extra MB"];
  const rows = results.map((r) => [
    r.case,
    r.mb.toFixed(1),
    median(r.ms).toFixed(0),
    (r.mb / (median(r.ms) / 1000)).toFixed(0),
    (r.mb / (Math.min(...r.ms) / 1000)).toFixed(0),
    r.peakMb === undefined ? "n/a" : r.peakMb.toFixed(0),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ");
  console.log([line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
  if (!global.gc) console.log("(run with --expose-gc for the memory column)");
}

const dir = mkdtempSync(join(args.dir, "tsflow-bench-"));
try {
  const cold = dropCaches();
  const store = new ObjectStore(new LocalStorage(dir));
  ddRows(dir, ROWS * 12);
  await rawRows(dir, ROWS * 12, cold);
  await arrowRows(store, cold);
  await jsonRows(store);
  print();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
