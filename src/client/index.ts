/**
 * The client API: read any run back, your own or a teammate's, by namespace. `Flow -> Run -> Step ->
 * Task -> DataArtifact`, namespaces, tags and listings over the run index.
 */
import "./flow.js";
import "./run.js";
import "./step.js";
import "./task.js";
import "./data-artifact.js";

export { namespace, getNamespace, defaultNamespace } from "./namespace.js";
export { useDatastore, getDatastoreRoot, closeBackends as closeClient } from "./backend.js";
export type { RunRow } from "./backend.js";
export { ClientObject } from "./client-object.js";
export type { ClientObjectJSON } from "./client-object.js";
export { Flow, FlowObject, FlowPromise } from "./flow.js";
export { Run, RunObject } from "./run.js";
export { Step, StepObject } from "./step.js";
export { Task, TaskObject } from "./task.js";
export type { TaskException, TaskLookupOptions } from "./task.js";
export { DataArtifact, DataArtifactObject } from "./data-artifact.js";
export type { TaskData, RunData } from "./task-data.js";
export { MODEL, MAX_ATTEMPTS } from "./model.js";
export type { Kind, KindInfo } from "./model.js";
export { listFlows, listRuns, listNamespaces, querySql } from "./listing.js";
export type { ListRunsOptions, NamespaceCount, NamespaceOptions } from "./listing.js";
export {
  NotFoundError, NamespaceMismatchError, InvalidPathspecError, TaggingError, UnknownUserError,
} from "../util/errors.js";
