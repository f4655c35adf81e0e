/**
 * The error family of tsflow. Every error a user can cause is a `TsflowError` with a stable `code`,
 * a short `headline` (what kind of problem) and a `message` that says what is wrong and what to do.
 *
 * `instanceof` works across realms (a notebook kernel may load a second copy of the library): each
 * class checks a branded list of codes instead of the prototype chain.
 */

const BRAND = Symbol.for("tsflow.error.codes");

type Branded = { [BRAND]?: readonly string[] };

/** Options common to every tsflow error. */
export interface TsflowErrorOptions {
  /** The error that caused this one, if any. */
  cause?: unknown;
}

/**
 * A `TsflowError` is the base of every error tsflow raises on purpose; callers can test `err.code`.
 * @example
 * import { Run, TsflowError, formatUserError } from "tsflow";
 *
 * try {
 *   await Run("TeamCollabFlow/1");
 * } catch (err) {
 *   if (err instanceof TsflowError) console.log(err.code, formatUserError(err)); // NOT_FOUND Object not found: ...
 * }
 */
export class TsflowError extends Error {
  /** The stable, machine-readable code of this class of error. */
  static readonly code: string = "TSFLOW_ERROR";
  /** A short title shown before the message (`headline: message`). */
  static readonly headline: string = "tsflow error";

  /** The stable, machine-readable code of this error. */
  readonly code: string;
  /** A short title shown before the message. */
  readonly headline: string;

  constructor(message: string, options: TsflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { code: string; headline: string; name: string };
    this.code = ctor.code;
    this.headline = ctor.headline;
    this.name = ctor.name;
    Object.defineProperty(this, BRAND, { value: brandCodes(new.target), enumerable: false });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const codes = (value as Branded)[BRAND];
    if (!Array.isArray(codes)) return false;
    return this.code === TsflowError.code || codes.includes(this.code);
  }
}

function brandCodes(ctor: Function): string[] {
  const codes: string[] = [];
  for (let c: any = ctor; c && c !== Error && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (typeof c.code === "string") codes.push(c.code);
  }
  return codes;
}

/**
 * Raised when a client object (flow, run, step, task, artifact) does not exist.
 * @example
 * import { Flow, NotFoundError } from "tsflow";
 *
 * const err = await Flow("NoSuchFlow").catch((e: unknown) => e);
 * if (err instanceof NotFoundError) console.log(err.message); // Flow('NoSuchFlow') does not exist
 */
export class NotFoundError extends TsflowError {
  static override readonly code = "NOT_FOUND";
  static override readonly headline = "Object not found";
}

/**
 * Raised when an object exists but is not in the namespace it was looked up in.
 * @example
 * import { Flow, namespace, NamespaceMismatchError } from "tsflow";
 *
 * namespace("user:nobody-here");
 * const err = await Flow("TeamCollabFlow").latestSuccessfulRun.catch((e: unknown) => e);
 * if (err instanceof NamespaceMismatchError) console.log(err.message, err.namespace); // Object not in namespace 'user:nobody-here'
 */
export class NamespaceMismatchError extends TsflowError {
  static override readonly code = "NAMESPACE_MISMATCH";
  static override readonly headline = "Object not in the current namespace";
  /** The namespace the lookup was made in. */
  readonly namespace: string | null;

  constructor(namespace: string | null, message?: string) {
    super(message ?? `Object not in namespace '${namespace}'`);
    this.namespace = namespace;
  }
}

/**
 * Raised, before any I/O, when a pathspec has the wrong shape for the object asked for.
 * @example
 * import { Run, InvalidPathspecError } from "tsflow";
 *
 * const err = await Run("TeamCollabFlow").catch((e: unknown) => e);
 * if (err instanceof InvalidPathspecError) console.log(err.message); // Expects Run('FlowName/RunID')
 */
export class InvalidPathspecError extends TsflowError {
  static override readonly code = "INVALID_PATHSPEC";
  static override readonly headline = "Invalid pathspec";
}

/**
 * Raised when a flow, step, artifact, parameter or namespace name is not acceptable.
 * @example
 * import { DataArtifact, InvalidNameError } from "tsflow";
 *
 * const err = await DataArtifact("TeamCollabFlow/1/end/2/my-choice").catch((e: unknown) => e);
 * if (err instanceof InvalidNameError) console.log(err.message); // Artifact name "my-choice" is not valid: ...
 */
export class InvalidNameError extends TsflowError {
  static override readonly code = "INVALID_NAME";
  static override readonly headline = "Invalid name";
}

/** Raised when no user name can be found in the environment. */
export class UnknownUserError extends TsflowError {
  static override readonly code = "UNKNOWN_USER";
  static override readonly headline = "Unknown user";

  constructor() {
    super(
      "tsflow could not determine your user name based on environment variables " +
        "($TSFLOW_USER, $SUDO_USER, $USERNAME, $USER; 'root' is skipped). Set TSFLOW_USER=<name> and try again.",
    );
  }
}

/**
 * Raised when a tag operation breaks a tagging rule.
 * @example
 * import { Flow, TaggingError } from "tsflow";
 *
 * const run = (await Flow("TeamCollabFlow").latestSuccessfulRun)!;
 * const err = await run.removeTag(run.systemTags[0]!).catch((e: unknown) => e);
 * if (err instanceof TaggingError) console.log(err.message); // Cannot remove a tag that is an existing system tag (...)
 */
export class TaggingError extends TsflowError {
  static override readonly code = "TAGGING";
  static override readonly headline = "Tagging error";
}

/** Raised when a flow's graph is wrong; raised before anything runs. */
export class GraphError extends TsflowError {
  static override readonly code = "INVALID_GRAPH";
  static override readonly headline = "Validity checker found an issue";
  /** The step the problem is in, when there is one. */
  readonly step: string | undefined;

  constructor(message: string, step?: string) {
    super(message);
    this.step = step;
  }
}

/** Raised when a step uses the authoring API wrongly at run time (e.g. `next` twice). */
export class StepError extends TsflowError {
  static override readonly code: string = "STEP_MISUSE";
  static override readonly headline: string = "Invalid use of a step";
}

/** Raised in a task whose step ran longer than its `@timeout` (Metaflow's TimeoutException). */
export class StepTimeoutError extends StepError {
  static override readonly code = "STEP_TIMEOUT";
  static override readonly headline = "Step timed out";
}

/** Raised by `mergeArtifacts` when it cannot merge; a failed merge sets nothing. */
export class MergeArtifactsError extends StepError {
  static override readonly code: string = "MERGE_ARTIFACTS";
  static override readonly headline: string = "Cannot merge artifacts";
  /** The artifacts that stopped the merge. */
  readonly artifacts: readonly string[];

  constructor(message: string, artifacts: readonly string[]) {
    super(message);
    this.artifacts = artifacts;
  }
}

/**
 * Raised by `mergeArtifacts` when inputs disagree on artifacts the join did not set (Metaflow's
 * UnhandledInMergeArtifactsException); nothing is merged.
 * @example
 * @step join(inputs: Inputs<MyFlow>) {
 *   this.score = Math.max(...inputs.map((i) => i.score)); // resolve the conflict first
 *   this.mergeArtifacts(inputs);
 *   this.next(this.end);
 * }
 */
export class MergeConflictError extends MergeArtifactsError {
  static override readonly code = "MERGE_CONFLICT";
  static override readonly headline = "Unhandled artifacts in merge";
}

/** Raised by `mergeArtifacts` when `include` names an artifact no input carries (Metaflow's MissingInMergeArtifactsException). */
export class MergeMissingError extends MergeArtifactsError {
  static override readonly code = "MERGE_MISSING";
  static override readonly headline = "Missing artifacts in merge";
}

/**
 * Raised when a step reads `this.<name>` for an artifact that an earlier step set but that no input of
 * this step carries: a join upstream did not merge it (Metaflow raises AttributeError). The fix is
 * in the join: merge the artifact, or set it.
 * @example
 * @step join(inputs: Inputs<MyFlow>) {
 *   this.mergeArtifacts(inputs, { exclude: ["partial"] }); // keeps `total` for the steps after
 *   this.next(this.end);
 * }
 * @step end() {
 *   if ("partial" in this) console.log(this.partial); // `in` is false for an artifact not carried
 * }
 */
export class MissingArtifactError extends StepError {
  static override readonly code = "MISSING_ARTIFACT";
  static override readonly headline = "Artifact not available in this step";
  /** The artifact that was read. */
  readonly artifact: string;
  /** The step that read it. */
  readonly step: string;

  constructor(message: string, artifact: string, step: string) {
    super(message);
    this.artifact = artifact;
    this.step = step;
  }
}

/**
 * Raised when a parameter is declared or given wrongly.
 * @example
 * import { Parameter, ParameterError } from "tsflow";
 *
 * try {
 *   Parameter("help");
 * } catch (err) {
 *   if (err instanceof ParameterError) console.log(err.message); // Parameter name 'help' is a reserved word. ...
 * }
 */
export class ParameterError extends TsflowError {
  static override readonly code = "INVALID_PARAMETER";
  static override readonly headline = "Invalid parameter";
}

/** Raised when an artifact value cannot be stored faithfully. */
export class ArtifactError extends TsflowError {
  static override readonly code = "UNSERIALIZABLE_ARTIFACT";
  static override readonly headline = "Artifact cannot be stored";
}

/** Raised when a flow file cannot be loaded as a flow. */
export class FlowFileError extends TsflowError {
  static override readonly code = "INVALID_FLOW_FILE";
  static override readonly headline = "Invalid flow file";
}

/** Raised when the datastore cannot be read or written. */
export class DatastoreError extends TsflowError {
  // Widened: the S3 errors (src/store/s3-errors.ts) refine it with codes of their own.
  static override readonly code: string = "DATASTORE";
  static override readonly headline: string = "Datastore error";
}

/** Raised when a deployment is changed without its production token. */
export class ProductionTokenError extends TsflowError {
  static override readonly code = "INCORRECT_PRODUCTION_TOKEN";
  static override readonly headline = "Incorrect production token";
}

/** Raised for a wrong command line or magic line. */
export class UsageError extends TsflowError {
  static override readonly code = "USAGE";
  static override readonly headline = "Usage error";
}

/**
 * Raised when SQL given to the run index would write or reach outside it.
 * @example
 * import { querySql, SqlRefusedError } from "tsflow";
 *
 * const err = await querySql("DELETE FROM runs").catch((e: unknown) => e);
 * if (err instanceof SqlRefusedError) console.log(err.message);
 */
export class SqlRefusedError extends TsflowError {
  static override readonly code = "SQL_REFUSED";
  static override readonly headline = "SQL refused";
}

/**
 * Raised by `runFlow` when the run it started did not succeed; `pathspec` names the failed run.
 * @example
 * import { FlowSpec, step, runFlow, RunFailedError } from "tsflow";
 *
 * class BrokenFlow extends FlowSpec {
 *   @step start() {
 *     if (new Date().getDay() < 7) throw new Error("no data today");
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const err = await runFlow(BrokenFlow, { onEvent: () => {} }).catch((e: unknown) => e);
 * if (err instanceof RunFailedError) console.log(err.pathspec, err.message);
 */
export class RunFailedError extends TsflowError {
  static override readonly code = "RUN_FAILED";
  static override readonly headline = "Run failed";
  /** The pathspec of the failed run (`Flow/RunId`). */
  readonly pathspec: string;

  constructor(pathspec: string, message: string) {
    super(message);
    this.pathspec = pathspec;
  }
}

/** Returns true when `err` is a tsflow error (from any copy of the library). */
export function isTsflowError(err: unknown): err is TsflowError {
  return err instanceof TsflowError;
}

/** Formats an error the way the CLI and the kernel show a user's mistake: `headline: message`. */
export function formatUserError(err: unknown): string {
  if (isTsflowError(err)) return `${err.headline}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Raised when a SQL query over the run index is allowed but fails (syntax error, unknown column, ...).
 * @example
 * import { querySql, SqlError } from "tsflow";
 *
 * const err = await querySql("SELECT nope FROM runs").catch((e: unknown) => e);
 * if (err instanceof SqlError) console.log(err.message); // ... "nope" ...
 */
export class SqlError extends TsflowError {
  static override readonly code = "SQL_ERROR";
  static override readonly headline = "SQL error";
}

/** Raised when a task executor cannot be used: a queue that cannot be reached, a scheduler command missing, a root workers cannot see. */
export class ExecutorError extends TsflowError {
  static override readonly code = "EXECUTOR";
  static override readonly headline = "Executor error";
}
