/** `tsflow show <file.ts>`: the flow's graph and step docs, without running anything. */
import { buildGraph, type FlowGraph } from "../../flow/graph.js";
import type { LoadedFlow } from "../../runtime/load-flow-file.js";
import { listParameters } from "../../flow/parameter.js";

/** Prints a flow's graph as Metaflow's `show` does: one block per step with its doc and `=> next`. */
export function showFlow(loaded: LoadedFlow, out: (s: string) => void = (s) => process.stdout.write(s)): void {
  const graph = buildGraph(loaded.flowClass, loaded.docs);
  out(`\n${loaded.doc ?? graph.flow}\n\n`);
  const params = listParameters(loaded.flowClass);
  if (params.length) {
    out("Parameters\n");
    for (const { spec } of params) out(`    --${spec.name} (${spec.type})${spec.help ? `  ${spec.help}` : ""}\n`);
    out("\n");
  }
  for (const name of graph.order) out(stepBlock(graph, name));
}

function stepBlock(graph: FlowGraph, name: string): string {
  const node = graph.steps.get(name)!;
  const next = node.next.length ? `    => ${node.next.join(", ")}${node.foreach ? ` (foreach over ${node.foreach})` : ""}\n` : "";
  const decorators = node.options.decorators.length ? `    @${node.options.decorators.join(" @")}\n` : "";
  const doc = node.doc ? `    ${node.doc}\n` : "";
  return `Step ${name}${node.isJoin ? " (join)" : ""}\n${doc}${decorators}${next}\n`;
}
