/**
 * Fixtures for client tests: a temporary datastore root wired into the client, and a builder that
 * writes runs through `Datastore` with the same records the runtime writes (run, tags, tasks,
 * attempts, artifacts, done, logs, journal), for given users, tags and outcomes.
 */
import type { Datastore } from "../../src/store/datastore.js";
import { openDatastore } from "../../src/store/root.js";
import { PARAMETERS_STEP, PARAMETERS_TASK } from "../../src/store/layout.js";
import { ObjectStore, type ArrowPreview } from "../../src/store/object-store.js";
import type { ArtifactRef, ArtifactsRecord, GraphInfo, GraphStepInfo, RunRecord } from "../../src/store/records.js";
import { closeBackends, installBackend, useDatastore, type ObjectReaderPort, type RunIndexPort } from "../../src/client/backend.js";
import { RunIndex } from "../../src/run-index/run-index.js";
import { clientState } from "../../src/client/state.js";
import { makeTempRoot, removeTempRoot } from "./tmp.js";

/**
 * An object store for tests: values go through the real `ObjectStore` (the codecs tasks use), and
 * every read and preview is counted.
 */
export class CountingObjects implements ObjectReaderPort {
  readonly ds: Datastore;
  /** The shas read, in order. */
  readonly reads: string[] = [];
  /** The shas previewed (`loadArrowPreview`), in order. */
  readonly previews: string[] = [];
  readonly #objects: ObjectStore;

  constructor(ds: Datastore) {
    this.ds = ds;
    this.#objects = new ObjectStore(ds.storage);
  }

  /** Stores a value with the real codecs (tagged JSON, Arrow IPC), as tasks do. */
  async put(value: unknown, createdAt = Date.now()): Promise<ArtifactRef> {
    return { ...(await this.#objects.put(value, { artifact: "fixture", step: "fixture" })), createdAt };
  }

  async get(ref: Pick<ArtifactRef, "sha" | "format">): Promise<unknown> {
    this.reads.push(ref.sha);
    return this.#objects.get(ref);
  }

  async loadArrowPreview(ref: Pick<ArtifactRef, "sha" | "format">, rows: number): Promise<ArrowPreview> {
    this.previews.push(ref.sha);
    return this.#objects.loadArrowPreview(ref, rows);
  }
}

/** The real run index of a root, counting the queries the client makes through it. */
export class CountingIndex {
  /** Queries answered, by method. */
  readonly calls = new Map<string, number>();
  inner: RunIndexPort | undefined;

  /** Total queries answered. */
  get queries(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  /** Opens the real index and returns a port that counts every call. */
  async open(ds: Datastore): Promise<RunIndexPort> {
    const inner = (this.inner = await RunIndex.open(ds, { onNotice: () => undefined }));
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function" || typeof prop !== "string" || prop === "close") {
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (...args: unknown[]) => {
          this.calls.set(prop, (this.calls.get(prop) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}

/** A temporary root the client reads, with its stand-in index and counting object store. */
export interface ClientFixture {
  root: string;
  ds: Datastore;
  index: CountingIndex;
  objects: CountingObjects;
  /** Removes the root and resets the client's global state. */
  cleanup(): Promise<void>;
}

/** Creates a fresh root, points the client at it and resets the namespace to "not resolved". */
export async function makeClientFixture(user = "alice"): Promise<ClientFixture> {
  const root = await makeTempRoot("tsflow-client-");
  const ds = openDatastore(root);
  const index = new CountingIndex();
  const objects = new CountingObjects(ds);
  installBackend(root, { datastore: ds, openIndex: (d) => index.open(d), objects });
  useDatastore(root);
  process.env.TSFLOW_USER = user;
  delete process.env.TSFLOW_PRODUCTION_TOKEN;
  clientState().namespace = undefined;
  return {
    root,
    ds,
    index,
    objects,
    async cleanup() {
      await closeBackends();
      useDatastore(undefined);
      clientState().namespace = undefined;
      await removeTempRoot(root);
    },
  };
}

/** What a fixture run looks like. */
export interface RunSpec {
  /** @default "TeamCollabFlow" */
  flow?: string;
  /** @default "alice" */
  user?: string;
  /** Run as a production deployment with this token (tag `production:<token>` instead of `user:`). */
  production?: string;
  /** User tags given at launch. */
  tags?: string[];
  /** @default "success" */
  outcome?: "success" | "failure" | "running" | "no-end";
  /** Artifacts of the end task (and, inherited, of start). `name` is always added. */
  artifacts?: Record<string, unknown>;
  /** Parameter values, stored as the `_parameters` task's artifacts. */
  params?: Record<string, unknown>;
  /** Make a foreach over these items between start and end: start -> body xN -> join -> end. */
  foreach?: unknown[];
  /** The start task fails at attempt 0 (stdout, exception) and succeeds at attempt 1. */
  retry?: boolean;
  /** The run resumes this one. */
  originRunId?: string;
}

function graphOf(flow: string, foreach: boolean): GraphInfo {
  const step = (name: string, type: GraphStepInfo["type"], next: string[], extra: Partial<GraphStepInfo> = {}): GraphStepInfo => ({
    name,
    type,
    next,
    decorators: [],
    ...extra,
  });
  const steps = foreach
    ? [
        step("start", "foreach", ["body"], { foreach: "items" }),
        step("body", "linear", ["join"]),
        step("join", "join", ["end"], { matchingSplit: "start" }),
        step("end", "end", []),
      ]
    : [step("start", "start", ["end"]), step("end", "end", [])];
  return { flow, steps };
}

/**
 * Writes one run as the runtime would and notifies the index; returns its record.
 * @example
 * const run = await buildRun(fx, { user: "teammate", artifacts: { choice: 4 } });
 */
export async function buildRun(fx: ClientFixture, spec: RunSpec = {}): Promise<RunRecord> {
  const flow = spec.flow ?? "TeamCollabFlow";
  const user = spec.user ?? "alice";
  const identity = spec.production ? `production:${spec.production}` : `user:${user}`;
  const params = spec.params ?? {};
  const record = await fx.ds.createRun(
    {
      flow,
      user,
      systemTags: [identity, "runtime:node", `node_version:${process.versions.node}`, "tsflow_version:0.1.0"],
      originRunId: spec.originRunId ?? null,
      startStep: "start",
      endStep: "end",
      graph: graphOf(flow, spec.foreach !== undefined),
      parameters: Object.keys(params),
    },
    spec.tags ?? [],
  );
  const w = new RunWriter(fx, record);
  await w.task(PARAMETERS_STEP, PARAMETERS_TASK, [], { ...params, _graph_info: "graph" });
  const base = { name: flow, ...(spec.artifacts ?? {}) };
  let last = "start/1";
  if (spec.retry) {
    await w.task("start", "1", ["_parameters/0"], base, { attempt: 0, success: false, stdout: "first try\n", error: new TypeError("flaky") });
    await w.task("start", "1", ["_parameters/0"], base, { attempt: 1, success: spec.outcome !== "no-end" });
  } else {
    await w.task("start", "1", ["_parameters/0"], base, { success: spec.outcome !== "no-end", ...(spec.foreach ? { index: null } : {}) });
  }
  if (spec.outcome === "no-end") return w.finish();
  let next = 2;
  if (spec.foreach) {
    const bodies = spec.foreach.map((item, i) => ({ id: String(next + i), item, i }));
    next += bodies.length;
    for (const b of bodies) await w.task("body", b.id, [last], { ...base, item: b.item }, { index: b.i, stdout: `item ${String(b.item)}\n` });
    const joinId = String(next++);
    await w.task(
      "join",
      joinId,
      bodies.map((b) => `body/${b.id}`),
      base,
    );
    last = `join/${joinId}`;
  }
  const endId = String(next);
  if (spec.outcome === "running") await w.task("end", endId, [last], base, { running: true });
  else if (spec.outcome === "failure") await w.task("end", endId, [last], base, { success: false, error: new Error("deliberate failure") });
  else await w.task("end", endId, [last], base, { stdout: `Random choice was ${String(base["choice" as keyof typeof base] ?? "")}\n` });
  return w.finish();
}

interface AttemptSpec {
  attempt?: number;
  success?: boolean;
  running?: boolean;
  stdout?: string;
  error?: Error;
  index?: number | null;
}

class RunWriter {
  constructor(
    private readonly fx: ClientFixture,
    private readonly run: RunRecord,
  ) {}

  async task(step: string, taskId: string, parents: string[], values: Record<string, unknown>, a: AttemptSpec = {}): Promise<void> {
    const { flow, runId } = this.run;
    const { ds, objects } = this.fx;
    await ds.writeTask({
      flow,
      runId,
      step,
      taskId,
      createdAt: Date.now(),
      index: a.index ?? null,
      foreachStack: [],
      parents,
      originRunId: this.run.originRunId,
    });
    const attempt = a.attempt ?? 0;
    const refs: ArtifactsRecord = {};
    for (const [name, value] of Object.entries({ ...values, _task_info: { step } })) refs[name] = await objects.put(value);
    await ds.writeArtifacts(flow, runId, step, taskId, attempt, refs);
    if (a.stdout) await ds.appendLog(flow, runId, step, taskId, attempt, "stdout", a.stdout);
    if (a.error) await ds.appendLog(flow, runId, step, taskId, attempt, "stderr", `${a.error.stack}\n`);
    if (a.running) return;
    await ds.writeDone(flow, runId, step, taskId, {
      attempt,
      success: a.success ?? true,
      startedAt: Date.now(),
      finishedAt: Date.now(),
      pid: process.pid,
      next: [],
      ...(a.error ? { exception: { type: a.error.name, message: a.error.message, stack: a.error.stack ?? "" } } : {}),
    });
  }

  async finish(): Promise<RunRecord> {
    await this.fx.ds.notifyRunChanged(this.run.flow, this.run.runId);
    return this.run;
  }
}

/** Context of a suite whose tests each get a fresh fixture (`useFixture(suite)`). */
export interface FixtureContext {
  fx: ClientFixture;
}

/** Gives every test of a uvu suite its own root: `ctx.fx`, cleaned up after. */
export function useFixture(s: {
  before: { each(fn: (ctx: FixtureContext) => unknown): void };
  after: { each(fn: (ctx: FixtureContext) => unknown): void };
}): void {
  s.before.each(async (ctx) => {
    ctx.fx = await makeClientFixture();
  });
  s.after.each(async (ctx) => {
    await ctx.fx.cleanup();
  });
}
