/**
 * The messages of values the codec refuses to store. Each names the artifact, the step, the path
 * inside the value (`this.model.layers[2].fn`) and what to do instead.
 */
import { ArtifactError } from "../../util/errors.js";

/** Which artifact of which step a value is being stored for; used in error messages only. */
export interface ArtifactContext {
  /** The artifact name (the attribute set on `this`). */
  artifact: string;
  /** The step that set it. */
  step: string;
}

const ADVICE =
  "Store plain data instead: convert it with toJSON() or structuredClone(), or keep it out of `this` " +
  "by using a local variable or an attribute name starting with `_`, which is not persisted.";

/** A path segment for an object property (`.name` or `["odd key"]`). */
export function propertySegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A path segment for the value of a Map entry (`.get("key")`, or `.get(<key #3>)`). */
export function mapValueSegment(key: unknown, index: number): string {
  if (typeof key === "string") return `.get(${JSON.stringify(key)})`;
  if (typeof key === "number" || typeof key === "boolean") return `.get(${String(key)})`;
  if (typeof key === "bigint") return `.get(${key}n)`;
  return `.get(<key #${index}>)`;
}

/** Renders a path inside an artifact, e.g. `this.model.layers[2]`. */
export function renderPath(ctx: ArtifactContext, segments: readonly string[]): string {
  return `this${propertySegment(ctx.artifact)}${segments.join("")}`;
}

/**
 * Builds the error for a refused value.
 * @param ctx - the artifact and step.
 * @param path - the rendered path of the refused part (`this.x.y`).
 * @param problem - what the part is, completing "<path> ..." (e.g. "is a function").
 * @param advice - what to do; defaults to the general advice on storing plain data.
 */
export function refusal(ctx: ArtifactContext, path: string, problem: string, advice = ADVICE, cause?: unknown): ArtifactError {
  const message = `Cannot store artifact '${ctx.artifact}' of step '${ctx.step}': ${path} ${problem}. ${advice}`;
  return new ArtifactError(message, cause === undefined ? {} : { cause });
}

/** The general advice, for messages that add to it. */
export const STORE_PLAIN_DATA = ADVICE;
