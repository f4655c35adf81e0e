/**
 * The `inputs` of a join step and `mergeArtifacts`: one read-only view per parent task with its
 * artifacts loaded lazily, in index order (foreach) and addressable by step name (branch).
 */
import type { Inputs, MergeOptions } from "../flow/flow-spec.js";
import type { ArtifactsRecord } from "../store/records.js";
import { StepError } from "../util/errors.js";
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

/** Merges the artifacts the inputs agree on into the join's instance (Metaflow's rule). */
export function mergeInputs(
  target: FlowInstance, step: string, inputs: Inputs, parameters: ReadonlySet<string>, options: MergeOptions,
): void {
  const byName = collect(inputs, parameters);
  for (const name of options.include ?? []) {
    if (!byName.has(name)) throw new StepError(`Step *${step}* cannot merge *${name}*: no input has an artifact of that name (check include).`);
  }
  const exclude = new Set(options.exclude ?? []);
  const conflicts: string[] = [];
  for (const [name, refs] of byName) {
    if (exclude.has(name) || (options.include && !options.include.includes(name)) || target.has(name)) continue;
    if (new Set(refs.map((r) => r.sha)).size === 1) target.setFromRef(name, refs[0]!);
    else conflicts.push(name);
  }
  if (conflicts.length) {
    throw new StepError(
      `Step *${step}* cannot merge the following artifacts due to them having conflicting values:\n[${conflicts.join(", ")}].\n` +
        "To remedy this issue, be sure to explicitly set those artifacts (using this.<artifact_name> = ...) prior to calling mergeArtifacts.",
    );
  }
}

function collect(inputs: Inputs, parameters: ReadonlySet<string>): Map<string, ArtifactsRecord[string][]> {
  const byName = new Map<string, ArtifactsRecord[string][]>();
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
