/**
 * The JSON records a datastore root holds, one interface per file kind. These shapes are the on-disk
 * format (documented in the README): add optional fields only, never change a field's meaning.
 */

/** How the graph of a flow is stored with every run: one entry per step. */
export interface GraphInfo {
  /** Name of the flow class. */
  flow: string;
  /** The flow's doc, if any. */
  doc?: string;
  /** Steps in declaration order. */
  steps: GraphStepInfo[];
}

/** One step of a stored graph. */
export interface GraphStepInfo {
  name: string;
  /** `linear`, `split` (branch), `foreach`, `join` or `end`. */
  type: "linear" | "split" | "foreach" | "join" | "end" | "start";
  next: string[];
  /** For a foreach step: the artifact it iterates over. */
  foreach?: string;
  /** For a join: the step that opened the matching split or foreach. */
  matchingSplit?: string;
  doc?: string;
  decorators: string[];
}

/** `flows/<F>/runs/<R>/run.json`: written once, create-only, when a run starts. */
export interface RunRecord {
  flow: string;
  runId: string;
  /** Creation time, epoch milliseconds. */
  createdAt: number;
  /** The launching user (never `root`). */
  user: string;
  /** Immutable system tags: identity, runtime, versions. */
  systemTags: string[];
  /** The run this one resumes, or null. */
  originRunId: string | null;
  startStep: string;
  endStep: string;
  graph: GraphInfo;
  /** Names of the run's parameters (values are artifacts of `_parameters/0`). */
  parameters: string[];
  /** The flow file, when the flow was run from a file. */
  flowFile?: string;
}

/**
 * `flows/<F>/runs/<R>/tags/<rev>.json`: one revision of a run's user tags. Revisions are created
 * create-only (compare-and-swap), so concurrent edits from several processes never lose one.
 */
export interface TagsRecord {
  rev: number;
  userTags: string[];
  /** Epoch ms of the last edit. */
  updatedAt: number;
}

/** `flows/<F>/runs/<R>/status.json`: written by the runtime when a run ends, for display only. */
export interface RunStatusRecord {
  state: "successful" | "failed";
  finishedAt: number;
  /** A one-line reason when the run failed. */
  reason?: string;
}

/** `.../steps/<S>/<T>/task.json`: written once when a task is created. */
export interface TaskRecord {
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  createdAt: number;
  /** The foreach index of this task, or null outside a foreach. */
  index: number | null;
  /** The stack of enclosing foreach frames, outermost first. */
  foreachStack: ForeachFrame[];
  /** Parent tasks as `step/taskId`. */
  parents: string[];
  /** The run a resumed task belongs to originally, or null. */
  originRunId: string | null;
  /** For a task cloned by resume: the task it was cloned from (`step/taskId`). */
  originTaskId?: string | null;
}

/** One level of foreach nesting. */
export interface ForeachFrame {
  step: string;
  index: number;
  count: number;
}

/** A stored artifact: a reference to a content-addressed object. */
export interface ArtifactRef {
  /** SHA-256 of the stored bytes (hex). */
  sha: string;
  /** Size of the stored bytes. */
  size: number;
  format: "json" | "arrow";
  /** Epoch ms when the value was first set (carried over when inherited). */
  createdAt: number;
  /** A short description of the value's type (`number`, `Array`, `arrow.Table`, ...). */
  type: string;
}

/** `.../attempt-<A>/artifacts.json`: every artifact visible in the task after the attempt. */
export type ArtifactsRecord = Record<string, ArtifactRef>;

/** The exception a failed (or caught) attempt raised. */
export interface ExceptionInfo {
  type: string;
  message: string;
  stack: string;
}

/** `.../attempt-<A>/done.json`: the outcome of an attempt; written last and atomically. */
export interface AttemptRecord {
  attempt: number;
  success: boolean;
  startedAt: number;
  finishedAt: number;
  pid: number;
  /** The machine the attempt ran on (`os.hostname()`). */
  host?: string;
  /** The executor that ran it: `in-process`, `workers`, `redis:<queue>`, `slurm:<job id>`. */
  executor?: string;
  /** The steps this task chose to go next, as stored for resume. */
  next: string[];
  /** For a foreach split: the number of children. */
  foreachCount?: number;
  /** Why the attempt failed; absent on success, also when `@catchErrors` handled the error. */
  exception?: ExceptionInfo;
  /** The exception `@catchErrors` handled on this (successful) attempt. */
  caught?: ExceptionInfo;
}

/** One read of another run through the client, as a task records it for lineage. */
export interface LineageRead {
  /** What was read: an artifact's pathspec `Flow/Run/Step/Task/Artifact`. */
  pathspec: string;
  /** The namespace the object was read in (`null`: global). */
  namespace: string | null;
}

/**
 * `flows/<F>/runs/<R>/lineage/<step>.<taskId>.json`: what one task read from other runs through the
 * client, written once when the task ends (only when it read something). Kept beside the run, not in
 * the task's folder, so the run index learns a run's upstream runs with one listing.
 */
export interface LineageRecord {
  /** The task that read, as `step/taskId`. */
  task: string;
  /** The attempt whose reads these are (a retried task keeps its newest attempt's). */
  attempt: number;
  /** Each distinct (pathspec, namespace) read, in first-read order. */
  reads: LineageRead[];
  /** For a task cloned by resume: the task of the origin run whose reads these are (`Flow/Run/step/taskId`). */
  clonedFrom?: string;
}

/** One pin as a run records it: while the run's tasks follow it, `latestSuccessfulRun` of `flow` in `namespace` is `runId`. */
export interface RunPinEntry {
  flow: string;
  /** The namespace the pin applies in (`null`: global). */
  namespace: string | null;
  runId: string;
  /** When the pin was made (ISO date). */
  pinnedAt: string;
}

/**
 * `flows/<F>/runs/<R>/pins.json`: the pins in force when the run was launched, written once before its
 * first task (absent: the run was launched without pins). The same shape as a pin file (`pins-1`),
 * plus where the pins came from, so every task, on any machine, follows the launcher's pins.
 */
export interface RunPinsRecord {
  tsflow: "pins-1";
  /** The pin file they were read from, on the launching machine (for messages and `pinStatus`). */
  source: string;
  /** For a resumed run that kept its origin's pins: the origin run (`Flow/RunId`). */
  reusedFrom?: string;
  pins: RunPinEntry[];
}

/** `deployments/<F>.json`: the production deployment of a flow. */
export interface DeploymentRecord {
  flow: string;
  /** The production token; runs triggered from this deployment carry `production:<token>`. */
  token: string;
  deployedBy: string;
  deployedAt: number;
  /** Absolute path of the flow file that was deployed. */
  flowFile: string;
  /** Snapshot of the flow file's source at deploy time (key of a stored object). */
  sourceSha: string;
}
