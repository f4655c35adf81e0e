/**
 * Validation of every name that becomes part of a datastore key or a namespace. A name that
 * passes here can never address anything outside the datastore root.
 */
import { InvalidNameError, TaggingError } from "./errors.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 128;
/** Longest tag (and namespace) accepted, as in Metaflow. */
export const MAX_TAG_LENGTH = 500;
/** Most user tags a run may carry, as in Metaflow. */
export const MAX_USER_TAGS = 50;

function assertIdent(kind: string, name: unknown, extra = ""): string {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME || !IDENT.test(name)) {
    throw new InvalidNameError(
      `${kind} name ${describe(name)} is not valid: use letters, digits and '_', starting with a letter ` + `or '_', at most ${MAX_NAME} characters${extra}.`,
    );
  }
  return name;
}

/** Returns `name` when it is a valid flow name (a TypeScript identifier), else throws `InvalidNameError`. */
export function assertFlowName(name: unknown): string {
  return assertIdent("Flow", name);
}

/** Returns `name` when it is a valid step name, else throws `InvalidNameError`. */
export function assertStepName(name: unknown): string {
  return assertIdent("Step", name);
}

/** What an artifact name may be: a plain (ASCII) JavaScript identifier, as a field set on `this` is. */
export const ARTIFACT_NAME_RULE = `letters, digits, '_' and '$', not starting with a digit, at most ${MAX_NAME} characters`;

/** Tells whether `name` can name an artifact (see `ARTIFACT_NAME_RULE`). */
export function isArtifactName(name: unknown): boolean {
  return typeof name === "string" && name.length <= MAX_NAME && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/** Returns `name` when it is a valid artifact name, else throws `InvalidNameError` saying what is allowed. */
export function assertArtifactName(name: unknown): string {
  if (isArtifactName(name)) return name as string;
  throw new InvalidNameError(`Artifact name ${describe(name)} is not valid: use ${ARTIFACT_NAME_RULE}.`);
}

/** Returns `id` when it is a valid run id (digits), else throws `InvalidNameError`. */
export function assertRunId(id: unknown): string {
  if (typeof id === "string" && /^[0-9]{1,24}$/.test(id)) return id;
  throw new InvalidNameError(`Run id ${describe(id)} is not valid: run ids are decimal digits, e.g. 1795770905508901.`);
}

/** Returns `id` when it is a valid task id (digits), else throws `InvalidNameError`. */
export function assertTaskId(id: unknown): string {
  if (typeof id === "string" && /^[0-9]{1,12}$/.test(id)) return id;
  throw new InvalidNameError(`Task id ${describe(id)} is not valid: task ids are decimal digits, e.g. 2.`);
}

/** Throws `TaggingError` (Metaflow's messages) unless `tag` is an acceptable tag. */
export function assertTag(tag: unknown): string {
  if (typeof tag !== "string") throw new TaggingError(`Tags must be strings, got ${describe(tag)}`);
  if (tag.length === 0) throw new TaggingError("Tags must not be empty string");
  if (tag.length > MAX_TAG_LENGTH) throw new TaggingError(`Tag is too long ${tag.length} > ${MAX_TAG_LENGTH}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point (Metaflow refuses them in tags)
  if (/[\u0000-\u001f\u007f]/.test(tag)) {
    throw new TaggingError(`Tag ${JSON.stringify(tag)} contains control characters: use printable characters only`);
  }
  if (!tag.isWellFormed()) throw new TaggingError("Tag is not well-formed unicode (a lone surrogate)");
  return tag;
}

/**
 * Throws `InvalidNameError` unless `ns` can be a namespace: null (global) or a string that
 * could be a tag. The empty string is accepted: it is a namespace nobody is in.
 */
export function assertNamespace(ns: unknown): string | null {
  if (ns === null || ns === "") return ns;
  if (typeof ns !== "string") {
    throw new InvalidNameError(`Namespace must be a string or null (global), got ${describe(ns)}`);
  }
  try {
    return assertTag(ns);
  } catch (err) {
    throw new InvalidNameError(`Namespace ${describe(ns)} is not valid: ${(err as Error).message}.`);
  }
}

/** A short, safe rendering of a user-supplied value for an error message. */
export function describe(value: unknown): string {
  if (typeof value !== "string") return typeof value === "undefined" ? "undefined" : `of type ${typeof value}`;
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}
