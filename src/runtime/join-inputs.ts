/**
 * The `inputs` of a join step and `mergeArtifacts`: one read-only view per parent task with its
 * artifacts loaded lazily, in index order (foreach) and addressable by step name (branch).
 */
import type { Inputs, MergeOptions } from "../flow/flow-spec.js";
import type { ArtifactRef, ArtifactsRecord } from "../store/records.js";
import { MergeConflictError, MergeMissingError, StepError } from "../util/errors.js";
import type { ArtifactStore } from "./artifact-store.js";
import type { FlowInstance } from "./flow-instance.js";

const refsOf = new WeakMap<object, ArtifactsRecord>();

/** Builds the `inputs` argument of a join from its parents' artifacts. */
export function makeInputs(parents: { step: string; refs: ArtifactsRecord }[], store: ArtifactStore): Inputs {
  const views = parents.map(({ step, refs }) => makeView(step, refs, store));
  const inputs = [...views];
  for (const [i, p] of parents.entries()) {
    if (!(p.step in inputs)) Object.defineProperty(inputs, p.step, { value: views[i], enumerable: false });
  }
  return Object.freeze(inputs) as unknown as Inputs;
}

function makeView(step: string, refs: ArtifactsRecord, store: ArtifactStore): object {
  const view: Record<string, unknown> = {};
  const cache = new Map<string, unknown>();
  for (const [name, ref] of Object.entries(refs)) {
    Object.defineProperty(view, name, {
      enumerable: !name.startsWith("_"),
      get: () => {
        if (!cache.has(name)) cache.set(name, store.loadSync(ref));
        return cache.get(name);
      },
      set: () => {
        throw new StepError(`inputs are read-only: to change '${name}', set this.${name} in the join instead.`);
      },
    });
  }
  Object.defineProperty(view, "toString", { value: () => `Input(${step})`, enumerable: false });
  refsOf.set(view, refs);
  return view;
}

/**
 * Merges the artifacts the inputs agree on into the join's instance (Metaflow's rule). The whole
 * merge is computed first and assigned only when it succeeds: a failed merge sets nothing.
 * @throws StepError when both `include` and `exclude` are given, MergeConflictError for conflicts,
 * MergeMissingError for an included name that no input carries.
 */
export function mergeInputs(target: FlowInstance, step: string, inputs: Inputs, parameters: ReadonlySet<string>, options: MergeOptions): void {
  const include = options.include ?? [];
  const exclude = new Set(options.exclude ?? []);
  if (include.length && exclude.size)
    throw new StepError(`Step *${step}* passes both include and exclude to mergeArtifacts: they are mutually exclusive, give one.`);
  const byName = collect(inputs, parameters);
  const merged = new Map<string, ArtifactRef>();
  const conflicts: string[] = [];
  for (const [name, refs] of byName) {
    if (exclude.has(name) || (include.length && !include.includes(name)) || target.has(name)) continue;
    if (new Set(refs.map((r) => r.sha)).size === 1) merged.set(name, refs[0]!);
    else conflicts.push(name);
  }
  if (conflicts.length) {
    throw new MergeConflictError(
      `Step *${step}* cannot merge the following artifacts due to them having conflicting values:\n[${conflicts.join(", ")}].\n` +
        "To remedy this issue, be sure to explicitly set those artifacts (using this.<artifact_name> = ...) prior to calling mergeArtifacts.",
      conflicts,
    );
  }
  const missing = include.filter((name) => !merged.has(name) && !target.has(name));
  if (missing.length) {
    throw new MergeMissingError(
      `Step *${step}* specifies that [${include.join(", ")}] should be merged but [${missing.join(", ")}] are not present.\n` +
        "To remedy this issue, make sure that the values specified in include come from at least one input.",
      missing,
    );
  }
  for (const [name, ref] of merged) target.setFromRef(name, ref);
}

function collect(inputs: Inputs, parameters: ReadonlySet<string>): Map<string, ArtifactRef[]> {
  const byName = new Map<string, ArtifactRef[]>();
  for (const view of inputs) {
    const refs = refsOf.get(view as object);
    if (!refs) throw new StepError("mergeArtifacts expects the inputs the join step received.");
    for (const [name, ref] of Object.entries(refs)) {
      if (name.startsWith("_") || parameters.has(name)) continue;
      byName.set(name, [...(byName.get(name) ?? []), ref]);
    }
  }
  return byName;
}
