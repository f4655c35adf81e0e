/**
 * Launching a run: resolve who runs it and its parameters, validate the graph and tags (all
 * before anything is written), pick the executor, and execute. Used by the CLI, `runFlow` and
 * deployments alike.
 */
import { buildGraph, type FlowClass, type FlowGraph } from "../flow/graph.js";
import type { Datastore } from "../store/datastore.js";
import { TaggingError } from "../util/errors.js";
import { resolveProductionToken, resolveUsername } from "../util/identity.js";
import { assertTag, MAX_USER_TAGS } from "../util/validate.js";
import { VERSION } from "../util/version.js";
import type { RunPinsRecord } from "../store/records.js";
import type { ArtifactStore } from "./artifact-store.js";
import { InProcessExecutor, type TaskExecutor } from "./executor.js";
import { listParameters } from "../flow/parameter.js";
import { resolveParameters } from "./parameters.js";
import { ResumePlan } from "./resume.js";
import type { RunEvent } from "./run-events.js";
import { executeRun, type RunResult } from "./scheduler.js";

/** Options of `launchRun`. */
export interface LaunchOptions {
  flowClass: FlowClass;
  datastore: Datastore;
  store: ArtifactStore;
  /** Parameter values by name (strings are parsed as on the command line). @default {} */
  params?: Record<string, unknown>;
  /** User tags of the run. @default [] */
  tags?: string[];
  /** Tasks run at once. @default the executor's capacity */
  maxWorkers?: number;
  /** Makes the executor; the default runs tasks in this process. */
  createExecutor?: (graph: FlowGraph) => TaskExecutor;
  /** Run as a production deployment with this token (`production:<token>` identity). */
  productionToken?: string;
  /** Resume from this origin run (and step). */
  resume?: { originRunId: string; step?: string };
  /**
   * The pins the run's tasks follow, recorded once with the run. `null`: none.
   * @default none for a new run; a resumed run keeps its origin's pins
   */
  pins?: RunPinsRecord | null;
  flowFile?: string;
  /** Step docs for the stored graph. */
  docs?: Record<string, string>;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
}

/** Validates everything, then executes a run. @throws GraphError, ParameterError, TaggingError, UnknownUserError before any write */
export async function launchRun(o: LaunchOptions): Promise<RunResult> {
  const graph = buildGraph(o.flowClass, o.docs);
  const username = resolveUsername();
  const token = o.productionToken ?? resolveProductionToken();
  const identity = token ? `production:${token}` : `user:${username}`;
  const parameters = resolveParameters(listParameters(o.flowClass), o.params ?? {}, { flowName: graph.flow, userName: username });
  const userTags = checkTags(o.tags ?? []);
  const resume = o.resume && (await ResumePlan.create(o.datastore, graph, o.resume.originRunId, o.resume.step));
  const pins = o.pins === undefined && resume ? await originPins(o.datastore, graph.flow, resume.originRunId) : (o.pins ?? undefined);
  const executor =
    o.createExecutor?.(graph) ?? new InProcessExecutor({ datastore: o.datastore, store: o.store, flowClass: o.flowClass, graph }, o.maxWorkers ?? 1);
  try {
    return await executeRun({
      datastore: o.datastore,
      store: o.store,
      graph,
      executor,
      parameters,
      userTags,
      username,
      identity,
      systemTags: [identity, "runtime:node", `node_version:${process.versions.node}`, `tsflow_version:${VERSION}`],
      maxWorkers: o.maxWorkers ?? executor.capacity,
      ...(resume ? { resume } : {}),
      ...(pins ? { pins } : {}),
      ...(o.flowFile ? { flowFile: o.flowFile } : {}),
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } finally {
    await executor.close();
  }
}

// A resumed run re-runs tasks of the origin: they read the upstream runs the origin's tasks read.
async function originPins(ds: Datastore, flow: string, originRunId: string): Promise<RunPinsRecord | undefined> {
  const origin = await ds.readRunPins(flow, originRunId);
  return origin && { ...origin, reusedFrom: origin.reusedFrom ?? `${flow}/${originRunId}` };
}

function checkTags(tags: string[]): string[] {
  const unique = [...new Set(tags.map(assertTag))];
  if (unique.length > MAX_USER_TAGS) throw new TaggingError(`Cannot increase size of tag set beyond ${MAX_USER_TAGS}`);
  return unique;
}
