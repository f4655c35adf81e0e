/**
 * The client object model, declared as data (as Metaflow's `client/core.py` does): each kind knows
 * its parent kind, its child kind and the shape of its pathspec. `Flow -> Run -> Step -> Task ->
 * DataArtifact`; a pathspec is `Flow/RunId/Step/TaskId/Artifact`.
 */
import { InvalidPathspecError, NotFoundError } from "../util/errors.js";
import { assertArtifactName } from "../util/validate.js";

/** The kinds of client object, from the top of the hierarchy down. */
export type Kind = "Flow" | "Run" | "Step" | "Task" | "DataArtifact";

/** What the model knows about one kind. */
export interface KindInfo {
  readonly parent: Kind | null;
  readonly child: Kind | null;
  /** The pathspec shape shown in `Expects Run('FlowName/RunID')`. */
  readonly shape: string;
  /** Whether an attempt may be given (`Task(p, { attempt })`). */
  readonly attempts: boolean;
}

/** The object model: parent, child and pathspec shape of every kind. */
export const MODEL: Readonly<Record<Kind, KindInfo>> = {
  Flow: { parent: null, child: "Run", shape: "FlowName", attempts: false },
  Run: { parent: "Flow", child: "Step", shape: "FlowName/RunID", attempts: false },
  Step: { parent: "Run", child: "Task", shape: "FlowName/RunID/StepName", attempts: false },
  Task: { parent: "Step", child: "DataArtifact", shape: "FlowName/RunID/StepName/TaskID", attempts: true },
  DataArtifact: { parent: "Task", child: null, shape: "FlowName/RunID/StepName/TaskID/ArtifactName", attempts: true },
};

/** How many attempts a task may have, as in Metaflow (`MAX_ATTEMPTS`). */
export const MAX_ATTEMPTS = 6;

/** The depth of a kind: how many components its pathspec has. */
export function depthOf(kind: Kind): number {
  return MODEL[kind].shape.split("/").length;
}

/**
 * Splits a pathspec into its components, checking its arity (and that no component is empty)
 * before any I/O.
 * @throws InvalidPathspecError `Expects Run('FlowName/RunID')` when the shape is wrong.
 * @throws InvalidNameError when a `DataArtifact` pathspec ends in a name no artifact can have.
 */
export function parsePathspec(kind: Kind, pathspec: unknown): string[] {
  const parts = typeof pathspec === "string" ? pathspec.split("/") : [];
  if (parts.length !== depthOf(kind) || parts.some((p) => p.length === 0)) {
    throw new InvalidPathspecError(`Expects ${kind}('${MODEL[kind].shape}')`);
  }
  // No artifact can have a name the runtime refuses to store: say so rather than "does not exist".
  if (kind === "DataArtifact") assertArtifactName(parts[4]);
  return parts;
}

/**
 * Checks an attempt number given for an object of `kind`; `undefined` means "the newest attempt".
 * Errors are Metaflow's (`MetaflowNotFound`, hence `NotFoundError`).
 */
export function checkAttempt(kind: Kind, attempt: unknown): number | undefined {
  if (attempt === undefined || attempt === null) return undefined;
  if (!MODEL[kind].attempts) throw new NotFoundError("Attempts can only be specified for Task or DataArtifact");
  if (typeof attempt !== "number" || !Number.isInteger(attempt)) throw new NotFoundError("Attempt can only be an integer");
  if (attempt < 0) throw new NotFoundError("Attempt can only be non-negative");
  if (attempt >= MAX_ATTEMPTS) throw new NotFoundError(`Attempt can only be smaller than ${MAX_ATTEMPTS}`);
  return attempt;
}

/** Renders an object the way Metaflow does: `Run('F/1')`, `Task('F/1/s/2', attempt=3)`. */
export function renderObject(kind: Kind, pathspec: string, attempt?: number): string {
  return attempt === undefined ? `${kind}('${pathspec}')` : `${kind}('${pathspec}', attempt=${attempt})`;
}

/** The NotFoundError for an object: `Run('F/9') does not exist`. */
export function notFound(kind: Kind, pathspec: string, attempt?: number): NotFoundError {
  // A pathspec of megabytes (pasted by mistake) must not become a message of megabytes.
  const shown = pathspec.length > 200 ? `${pathspec.slice(0, 197)}...` : pathspec;
  return new NotFoundError(`${renderObject(kind, shown, attempt)} does not exist`);
}

/** Internal steps and artifacts (`_parameters`, `_success`...) start with `_`: hidden from listings. */
export function isHidden(name: string): boolean {
  return name.startsWith("_");
}

const COMPONENT_RULES: readonly RegExp[] = [
  /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, // flow
  /^[0-9]{1,24}$/, // run id
  /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, // step
  /^[0-9]{1,12}$/, // task id
  /^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/, // artifact
];

/** Tells whether every component could name something in a datastore (else nothing can exist there). */
export function componentsValid(parts: readonly string[]): boolean {
  return parts.every((p, i) => COMPONENT_RULES[i]?.test(p) ?? false);
}
