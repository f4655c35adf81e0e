/**
 * The part of tsflow's public API the kernel uses, declared structurally: the kernel type-checks
 * without the library being built, and reaches the library only through `import("tsflow")`.
 */
import type { RunDiffLike } from "./run-diff-like.js";

/** A client object (`Flow`, `Run`, `Step`, `Task`, `DataArtifact`) as the kernel sees it. */
export interface ClientObjectLike {
  kind: string;
  pathspec: string;
  id: string;
  createdAt: Date;
  /** The namespace it was read in (null = global). */
  namespace: string | null;
  tags: string[];
  toString(): string;
  toJSON(): Record<string, unknown>;
}

/** A run: a client object with status and tag operations. */
export interface RunLike extends ClientObjectLike {
  successful: boolean;
  finished: boolean;
  userTags: string[];
  addTag(tag: string): Promise<void>;
  removeTag(tag: string): Promise<void>;
  replaceTag(remove: string, add: string): Promise<void>;
  /** The runs this run's tasks read (`run.lineage()`). */
  lineage(): Promise<UpstreamRunLike[]>;
  /** The runs that read this run (`run.consumers()`). */
  consumers(): Promise<RunLike[]>;
}

/** A run another run read, with what was read (`UpstreamRun`). */
export interface UpstreamRunLike {
  pathspec: string;
  run: RunLike | null;
  reads: { task: string; pathspec: string; namespace: string | null; clonedFrom?: string }[];
}

/** A pin of the active pin file (`Pin`). */
export interface PinLike {
  flow: string;
  namespace: string | null;
  runId: string;
  pathspec: string;
  pinnedAt: Date;
}

/** What a run returned through a pin carries (`PinStatus`). */
export interface PinStatusLike {
  pin: PinLike;
  newerRuns: number;
  file: string;
}

/** A preview of an Arrow table the library read without loading it (`ArrowPreview`). */
export interface ArrowPreviewLike {
  schema: { name: string; type: string }[];
  numRows: number;
  rows: Record<string, unknown>[];
  /** Record batches in the table, and how many were decoded for `rows` (absent for a table in memory). */
  numBatches?: number;
  batchesRead?: number;
}

/** An artifact: a client object whose value loads when `data` is awaited, or previews if it is Arrow. */
export interface DataArtifactLike extends ClientObjectLike {
  format: string;
  data: Promise<unknown>;
  preview(rows?: number): Promise<ArrowPreviewLike>;
}

/** An event of a running flow (`runFlow`'s `onEvent`). */
export interface RunEventLike {
  type: "run-started" | "task-started" | "task-finished" | "task-output" | "run-finished";
  flow: string;
  runId: string;
  step?: string;
  taskId?: string;
  success?: boolean;
  cloned?: boolean;
  foreachCount?: number;
  stream?: "stdout" | "stderr";
  text?: string;
  reason?: string;
}

/** The result of `querySql`. */
export interface SqlResultLike {
  columns: string[];
  rows: unknown[][];
}

/** Namespace options of listings. */
export interface NamespaceOption {
  namespace?: string | null;
}

/** The functions of "tsflow" the kernel calls. */
export interface TsflowApi {
  namespace(ns: string | null): string | null;
  getNamespace(): string | null;
  defaultNamespace(): string;
  Flow(name: string): Promise<ClientObjectLike> & { readonly latestSuccessfulRun: Promise<RunLike | null> };
  Run(pathspec: string): Promise<RunLike>;
  Step(pathspec: string): Promise<ClientObjectLike>;
  Task(pathspec: string): Promise<ClientObjectLike>;
  DataArtifact(pathspec: string): Promise<DataArtifactLike>;
  listFlows(options?: NamespaceOption): Promise<ClientObjectLike[]>;
  listRuns(flow: string, options?: NamespaceOption & { tags?: readonly string[]; limit?: number }): Promise<RunLike[]>;
  listNamespaces(): Promise<{ namespace: string; runs: number }[]>;
  querySql(sql: string, options?: NamespaceOption): Promise<SqlResultLike>;
  runFlow(flowClass: unknown, options: { params?: Record<string, unknown>; tags?: string[]; signal?: AbortSignal; onEvent?: (e: RunEventLike) => void }): Promise<RunLike>;
  FlowSpec: abstract new (...args: never[]) => unknown;
  /** The validated graph of a flow class (throws a GraphError naming the step when it is wrong). */
  flowGraph(flowClass: unknown): { flow: string; steps: GraphStep[] };
  /** The namespaces holding runs of a flow (or one run), identity namespaces first: one index query. */
  listNamespacesOf(flow: string, runId?: string): Promise<{ namespace: string; runs: number }[]>;
  /** The parameters a flow class declares (its `--<name>` options), in field order. */
  flowParameters(flowClass: unknown): ParameterInfoLike[];
  /** Makes a file the active pin file (null: pins off); returns its absolute path. */
  usePins(file?: string | null): string | null;
  getPinFile(): string | null;
  listPins(): Promise<PinLike[]>;
  pin(target: string): Promise<PinLike>;
  unpin(flow: string): Promise<PinLike>;
  /** The pin a run was returned through, if any. */
  pinStatus(run: object): PinStatusLike | undefined;
  /** Compares two runs (pathspecs): parameters, user tags, graph, artifacts of a step. */
  diffRuns(a: string, b: string, options?: { step?: string; maxRows?: number }): Promise<RunDiffLike>;
}

/** One parameter of a flow class, as the library describes it. */
export interface ParameterInfoLike {
  /** The option is `--<name>`. */
  name: string;
  type: string;
  help: string;
  required: boolean;
}

/** One step of a flow graph, as the library describes it. */
export interface GraphStep {
  name: string;
  next: string[];
  /** The artifact a foreach fans out over, if the step is a foreach. */
  foreach?: string;
}

const REQUIRED = ["namespace", "getNamespace", "defaultNamespace", "Flow", "Run", "Step", "Task", "DataArtifact", "listFlows", "listRuns", "listNamespaces", "querySql", "runFlow", "FlowSpec", "flowGraph", "listNamespacesOf", "flowParameters", "usePins", "getPinFile", "listPins", "pin", "unpin", "pinStatus", "diffRuns"] as const;

/** Tells whether `value` is a flow class (a subclass of the library's `FlowSpec`, not `FlowSpec` itself). */
export function isFlowClass(api: Pick<TsflowApi, "FlowSpec">, value: unknown): boolean {
  return typeof value === "function" && (value as { prototype?: unknown }).prototype instanceof api.FlowSpec;
}

/** Returns the module as a `TsflowApi`, or undefined (naming what is missing) when it lacks a function. */
export function asTsflowApi(exports: Record<string, unknown>): { api?: TsflowApi; missing: string[] } {
  const missing = REQUIRED.filter((name) => typeof exports[name] !== "function");
  return missing.length ? { missing } : { api: exports as unknown as TsflowApi, missing };
}

const KIND_BRAND = Symbol.for("tsflow.client.kind");

/** True for a tsflow client object, from any copy of the library. */
export function isClientObject(value: unknown): value is ClientObjectLike {
  return typeof value === "object" && value !== null && typeof (value as Record<symbol, unknown>)[KIND_BRAND] === "string";
}

/** Describes a namespace for people: `user:alice`, or `global (all namespaces)`. */
export function describeNamespace(ns: string | null): string {
  return ns === null ? "global (all namespaces)" : ns;
}
