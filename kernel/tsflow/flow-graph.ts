/**
 * The step graph of a flow class, for drawing: each `@step` method (branded with
 * `Symbol.for("tsflow.step")`) and the steps its `this.next(...)` calls lead to. Read from the class
 * itself, so a flow defined in a notebook cell can be drawn before it runs.
 */

/** One step and its successors. */
export interface GraphStep {
  name: string;
  next: string[];
  /** The artifact a foreach fans out over, if the step is a foreach. */
  foreach?: string;
}

const STEP = Symbol.for("tsflow.step");

/** The steps of `flowClass` in a breadth-first order from `start`; empty when it has no steps. */
export function flowGraphOf(flowClass: Function): GraphStep[] {
  const steps = new Map<string, GraphStep>();
  for (let proto = flowClass.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (typeof method !== "function" || !(method as { [STEP]?: { isStep?: boolean } })[STEP]?.isStep || steps.has(name)) continue;
      steps.set(name, { name, ...nextOf(String(method)) });
    }
  }
  return order(steps);
}

function nextOf(source: string): { next: string[]; foreach?: string } {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
  const next: string[] = [];
  let foreach: string | undefined;
  for (const call of code.matchAll(/this\s*\.\s*next\s*\(([^)]*(?:\([^)]*\)[^)]*)*)\)/g)) {
    const args = call[1] ?? "";
    for (const m of args.matchAll(/this\s*\.\s*([A-Za-z_$][\w$]*)/g)) if (!next.includes(m[1] as string)) next.push(m[1] as string);
    foreach ??= /foreach\s*:\s*["'`]([^"'`]+)["'`]/.exec(args)?.[1];
  }
  return foreach ? { next, foreach } : { next };
}

function order(steps: Map<string, GraphStep>): GraphStep[] {
  const seen = new Set<string>();
  const queue = steps.has("start") ? ["start"] : [];
  const out: GraphStep[] = [];
  while (queue.length) {
    const step = steps.get(queue.shift() as string);
    if (!step || seen.has(step.name)) continue;
    seen.add(step.name);
    out.push(step);
    queue.push(...step.next);
  }
  for (const step of steps.values()) if (!seen.has(step.name)) out.push(step);
  return out;
}
