/** Flow files the benches generate: their source text, written to bench/.generated/ by each bench. */

/** A flow whose `each` step runs `work` once per element of an n-way foreach; the join counts its inputs. */
export function foreachFlow(name: string, n: number, work: string): string {
  return `import { FlowSpec, step, type Inputs } from "tsflow";
export class ${name} extends FlowSpec {
  items: number[] = [];
  out = 0;
  @step start() { this.items = Array.from({ length: ${n} }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @step each() { ${work} this.next(this.join); }
  @step join(inputs: Inputs<${name}>) { this.out = inputs.length; this.next(this.end); }
  @step end() {}
}\n`;
}
