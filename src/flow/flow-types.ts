/**
 * What a flow class says about its runs, as types: the artifacts its fields declare and the
 * parameters its `Parameter()` fields declare. The client types `Flow(MyFlow)`, `Run<typeof MyFlow>`
 * and their children's `data` and `parameters` from these; nothing here exists at run time.
 */
import type { FlowSpec } from "./flow-spec.js";
import type { FlowClass } from "./graph.js";
import type { ParameterMark } from "./parameter.js";

/** The instance type of a flow class. */
type InstanceOf<F> = F extends abstract new (...args: never[]) => infer I ? I : never;

/** The artifact names a flow instance declares: data fields, not methods, not `FlowSpec`'s members, not `_` ones. */
type ArtifactKeys<I> = {
  [K in keyof I]-?: K extends keyof FlowSpec | `_${string}` | symbol | number ? never : I[K] extends (...args: never[]) => unknown ? never : K;
}[keyof I];

/** The declared type of a field, without the mark that makes a `Parameter()` field a parameter. */
type Unmarked<V> = V extends ParameterMark<infer P> ? P : V;

/**
 * Whether `F` is a particular flow class. `FlowClass` itself (what untyped lookups carry) is not,
 * and neither is a flow that declares no fields: the artifacts it sets cannot be known from its type.
 */
type IsTyped<F> = [ArtifactKeys<InstanceOf<F>>] extends [never] ? false : true;

/**
 * The artifacts of a flow class's runs, by name, as its fields declare them: `choice?: number`
 * gives `{ choice: number | undefined }`. Parameters are artifacts too (of every task), as in
 * Metaflow. Untyped (`Record<string, unknown>`) for `FlowClass` and for a flow that declares no fields.
 * @example
 * type D = ArtifactsOf<typeof TeamCollabFlow>; // { choice: number | undefined }
 */
export type ArtifactsOf<F extends FlowClass = FlowClass> =
  IsTyped<F> extends true ? { [K in ArtifactKeys<InstanceOf<F>>]: Unmarked<InstanceOf<F>[K]> } : Record<string, unknown>;

/**
 * The parameters of a flow class, by field name, with their value types: the fields declared with
 * `Parameter()`. Untyped (`Record<string, unknown>`) for `FlowClass` and for a flow with no fields.
 * @example
 * type P = ParametersOf<typeof AccessOtherNamespace>; // { otherFlowName: string; otherNamespace: string }
 */
export type ParametersOf<F extends FlowClass = FlowClass> =
  IsTyped<F> extends true
    ? { [K in ArtifactKeys<InstanceOf<F>> as InstanceOf<F>[K] extends ParameterMark<unknown> ? K : never]: Unmarked<InstanceOf<F>[K]> }
    : Record<string, unknown>;
