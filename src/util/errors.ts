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

/**
 * Raised when no user name can be found in the environment, before anything is read or run.
 * @example
 * import assert from "node:assert/strict";
 * import { defaultNamespace, UnknownUserError } from "tsflow";
 *
 * // A bare container or CI job: none of the variables tsflow takes a user name from is set.
 * for (const name of ["TSFLOW_USER", "SUDO_USER", "USERNAME", "USER"]) delete process.env[name];
 * try {
 *   defaultNamespace();
 *   assert.fail("expected UnknownUserError");
 * } catch (err) {
 *   if (!(err instanceof UnknownUserError)) throw err;
 *   assert.equal(err.code, "UNKNOWN_USER");
 *   process.env.TSFLOW_USER = "ci-bot"; // what the message says to do
 * }
 * console.log(defaultNamespace()); // user:ci-bot
 */
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

/**
 * Raised when a flow's graph is wrong; raised before anything runs. `step` names the step at fault.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, GraphError } from "tsflow";
 *
 * class TrainFlow extends FlowSpec {
 *   @step start() { this.next(this.train); }
 *   @step train() { this.next(this.evaluate); }
 *   evaluate() { this.next(this.end); } // not a @step
 *   @step end() {}
 * }
 * const err = await runFlow(TrainFlow).catch((e: unknown) => e);
 * assert.ok(err instanceof GraphError);
 * assert.equal(err.code, "INVALID_GRAPH");
 * assert.equal(err.step, "train");
 * console.log(err.message); // Step *train* calls this.next(this.evaluate) but *evaluate* is not a step: decorate it with @step ...
 */
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

/**
 * Raised when a step uses the authoring API wrongly at run time (e.g. `next` twice); the subclasses
 * name particular failures of a step.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, StepError } from "tsflow";
 *
 * class HelloFlow extends FlowSpec {
 *   @step start() { this.next(this.end); }
 *   @step end() {}
 * }
 * try {
 *   new HelloFlow().start(); // a step runs only inside a run: runFlow(HelloFlow)
 *   assert.fail("expected StepError");
 * } catch (err) {
 *   if (!(err instanceof StepError)) throw err;
 *   assert.equal(err.code, "STEP_MISUSE");
 *   console.log(err.message); // this.next is only available while tsflow runs a step of this flow.
 * }
 */
export class StepError extends TsflowError {
  static override readonly code: string = "STEP_MISUSE";
  static override readonly headline: string = "Invalid use of a step";
}

/**
 * Raised in a task whose step ran longer than its `@timeout` (Metaflow's TimeoutException); the task
 * fails, or `@catchErrors` stores it as `{ type: "StepTimeoutError", message, stack }`.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, timeout, catchErrors, runFlow } from "tsflow";
 *
 * class FetchFlow extends FlowSpec {
 *   failure?: { type: string; message: string } | null;
 *   @catchErrors({ var: "failure", printException: false })
 *   @timeout({ seconds: 0.1 })
 *   @step async start() {
 *     await new Promise(() => {}); // a request that never answers
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const run = await runFlow(FetchFlow, { onEvent: () => {} });
 * const failure = await run.data.failure;
 * assert.equal(failure?.type, "StepTimeoutError");
 * console.log(failure?.message); // Step *start* timed out after 0.1 s (@timeout): make it faster or raise the timeout.
 */
export class StepTimeoutError extends StepError {
  static override readonly code = "STEP_TIMEOUT";
  static override readonly headline = "Step timed out";
}

/**
 * Raised by `mergeArtifacts` when it cannot merge (`MergeConflictError`, `MergeMissingError`); a
 * failed merge sets nothing, and `artifacts` names what stopped it.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, MergeArtifactsError, type Inputs } from "tsflow";
 *
 * class TuneFlow extends FlowSpec {
 *   dataset?: string;
 *   score?: number;
 *   @step start() { this.dataset = "iris"; this.next(this.a, this.b); }
 *   @step a() { this.score = 0.8; this.next(this.join); }
 *   @step b() { this.score = 0.9; this.next(this.join); }
 *   @step join(inputs: Inputs<TuneFlow>) {
 *     try {
 *       this.mergeArtifacts(inputs);
 *     } catch (err) {
 *       if (!(err instanceof MergeArtifactsError)) throw err;
 *       this.mergeArtifacts(inputs, { exclude: [...err.artifacts] }); // keep what the inputs agree on
 *     }
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const run = await runFlow(TuneFlow, { onEvent: () => {} });
 * assert.deepEqual(Object.keys((await run.data)!), ["dataset"]);
 * console.log(await run.data.dataset); // iris
 */
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
 * UnhandledInMergeArtifactsException); nothing is merged, and the join's task fails with it.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, Step, RunFailedError, type Inputs } from "tsflow";
 *
 * class VoteFlow extends FlowSpec {
 *   score?: number;
 *   @step start() { this.next(this.a, this.b); }
 *   @step a() { this.score = 1; this.next(this.join); }
 *   @step b() { this.score = 2; this.next(this.join); }
 *   @step join(inputs: Inputs<VoteFlow>) {
 *     this.mergeArtifacts(inputs); // the fix: this.score = Math.max(...inputs.map((i) => i.score!)) first
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const err = await runFlow(VoteFlow, { onEvent: () => {} }).catch((e: unknown) => e);
 * assert.ok(err instanceof RunFailedError);
 * const join = (await Step(`${err.pathspec}/join`).task)!;
 * assert.equal(join.exception?.type, "MergeConflictError");
 * console.log(join.exception?.message); // Step *join* cannot merge the following artifacts due to them having conflicting values: [score]. ...
 */
export class MergeConflictError extends MergeArtifactsError {
  static override readonly code = "MERGE_CONFLICT";
  static override readonly headline = "Unhandled artifacts in merge";
}

/**
 * Raised by `mergeArtifacts` when `include` names an artifact no input carries (Metaflow's
 * MissingInMergeArtifactsException); nothing is merged.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, MergeMissingError, type Inputs } from "tsflow";
 *
 * class ShardFlow extends FlowSpec {
 *   rows?: number;
 *   missing?: string[];
 *   @step start() { this.rows = 10; this.next(this.a, this.b); }
 *   @step a() { this.next(this.join); }
 *   @step b() { this.next(this.join); }
 *   @step join(inputs: Inputs<ShardFlow>) {
 *     try {
 *       this.mergeArtifacts(inputs, { include: ["rows", "schema"] }); // no step set `schema`
 *     } catch (err) {
 *       if (!(err instanceof MergeMissingError)) throw err;
 *       this.missing = [...err.artifacts];
 *       this.mergeArtifacts(inputs, { include: ["rows"] });
 *     }
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const run = await runFlow(ShardFlow, { onEvent: () => {} });
 * assert.deepEqual(await run.data.missing, ["schema"]);
 * console.log(await run.data.rows); // 10
 */
export class MergeMissingError extends MergeArtifactsError {
  static override readonly code = "MERGE_MISSING";
  static override readonly headline = "Missing artifacts in merge";
}

/**
 * Raised when a step reads `this.<name>` for an artifact that an earlier step set but that no input of
 * this step carries: a join upstream did not merge it (Metaflow raises AttributeError). The fix is
 * in the join: merge the artifact, or set it. (`"name" in this` is false for an artifact not carried.)
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, type Inputs } from "tsflow";
 *
 * class SumFlow extends FlowSpec {
 *   total?: number;
 *   @step start() { this.next(this.a, this.b); }
 *   @step a() { this.total = 1; this.next(this.join); }
 *   @step b() { this.total = 2; this.next(this.join); }
 *   @step join(_inputs: Inputs<SumFlow>) { this.next(this.end); } // the fix: this.total = 3 here
 *   @step end() { console.log(this.total); }
 * }
 * const run = await runFlow(SumFlow, { onEvent: () => {}, throwOnFailure: false });
 * const end = (await run.endTask)!;
 * assert.equal(end.exception?.type, "MissingArtifactError");
 * console.log(end.exception?.message); // Step *end* reads this.total, but no input of this step carries the artifact 'total': ...
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

/**
 * Raised when an artifact value cannot be stored faithfully; the step's task fails with it and
 * nothing of that attempt is stored.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, runFlow, Step, RunFailedError } from "tsflow";
 *
 * class ModelFlow extends FlowSpec {
 *   model?: unknown;
 *   @step start() {
 *     this.model = { weights: [0.5, 2], predict: (x: number) => x * 2 }; // the fix: store only the weights
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const err = await runFlow(ModelFlow, { onEvent: () => {} }).catch((e: unknown) => e);
 * assert.ok(err instanceof RunFailedError);
 * const start = (await Step(`${err.pathspec}/start`).task)!;
 * assert.equal(start.exception?.type, "ArtifactError");
 * console.log(start.exception?.message); // Cannot store artifact 'model' of step 'start': this.model.predict is a function ...
 */
export class ArtifactError extends TsflowError {
  static override readonly code = "UNSERIALIZABLE_ARTIFACT";
  static override readonly headline = "Artifact cannot be stored";
}

/**
 * Raised when a flow file cannot be loaded as a flow (`tsflow run`, `deploy`, `show`, ...); the
 * command prints `headline: message` and exits 2.
 * @example
 * import assert from "node:assert/strict";
 * import { spawnSync } from "node:child_process";
 * import { writeFileSync } from "node:fs";
 * import { FlowFileError } from "tsflow";
 *
 * writeFileSync("helpers.ts", "export const add = (a: number, b: number) => a + b;\n"); // no flow in it
 * const cli = spawnSync("npx", ["tsflow", "run", "helpers.ts"], { encoding: "utf8" });
 * assert.equal(cli.status, 2);
 * assert.ok(cli.stderr.startsWith(`${FlowFileError.headline}: `), cli.stderr);
 * console.log(cli.stderr); // Invalid flow file: helpers.ts exports no flow: export a class that extends FlowSpec, ...
 */
export class FlowFileError extends TsflowError {
  static override readonly code = "INVALID_FLOW_FILE";
  static override readonly headline = "Invalid flow file";
}

/**
 * Raised when the datastore cannot be read or written. The errors of an S3 root are
 * `DatastoreError`s too, with codes of their own (`S3_UNREACHABLE`, `S3_CREDENTIALS`,
 * `S3_NO_BUCKET`, `S3_ACCESS_DENIED`, `S3_NO_CONDITIONAL_WRITES`).
 * @example
 * import assert from "node:assert/strict";
 * import { writeFileSync } from "node:fs";
 * import { runFlow, useDatastore, DatastoreError } from "tsflow";
 * import { TeamCollabFlow } from "./examples/team-collab.js";
 *
 * writeFileSync("results", "a file, not a folder\n");
 * useDatastore("results/.tsflow"); // a root that cannot be created
 * const err = await runFlow(TeamCollabFlow).catch((e: unknown) => e);
 * assert.ok(err instanceof DatastoreError);
 * assert.equal(err.code, "DATASTORE");
 * console.log(err.message); // Could not create the datastore root .../results/.tsflow (ENOTDIR). Choose a --datastore-root you can write to, ...
 */
export class DatastoreError extends TsflowError {
  // Widened: the S3 errors (src/store/s3-errors.ts) refine it with codes of their own.
  static override readonly code: string = "DATASTORE";
  static override readonly headline: string = "Datastore error";
}

/**
 * Raised when a deployment is changed without its production token (`tsflow deploy` by someone
 * else than the deployer); the command prints `headline: message` and exits 2.
 * @example
 * import assert from "node:assert/strict";
 * import { spawnSync } from "node:child_process";
 * import { writeFileSync } from "node:fs";
 * import { ProductionTokenError } from "tsflow";
 *
 * writeFileSync("nightly.ts", `import { FlowSpec, step } from "tsflow";
 * export class NightlyFlow extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }\n`);
 * const deploy = (user: string) => spawnSync("npx", ["tsflow", "deploy", "nightly.ts"], { encoding: "utf8", env: { ...process.env, TSFLOW_USER: user } });
 * assert.equal(deploy("alice").status, 0);
 * const bob = deploy("bob"); // bob needs alice's token: tsflow deploy nightly.ts --authorize <token>
 * assert.equal(bob.status, 2);
 * assert.ok(bob.stderr.startsWith(`${ProductionTokenError.headline}: `), bob.stderr);
 * console.log(bob.stderr); // Incorrect production token: NightlyFlow was deployed by alice. Try again with the correct production token: ...
 */
export class ProductionTokenError extends TsflowError {
  static override readonly code = "INCORRECT_PRODUCTION_TOKEN";
  static override readonly headline = "Incorrect production token";
}

/**
 * Raised for a wrong command line or magic line, and for a call that asks for something that
 * cannot be done as asked (resuming a run that has nothing to resume).
 * @example
 * import assert from "node:assert/strict";
 * import { Flow, runFlow, UsageError } from "tsflow";
 * import { TeamCollabFlow } from "./examples/team-collab.js";
 *
 * const last = (await Flow(TeamCollabFlow).latestSuccessfulRun)!;
 * const err = await runFlow(TeamCollabFlow, { resume: { originRunId: last.id } }).catch((e: unknown) => e);
 * assert.ok(err instanceof UsageError); // it succeeded: no failed step to resume from
 * assert.equal(err.code, "USAGE");
 * const again = await runFlow(TeamCollabFlow, { resume: { originRunId: last.id, step: "end" }, onEvent: () => {} });
 * console.log(again.successful, again.originPathspec); // true TeamCollabFlow/...
 */
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

/**
 * Raised when a task executor cannot be used: an unknown `--executor` / `runFlow` `executor`, a queue
 * that cannot be reached, a scheduler command missing, a root workers cannot see, no code to send them.
 * @example
 * import { ExecutorError, FlowSpec, runFlow, step } from "tsflow";
 *
 * class PigeonFlow extends FlowSpec {
 *   @step start() { this.next(this.end); }
 *   @step end() {}
 * }
 * const err = await runFlow(PigeonFlow, { executor: "carrier-pigeon" }).catch((e: unknown) => e);
 * if (err instanceof ExecutorError) console.log(err.code, err.message); // EXECUTOR Unknown executor 'carrier-pigeon': use local ...
 */
export class ExecutorError extends TsflowError {
  static override readonly code = "EXECUTOR";
  static override readonly headline = "Executor error";
}
