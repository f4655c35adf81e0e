/**
 * The graph of a flow, read from its class before anything runs: the `@step` methods and the
 * `this.next(...)` calls in their source. `buildGraph` rejects a wrong graph with a `GraphError`
 * that names the step and says what to do.
 */
import { FlowSpec, isFlowSpecPrototype } from "./flow-spec.js";
import { stepOptionsOf, type StepOptions } from "./step.js";
import type { GraphInfo, GraphStepInfo } from "../store/records.js";
import { GraphError } from "../util/errors.js";
import { assertFlowName, assertStepName } from "../util/validate.js";

/** One step of a flow graph. */
export interface GraphNode {
  name: string;
  type: GraphStepInfo["type"];
  next: string[];
  foreach?: string;
  isJoin: boolean;
  /** Steps that call `next` to this one. */
  inEdges: string[];
  /** For a join: the split or foreach step it closes. */
  matchingSplit?: string;
  /** The splits/foreaches enclosing this step, outermost first. */
  splitStack: string[];
  options: StepOptions;
  doc?: string;
}

/** The validated graph of a flow class. */
export interface FlowGraph {
  flow: string;
  steps: ReadonlyMap<string, GraphNode>;
  /** Step names in a topological order from `start`. */
  order: string[];
}

/** A flow class: a constructor of `FlowSpec` instances. */
export type FlowClass<T extends FlowSpec = FlowSpec> = new () => T;

/** Reads and validates the graph of a flow class. @throws GraphError */
export function buildGraph(flowClass: FlowClass, docs: Record<string, string> = {}): FlowGraph {
  if (typeof flowClass !== "function" || !(flowClass.prototype instanceof FlowSpec)) {
    throw new GraphError(`${describeClass(flowClass)} is not a flow: a flow is a class that extends FlowSpec.`);
  }
  const flow = assertFlowName(flowClass.name);
  const steps = collectSteps(flowClass, docs);
  requireStep(steps, "start");
  requireStep(steps, "end");
  for (const node of steps.values()) checkTransition(node, steps);
  linkEdges(steps);
  const order = assignSplitStacks(steps);
  return { flow, steps, order };
}

function describeClass(value: unknown): string {
  return typeof value === "function" ? `'${value.name || "anonymous class"}'` : `A ${typeof value}`;
}

function collectSteps(flowClass: FlowClass, docs: Record<string, string>): Map<string, GraphNode> {
  const steps = new Map<string, GraphNode>();
  for (let p = flowClass.prototype; p && !isFlowSpecPrototype(p); p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const method = Object.getOwnPropertyDescriptor(p, name)?.value as unknown;
      const options = stepOptionsOf(method);
      if (!options?.isStep || steps.has(name)) continue;
      assertStepName(name); // a step name becomes a datastore key: before anything reads its code
      steps.set(name, makeNode(name, method as Function, options, docs[name]));
    }
  }
  return steps;
}

function makeNode(name: string, method: Function, options: StepOptions, doc?: string): GraphNode {
  const calls = parseNextCalls(method.toString());
  if (calls.length > 1) {
    throw new GraphError(`Step *${name}* calls this.next() ${calls.length} times: call this.next() only once, as the last statement of the step.`, name);
  }
  const call = calls[0];
  return {
    name,
    next: call?.steps ?? [],
    foreach: call?.foreach,
    isJoin: method.length >= 1,
    inEdges: [],
    splitStack: [],
    options,
    doc,
    type: "linear",
  };
}

/** The `this.next(...)` calls found in a method's source: target step names and foreach option. */
export function parseNextCalls(source: string): { steps: string[]; foreach?: string }[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
  const calls: { steps: string[]; foreach?: string }[] = [];
  const re = /this\s*\.\s*next\s*\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const args = readArguments(code, m.index + m[0].length);
    const steps = [...args.matchAll(/this\s*\.\s*([A-Za-z_$][\w$]*)/g)].map((x) => x[1]!);
    const foreach = /foreach\s*:\s*["'`]([^"'`]+)["'`]/.exec(args)?.[1];
    calls.push({ steps, foreach });
  }
  return calls;
}

function readArguments(code: string, start: number): string {
  let depth = 1;
  for (let i = start; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return code.slice(start, i);
  }
  return code.slice(start);
}

function requireStep(steps: Map<string, GraphNode>, name: string): void {
  if (steps.has(name)) return;
  const hint = name === "start" ? "every flow begins with" : "every flow finishes with";
  throw new GraphError(`The flow has no *${name}* step: ${hint} \`@step ${name}() { ... }\`.`, name);
}

function checkTransition(node: GraphNode, steps: Map<string, GraphNode>): void {
  const { name, next } = node;
  if (name === "end") {
    if (next.length) throw new GraphError("Step *end* must not call this.next(): it is the last step of the flow.", name);
    node.type = "end";
    return;
  }
  if (next.length === 0) {
    throw new GraphError(`Step *${name}* does not call this.next(): every step except *end* must choose the next step, e.g. this.next(this.end).`, name);
  }
  for (const target of next) {
    if (!steps.has(target)) {
      throw new GraphError(`Step *${name}* calls this.next(this.${target}) but *${target}* is not a step: decorate it with @step or fix the name.`, name);
    }
  }
  if (node.foreach !== undefined && next.length !== 1) {
    throw new GraphError(`Step *${name}* starts a foreach over *${node.foreach}* with ${next.length} steps: a foreach goes to exactly one step.`, name);
  }
  node.type = node.foreach !== undefined ? "foreach" : next.length > 1 ? "split" : name === "start" ? "start" : "linear";
  if (node.type === "foreach" && node.options.catch) {
    throw new GraphError(
      `Step *${name}* has @catchErrors, but @catchErrors is not supported on a step that starts a foreach: move the risky code to a step before it, or catch errors inside the step.`,
      name,
    );
  }
}

function linkEdges(steps: Map<string, GraphNode>): void {
  for (const node of steps.values()) for (const target of node.next) steps.get(target)!.inEdges.push(node.name);
  for (const node of steps.values()) {
    if (node.name !== "start" && node.inEdges.length === 0) {
      throw new GraphError(`Step *${node.name}* is not reachable from *start*: call this.next(this.${node.name}) from another step, or remove it.`, node.name);
    }
    if (node.inEdges.length > 1 && !node.isJoin) {
      throw new GraphError(
        `Step *${node.name}* has ${node.inEdges.length} incoming edges (from ${node.inEdges.map((s) => `*${s}*`).join(", ")}), so it must be a join: declare it as ${node.name}(inputs) { ... }.`,
        node.name,
      );
    }
    if (node.isJoin && node.type !== "end") node.type = node.type === "foreach" || node.type === "split" ? node.type : "join";
    if (node.isJoin && node.name === "end") node.type = "end";
  }
}

// Walks the graph from start in breadth-first order, giving each step the stack of splits around
// it; a join pops the split it closes. Checks join arity and that `end` is outside every split.
function assignSplitStacks(steps: Map<string, GraphNode>): string[] {
  const seen = new Map<string, string>();
  const order: string[] = [];
  const queue: { name: string; stack: string[]; from?: string }[] = [{ name: "start", stack: [] }];
  while (queue.length) {
    const { name, stack } = queue.shift()!;
    const node = steps.get(name)!;
    const own = node.isJoin ? closeSplit(node, stack, steps) : stack;
    const key = own.join("/");
    if (seen.has(name)) {
      if (seen.get(name) !== key) throw new GraphError(`Step *${name}* is reached from different splits: join each branch before going on.`, name);
      continue;
    }
    seen.set(name, key);
    order.push(name);
    node.splitStack = own;
    const childStack = node.type === "split" || node.type === "foreach" ? [...own, name] : own;
    for (const next of node.next) queue.push({ name: next, stack: childStack });
  }
  const endStack = steps.get("end")!.splitStack;
  if (endStack.length) {
    throw new GraphError(`Step *end* is reached inside the split at *${endStack.at(-1)}*: join the branches (a step taking inputs) before *end*.`, "end");
  }
  return order;
}

function closeSplit(node: GraphNode, stack: string[], steps: Map<string, GraphNode>): string[] {
  const split = stack.at(-1);
  if (!split) {
    throw new GraphError(`Step *${node.name}* is a join (it takes inputs) but no branch or foreach comes before it: remove the inputs parameter.`, node.name);
  }
  const opener = steps.get(split)!;
  const expected = opener.type === "foreach" ? 1 : opener.next.length;
  if (node.inEdges.length !== expected) {
    throw new GraphError(
      `Step *${node.name}* joins the ${opener.type === "foreach" ? "foreach" : "branch"} at *${split}* but has ${node.inEdges.length} inputs where ${expected} are expected: every branch of *${split}* must end in *${node.name}*.`,
      node.name,
    );
  }
  node.matchingSplit = split;
  return stack.slice(0, -1);
}

/** The stored form of a graph (kept with every run). */
export function graphInfo(graph: FlowGraph): GraphInfo {
  return {
    flow: graph.flow,
    steps: graph.order.map((name) => {
      const n = graph.steps.get(name)!;
      return {
        name,
        type: n.type,
        next: n.next,
        foreach: n.foreach,
        matchingSplit: n.matchingSplit,
        doc: n.doc,
        decorators: n.options.decorators,
      };
    }),
  };
}
