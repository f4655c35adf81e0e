/**
 * `diffRuns`: what changed between two runs of a flow: parameters, user tags, the graph, and the
 * artifacts of one step (the end step unless asked). Artifacts are compared by content address
 * first (equal sha: same, nothing is read); a JSON value that changed gets a structural diff; an
 * Arrow table is compared batch by batch, never loading either table whole.
 */
import type { ReadContext } from "./context.js";
import type { ClientBackend } from "./backend.js";
import { Run, type RunObject } from "./run.js";
import type { TaskObject } from "./task.js";
import type { DataArtifactObject } from "./data-artifact.js";
import { ObjectStore, type ArrowTableDiff } from "../store/object-store.js";
import type { GraphStepInfo } from "../store/records.js";
import { diffValues, type ValueChange } from "../util/value-diff.js";
import { NotFoundError, UsageError } from "../util/errors.js";

export type { ValueChange } from "../util/value-diff.js";
export type { ArrowTableDiff, ArrowColumn, ArrowRowChange } from "../store/codec/index.js";

/** How one entry (a parameter, tag, step or artifact) compares: relative to the first run. */
export type DiffStatus = "added" | "removed" | "changed" | "same";

/** A named value (a parameter) in both runs. */
export interface ValueEntryDiff {
  name: string;
  status: DiffStatus;
  /** The value in the first run (absent when added). */
  a?: unknown;
  /** The value in the second run (absent when removed). */
  b?: unknown;
  /** For `changed`: where inside the value it differs. */
  changes?: ValueChange[];
  /** True when `changes` was cut at `maxChanges`. */
  truncated?: boolean;
}

/** A user tag of either run. */
export interface TagDiff {
  tag: string;
  /** `added`: only the second run has it; `removed`: only the first. */
  status: Exclude<DiffStatus, "changed">;
}

/** One step of the stored graphs. */
export interface StepDiff {
  name: string;
  status: DiffStatus;
  /** The step in the first run's graph: `type -> next` plus its foreach and decorators. */
  a?: string;
  /** The step in the second run's graph. */
  b?: string;
}

/** What is known about an artifact without loading it. */
export interface ArtifactInfo {
  /** The task that holds it: `Flow/run/step/task`. */
  task: string;
  sha: string;
  size: number;
  format: "json" | "arrow";
  type: string;
}

/** One artifact of the compared step. */
export interface ArtifactDiff {
  /** The artifact's name; for a step with several tasks, `name[i]` for its i-th task. */
  name: string;
  status: DiffStatus;
  a?: ArtifactInfo;
  b?: ArtifactInfo;
  /** For a changed JSON value: the structural diff. */
  value?: { changes: ValueChange[]; truncated: boolean };
  /** For a changed Arrow table: schema changes, row counts and the first differing rows. */
  table?: ArrowTableDiff;
}

/**
 * A `RunDiff` is the comparison of two runs (`a`, then `b`): every list holds one entry per name
 * in either run, with its status relative to `a`. The shape is stable (`tsflow diff --json` prints it).
 */
export interface RunDiff {
  /** Pathspecs of the runs compared. */
  a: string;
  b: string;
  /** The step whose artifacts were compared. */
  step: string;
  parameters: ValueEntryDiff[];
  /** User tags only: system tags (user, runtime, versions) are not compared. */
  tags: TagDiff[];
  graph: { status: "changed" | "same"; steps: StepDiff[] };
  artifacts: ArtifactDiff[];
  /** How many entries of each status, over parameters, tags, graph steps and artifacts. */
  counts: Record<DiffStatus, number>;
  /** True when nothing compared differs. */
  same: boolean;
}

/** Options of `diffRuns`. */
export interface DiffRunsOptions {
  /**
   * The step whose artifacts to compare.
   * @default the end step
   */
  step?: string;
  /**
   * At most this many paths in a JSON value's structural diff.
   * @default 50
   */
  maxChanges?: number;
  /**
   * At most this many differing rows shown for an Arrow table.
   * @default 5
   */
  maxRows?: number;
}

/**
 * Compares two runs: parameters, user tags, the graph, and each artifact of the end task (or of
 * `options.step`) as added / removed / changed / same. Artifacts with equal content addresses are
 * not read; changed JSON values get a structural diff (paths inside the value); changed Arrow tables
 * are compared batch by batch (schema, row counts, first differing rows).
 * @param a - the first run, or its pathspec (`Flow/RunId`, looked up in the current namespace).
 * @param b - the second run, or its pathspec.
 * @param options - the step to compare and how much detail to keep.
 * @returns the `RunDiff`, every status relative to `a`.
 * @throws InvalidPathspecError / NotFoundError / NamespaceMismatchError from looking a pathspec up.
 * @throws NotFoundError when `options.step` is in neither run.
 * @example
 * const diff = await diffRuns("TeamCollabFlow/1764", "TeamCollabFlow/1790");
 * for (const a of diff.artifacts) if (a.status !== "same") console.log(a.name, a.status);
 */
export async function diffRuns(a: RunObject | string, b: RunObject | string, options: DiffRunsOptions = {}): Promise<RunDiff> {
  const [ra, rb] = await Promise.all([asRun(a), asRun(b)]);
  const [recA, recB] = await Promise.all([readRecord(ra), readRecord(rb)]);
  const step = options.step ?? recB?.endStep ?? recA?.endStep ?? "end";
  const [parameters, artifacts] = await Promise.all([diffParameters(ra, rb, options), diffStep(ra, rb, step, options)]);
  const tags = diffTags(ra.userTags, rb.userTags);
  const steps = diffGraph(recA?.graph.steps ?? [], recB?.graph.steps ?? []);
  const graph = { status: steps.every((s) => s.status === "same") ? ("same" as const) : ("changed" as const), steps };
  const counts: Record<DiffStatus, number> = { added: 0, removed: 0, changed: 0, same: 0 };
  for (const e of [...parameters, ...tags, ...steps, ...artifacts]) counts[e.status]++;
  return { a: ra.pathspec, b: rb.pathspec, step, parameters, tags, graph, artifacts, counts, same: counts.added + counts.removed + counts.changed === 0 };
}

async function asRun(run: RunObject | string): Promise<RunObject> {
  if (typeof run === "string") return Run(run);
  if (typeof run === "object" && run !== null && (run as { kind?: unknown }).kind === "Run") return run;
  throw new UsageError(`diffRuns() compares two runs: pass Run objects or pathspecs 'Flow/RunId', got ${describe(run)}.`);
}

function describe(value: unknown): string {
  return typeof value === "object" && value !== null ? String(value) : typeof value;
}

// The run's read context is what its children are read with; the diff reads the same root.
function backendOf(run: RunObject): ClientBackend {
  return (run as unknown as { ctx: ReadContext }).ctx.backend;
}

function readRecord(run: RunObject) {
  const [flow, id] = run.pathspec.split("/") as [string, string];
  return backendOf(run).datastore.readRun(flow, id);
}

async function diffParameters(a: RunObject, b: RunObject, options: DiffRunsOptions): Promise<ValueEntryDiff[]> {
  const [pa, pb] = await Promise.all([a.parameters, b.parameters]);
  const names = union(Object.keys(pa), Object.keys(pb));
  return names.map((name) => valueEntry(name, Object.hasOwn(pa, name), pa[name], Object.hasOwn(pb, name), pb[name], options));
}

function valueEntry(name: string, inA: boolean, a: unknown, inB: boolean, b: unknown, options: DiffRunsOptions): ValueEntryDiff {
  if (!inA) return { name, status: "added", b };
  if (!inB) return { name, status: "removed", a };
  const diff = diffValues(a, b, { maxChanges: options.maxChanges ?? 50 });
  if (diff.changes.length === 0) return { name, status: "same", a, b };
  return { name, status: "changed", a, b, changes: diff.changes, truncated: diff.truncated };
}

function diffTags(a: readonly string[], b: readonly string[]): TagDiff[] {
  return union(a, b)
    .sort()
    .map((tag) => ({ tag, status: !a.includes(tag) ? "added" : !b.includes(tag) ? "removed" : "same" }));
}

function diffGraph(a: readonly GraphStepInfo[], b: readonly GraphStepInfo[]): StepDiff[] {
  const sa = new Map(a.map((s) => [s.name, describeStep(s)]));
  const sb = new Map(b.map((s) => [s.name, describeStep(s)]));
  return union([...sa.keys()], [...sb.keys()]).map((name) => {
    const x = sa.get(name);
    const y = sb.get(name);
    const status: DiffStatus = x === undefined ? "added" : y === undefined ? "removed" : x === y ? "same" : "changed";
    return { name, status, ...(x !== undefined && { a: x }), ...(y !== undefined && { b: y }) };
  });
}

function describeStep(s: GraphStepInfo): string {
  const next = s.next.length ? s.next.join(", ") : "(none)";
  const extras = [s.foreach && `foreach ${s.foreach}`, ...s.decorators.map((d) => `@${d}`)].filter(Boolean);
  return `${s.type} -> ${next}${extras.length ? ` [${extras.join(" ")}]` : ""}`;
}

async function diffStep(a: RunObject, b: RunObject, step: string, options: DiffRunsOptions): Promise<ArtifactDiff[]> {
  const [ta, tb] = await Promise.all([tasksOf(a, step), tasksOf(b, step)]);
  if (ta === undefined && tb === undefined) {
    throw new NotFoundError(`Step '${step}' is in neither ${a} nor ${b}: give a step of one of the runs (e.g. 'end').`);
  }
  const xs = ta ?? [];
  const ys = tb ?? [];
  const several = Math.max(xs.length, ys.length) > 1;
  const pairs: Promise<ArtifactDiff[]>[] = [];
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) pairs.push(diffTasks(xs[i], ys[i], several ? `[${i}]` : "", options));
  return (await Promise.all(pairs)).flat();
}

/**
 * The tasks of a step in foreach order (by the indices of their foreach frames, outermost first, so
 * the same position is the same item in both runs whatever order the tasks ran in), or undefined
 * when the run has no such step.
 */
async function tasksOf(run: RunObject, step: string): Promise<TaskObject[] | undefined> {
  if (!(await run.has(step))) return undefined;
  const tasks: TaskObject[] = [];
  for await (const task of await run.get(step)) tasks.push(task);
  const [flow, runId] = run.pathspec.split("/") as [string, string];
  const datastore = backendOf(run).datastore;
  const keys = await Promise.all(tasks.map(async (t) => (await datastore.readTask(flow, runId, step, t.id))?.foreachStack.map((f) => f.index) ?? []));
  const order = tasks.map((t, i) => ({ t, key: keys[i]! }));
  order.sort((x, y) => compareIndices(x.key, y.key) || Number(x.t.id) - Number(y.t.id));
  return order.map((o) => o.t);
}

function compareIndices(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

async function diffTasks(ta: TaskObject | undefined, tb: TaskObject | undefined, suffix: string, options: DiffRunsOptions): Promise<ArtifactDiff[]> {
  const xa = ta?.artifacts ?? {};
  const xb = tb?.artifacts ?? {};
  const names = union(Object.keys(xa), Object.keys(xb)).sort();
  return Promise.all(names.map((n) => diffArtifact(`${n}${suffix}`, xa[n], xb[n], options)));
}

async function diffArtifact(
  name: string,
  a: DataArtifactObject | undefined,
  b: DataArtifactObject | undefined,
  options: DiffRunsOptions,
): Promise<ArtifactDiff> {
  if (!a) return { name, status: "added", b: info(b!) };
  if (!b) return { name, status: "removed", a: info(a) };
  const base = { name, a: info(a), b: info(b) };
  if (a.sha === b.sha) return { ...base, status: "same" };
  if (a.format !== b.format) return { ...base, status: "changed" };
  if (a.format === "json") {
    const value = diffValues(await a.data, await b.data, { maxChanges: options.maxChanges ?? 50 });
    return value.changes.length === 0 ? { ...base, status: "same" } : { ...base, status: "changed", value };
  }
  const table = await objectStoreOf(a).diffArrow(a, b, { maxRows: options.maxRows ?? 5 });
  const unchanged = table.rows.a === table.rows.b && table.differingRows === 0 && Object.values(table.schema).every((l) => l.length === 0);
  return { ...base, status: unchanged ? "same" : "changed", table };
}

function objectStoreOf(artifact: DataArtifactObject): ObjectStore {
  return new ObjectStore((artifact as unknown as { ctx: ReadContext }).ctx.backend.datastore.storage);
}

function info(x: DataArtifactObject): ArtifactInfo {
  return { task: x.pathspec.split("/").slice(0, 4).join("/"), sha: x.sha, size: x.size, format: x.format, type: x.type };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
