/**
 * `flowGraph(FlowClass)` and `flowParameters(FlowClass)`: a flow class described as plain data, for
 * drawing and tooling (the notebook kernel, completion). The graph (steps, transitions, foreach lists,
 * decorators) is the same record every run stores; the parameters are what `--<name>` options it takes.
 */
import { buildGraph, graphInfo, type FlowClass } from "./graph.js";
import { listParameters, type ParameterType } from "./parameter.js";
import type { GraphInfo } from "../store/records.js";

/** One parameter of a flow class, as plain data: what `tsflow run <file> --help` lists. */
export interface ParameterInfo {
  /** The parameter's name: the command-line option is `--<name>`. */
  name: string;
  /** The class field that holds its value in steps. */
  field: string;
  type: ParameterType;
  /** The one-line help, or "". */
  help: string;
  required: boolean;
  /** The default value; absent when there is none or it is a function computed at run time. */
  default?: unknown;
}

/**
 * Describes a flow class's graph, steps in order from `start`.
 * @throws GraphError when the graph is wrong (the message names the step and the fix).
 * @example
 * flowGraph(TeamCollabFlow).steps.map((s) => `${s.name} -> ${s.next}`); // ["start -> end", "end -> "]
 */
export function flowGraph(flowClass: FlowClass): GraphInfo {
  return graphInfo(buildGraph(flowClass));
}

/**
 * Describes the parameters a flow class declares, in field order. A `ParameterInfo` belongs to its
 * flow class as a step belongs to its graph; the class is constructed once, nothing runs.
 * @throws ParameterError when two parameters share a name.
 * @example
 * class TrainFlow extends FlowSpec {
 *   alpha = Parameter("alpha", { default: 0.5 });
 *   @step start() { this.next(this.end); }
 *   @step end() {}
 * }
 * flowParameters(TrainFlow); // [{ name: "alpha", field: "alpha", type: "number", help: "", required: false, default: 0.5 }]
 */
export function flowParameters(flowClass: FlowClass): ParameterInfo[] {
  return listParameters(flowClass).map(({ field, spec }) => ({
    name: spec.name,
    field,
    type: spec.type,
    help: spec.help,
    required: spec.required,
    ...(spec.default === undefined || typeof spec.default === "function" ? {} : { default: spec.default }),
  }));
}
