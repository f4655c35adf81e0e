/**
 * `flowGraph(FlowClass)`: the validated graph of a flow class as plain data (its steps, their
 * transitions, foreach lists and decorators), for drawing and tooling; the same record every run stores.
 */
import { buildGraph, graphInfo, type FlowClass } from "./graph.js";
import type { GraphInfo } from "../store/records.js";

/**
 * Describes a flow class's graph, steps in order from `start`.
 * @throws GraphError when the graph is wrong (the message names the step and the fix).
 * @example
 * flowGraph(TeamCollabFlow).steps.map((s) => `${s.name} -> ${s.next}`); // ["start -> end", "end -> "]
 */
export function flowGraph(flowClass: FlowClass): GraphInfo {
  return graphInfo(buildGraph(flowClass));
}
