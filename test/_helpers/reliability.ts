/**
 * Helpers of the reliability tests: how hard to try (`RELIABILITY_SCALE`), the truth about runs read
 * straight from the datastore files, an integrity check of every stored file, and a snapshot of a
 * root's file list (to prove that a refused input wrote nothing).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { datastoreAt } from "./runs.js";
import { BIN, REPO } from "./cli.js";

/**
 * How hard the reliability tests try: 1 is the full count (run locally:
 * `RELIABILITY_SCALE=1 node scripts/test.mjs reliability`); the default 0.25 keeps CI time sane.
 * With the same `RELIABILITY_SEED` and scale, a run makes the same random choices.
 * No test is ever skipped: every count is at least its minimum.
 */
export const SCALE = Number(process.env.RELIABILITY_SCALE ?? 0.25);

/** `full` scaled by `RELIABILITY_SCALE`, at least `min`. */
export function scaled(full: number, min = 1): number {
  return Math.max(min, Math.round(full * SCALE));
}

/**
 * The seed of the random choices the reliability trials make (which write to kill at, how long to
 * wait before a kill). Each run prints it; replay a failing run exactly with
 * `RELIABILITY_SEED=<seed> node scripts/test.mjs reliability-crash`. @default a fresh random seed
 */
export const SEED = parseSeed(process.env.RELIABILITY_SEED);

function parseSeed(text: string | undefined): number {
  if (text === undefined || text === "") return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error(`RELIABILITY_SEED=${text} is not valid: give an integer from 0 to 4294967295 (a seed a test printed).`);
  return seed;
}

/**
 * A seeded source of numbers in [0, 1) (mulberry32): the same seed gives the same trials. Each
 * test file makes its own from `SEED` and prints the seed once.
 */
export function seededRandom(seed = SEED, label = "reliability"): () => number {
  console.log(`${label}: random seed ${seed} (replay with RELIABILITY_SEED=${seed})`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the datastore files say about a run, decided without the index or the client. */
export interface RawRun {
  runId: string;
  /** The end task's newest attempt recorded success. */
  successful: boolean;
  /** `status.json`'s state, when the runtime lived to write it. */
  statusFile: "successful" | "failed" | undefined;
  userTags: string[];
}

/** Every run of a flow as its files describe it, by run id. */
export async function rawRuns(root: string, flow: string): Promise<Map<string, RawRun>> {
  const ds = datastoreAt(root);
  const out = new Map<string, RawRun>();
  for (const runId of await ds.listRunIds(flow)) {
    if (!(await ds.readRun(flow, runId))) continue; // never half a run.json: a missing one is no run
    let successful = false;
    for (const taskId of await ds.listTaskIds(flow, runId, "end")) {
      const attempt = (await ds.listAttempts(flow, runId, "end", taskId)).at(-1);
      if (attempt !== undefined) successful ||= (await ds.readDone(flow, runId, "end", taskId, attempt))?.success === true;
    }
    const status = await ds.readStatus(flow, runId);
    out.set(runId, { runId, successful, statusFile: status?.state, userTags: (await ds.readTags(flow, runId)).userTags });
  }
  return out;
}

/** What `checkIntegrity` looked at. */
export interface Integrity {
  files: number;
  objects: number;
  json: number;
  /** Temporary files a killed writer left behind (never at a final name; readers ignore them). */
  leftovers: number;
  /** Problems found: torn or unparsable files. Empty when everything holds. */
  problems: string[];
}

/** Checks every file of a root: each object's bytes hash to its name, each JSON record parses. */
export async function checkIntegrity(root: string): Promise<Integrity> {
  const result: Integrity = { files: 0, objects: 0, json: 0, leftovers: 0, problems: [] };
  for (const file of await listFiles(root)) {
    result.files++;
    const name = file.split(sep).pop()!;
    if (name.includes(".tmp-") || name.startsWith("incoming.tmp")) {
      result.leftovers++;
      continue;
    }
    const rel = relative(root, file);
    if (/^objects\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(rel)) {
      result.objects++;
      const sha = createHash("sha256")
        .update(await readFile(file))
        .digest("hex");
      if (sha !== name) result.problems.push(`${rel}: bytes hash to ${sha}`);
    } else if (name.endsWith(".json")) {
      result.json++;
      try {
        JSON.parse(await readFile(file, "utf8"));
      } catch (err) {
        result.problems.push(`${rel}: ${(err as Error).message}`);
      }
    }
  }
  return result;
}

/** Every file under a directory (absolute paths), sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * A snapshot of a root's files and sizes (the run index and its journal excluded: a reader may
 * maintain them). Two equal snapshots mean nothing was written.
 */
export async function snapshotRoot(root: string): Promise<string[]> {
  const files = (await listFiles(root)).filter((f) => !relative(root, f).startsWith(`index${sep}`));
  return Promise.all(files.map(async (f) => `${relative(root, f)} ${(await stat(f)).size}`));
}

/** Path of a reliability fixture script (`test/_fixtures/reliability/<name>.ts`). */
export function reliabilityFixture(name: string): string {
  return fileURLToPath(new URL(`../_fixtures/reliability/${name}.ts`, import.meta.url));
}

/** A child process with its output collected, and a promise of how it ended. */
export interface Spawned {
  child: ChildProcess;
  out: () => string;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `tsflow <args>` (the real CLI) in its own process group, so a test can kill it at will. */
export function startCli(args: string[], root: string, env: NodeJS.ProcessEnv = {}): Spawned {
  return startNode([BIN, ...args], root, env);
}

/** Starts a TypeScript fixture script under tsx (`tsflow` resolves to src/). */
export function startScript(file: string, args: string[], root: string, env: NodeJS.ProcessEnv = {}): Spawned {
  return startNode(["--conditions=tsflow-source", "--import", "tsx", file, ...args], root, env);
}

function startNode(args: string[], root: string, env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, TSFLOW_PRODUCTION_TOKEN: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, out: () => stdout, ended };
}

/** Sends SIGKILL to one process (no error when it is gone already). */
export function killNow(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reports a test's figures: appended as one JSON line to $RELIABILITY_REPORT when set, else printed. */
export function reportFigures(name: string, figures: Record<string, number>): void {
  const line = JSON.stringify({ name, scale: SCALE, seed: SEED, ...figures });
  if (process.env.RELIABILITY_REPORT) appendFileSync(process.env.RELIABILITY_REPORT, `${line}\n`);
  else console.log(line);
}
