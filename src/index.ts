/**
 * tsflow's public API: define flows (`FlowSpec`, `@step`, `Parameter`, `current`), run them, and
 * read runs and artifacts back through the namespace-aware client.
 */
export { FlowSpec, type ForeachLevel, type Inputs, type MergeOptions, type NextOptions } from "./flow/flow-spec.js";
export { step, retry, catchErrors, catchErrors as catch, timeout, resources, type RetryOptions, type CatchOptions, type TimeoutOptions, type ResourcesOptions } from "./flow/step.js";
export { Parameter, type ParameterOptions, type ParameterContext, type ParameterType } from "./flow/parameter.js";
export { current, type Current } from "./flow/current.js";
export type { FlowClass } from "./flow/graph.js";
export type { ArtifactsOf, ParametersOf } from "./flow/flow-types.js";
export type { ParameterMark } from "./flow/parameter.js";
export { flowGraph, flowParameters, type ParameterInfo } from "./flow/describe.js";
export type { GraphInfo, GraphStepInfo } from "./store/records.js";
export type { ArrowPreview } from "./store/object-store.js";
export { listNamespacesOf } from "./client/elsewhere.js";
export type { RunEvent, RunStartedEvent, TaskEvent, TaskOutputEvent, RunFinishedEvent } from "./runtime/run-events.js";
export { runFlow, type RunFlowOptions } from "./runner/run-flow.js";
export {
  namespace, getNamespace, defaultNamespace, useDatastore, getDatastoreRoot, closeClient,
  Flow, Run, Step, Task, DataArtifact, listFlows, listRuns, listNamespaces, querySql,
  pin, unpin, usePins, getPinFile, listPins, pinStatus, PinError, PinFileError, DEFAULT_PIN_FILE,
  type Pin, type PinStatus, type UpstreamRun, type LineageReadInfo,
  ClientObject, FlowObject, FlowPromise, RunObject, StepObject, TaskObject, DataArtifactObject, MODEL, MAX_ATTEMPTS,
  RunPromise, StepPromise, TaskPromise, DataArtifactPromise, ObjectPromise, LazyPromise, type ListRunsQuery,
  type FlowFunction, type RunFunction, type StepFunction, type TaskFunction, type HandleMembers, type HandleMember,
  type RunRow, type ClientObjectJSON, type TaskException, type TaskLookupOptions, type TaskData, type RunData,
  type Kind, type KindInfo, type ListRunsOptions, type NamespaceCount, type NamespaceOptions, type SqlResult, type RunState,
} from "./client/index.js";
export {
  diffRuns, type RunDiff, type DiffRunsOptions, type DiffStatus, type ValueEntryDiff, type TagDiff, type StepDiff, type ArtifactDiff,
  type ArtifactInfo, type ValueChange, type ArrowTableDiff, type ArrowColumn, type ArrowRowChange,
} from "./client/diff.js";
export {
  TsflowError, type TsflowErrorOptions, NotFoundError, NamespaceMismatchError, InvalidPathspecError, InvalidNameError, UnknownUserError,
  TaggingError, GraphError, StepError, StepTimeoutError, MergeArtifactsError, MergeConflictError, MergeMissingError, MissingArtifactError, ParameterError, ArtifactError, FlowFileError, DatastoreError,
  ProductionTokenError, UsageError, SqlRefusedError, SqlError, RunFailedError, isTsflowError, formatUserError,
} from "./util/errors.js";
