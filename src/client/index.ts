/**
 * The client API: read any run back, your own or a teammate's, by namespace. `Flow -> Run -> Step ->
 * Task -> DataArtifact`, namespaces, tags and listings over the run index.
 *
 * Metaflow to tsflow (one `await` per I/O hop; synchronous fields are a snapshot taken at lookup):
 *
 * | Metaflow                               | tsflow                                              |
 * |----------------------------------------|-----------------------------------------------------|
 * | `Flow('F').latest_successful_run`      | `await Flow("F").latestSuccessfulRun`               |
 * | `run.data.choice`                      | `await run.data.choice`                             |
 * | `run.data is None`                     | `(await run.data) === null`                         |
 * | `'x' in run.data` / `'x' in task.data` | `"x" in (await run.data)` / `"x" in task.data`      |
 * | `Run('F/1')`, `Task('F/1/s/2', attempt=0)` | `await Run("F/1")`, `await Task("F/1/s/2", { attempt: 0 })` |
 * | `for r in Flow('F')`, `flow.runs('t')`  | `for await (const r of Flow("F"))`, `flow.runs("t")` |
 * | `flow['1']`, `'1' in flow`              | `await flow.get("1")`, `await flow.has("1")`        |
 * | `obj.parent`, `obj.is_in_namespace()`   | `await obj.parent`, `await obj.isInNamespace()`     |
 * | `task.stdout`, `task.parent_tasks`      | `await task.stdout`, `await task.parentTasks`       |
 * | `run.add_tag('x')`                      | `await run.addTag("x")`                             |
 * | `Metaflow().flows`                      | `await listFlows()`                                 |
 * | `namespace(None)`, `get_namespace()`    | `namespace(null)`, `getNamespace()`                 |
 * | `metadata('/path')`                     | `useDatastore("/path")`                             |
 * | (none: Netflix/metaflow#1018)           | `await listNamespaces()`                            |
 * | `KeyError` from `flow['999']`           | `NotFoundError` "Run('F/999') does not exist"       |
 */
import "./flow.js";
import "./run.js";
import "./step.js";
import "./task.js";
import "./data-artifact.js";

export { namespace, getNamespace, defaultNamespace } from "./namespace.js";
export { useDatastore, getDatastoreRoot, closeBackends as closeClient } from "./backend.js";
export type { RunRow, RunState, SqlResult, ListRunsQuery } from "./backend.js";
export { ClientObject } from "./client-object.js";
export type { ClientObjectJSON } from "./client-object.js";
export { Flow, FlowObject, FlowPromise } from "./flow.js";
export type { FlowFunction } from "./flow.js";
export { Run, RunObject, RunPromise } from "./run.js";
export type { RunFunction } from "./run.js";
export { Step, StepObject, StepPromise } from "./step.js";
export type { StepFunction } from "./step.js";
export { Task, TaskObject, TaskPromise } from "./task.js";
export type { TaskException, TaskLookupOptions, TaskFunction } from "./task.js";
export { DataArtifact, DataArtifactObject, DataArtifactPromise } from "./data-artifact.js";
export { ObjectPromise } from "./handle.js";
export { LazyPromise } from "./lazy-promise.js";
export type { HandleMembers, HandleMember } from "./handle.js";
export type { TaskData, RunData } from "./task-data.js";
export { MODEL, MAX_ATTEMPTS } from "./model.js";
export type { Kind, KindInfo } from "./model.js";
export { listFlows, listRuns, listNamespaces, querySql } from "./listing.js";
export { pin, unpin, usePins, getPinFile, listPins, pinStatus, PinError, PinFileError, DEFAULT_PIN_FILE } from "./pins.js";
export type { LaunchPins } from "./pin-file.js";
export type { Pin, PinStatus } from "./pins.js";
export type { LineageReadInfo } from "./lineage.js";
export type { UpstreamRun } from "./run.js";
export type { ListRunsOptions, NamespaceCount, NamespaceOptions } from "./listing.js";
export {
  NotFoundError,
  NamespaceMismatchError,
  InvalidPathspecError,
  TaggingError,
  UnknownUserError,
} from "../util/errors.js";
