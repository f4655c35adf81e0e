import { suite } from "uvu";
import * as assert from "uvu/assert";
import { flowGraphOf } from "../../../kernel/tsflow/flow-graph.js";
import { graphSvg } from "../../../kernel/display/graph-svg.js";

const STEP = Symbol.for("tsflow.step");
const mark = (cls: Function, ...names: string[]) => {
  for (const n of names) Object.defineProperty(cls.prototype[n], STEP, { value: { isStep: true } });
  return cls;
};
class Base {
  next(..._a: unknown[]) {}
}
class Fan extends Base {
  start() {
    this.next(this.a, this.b); // this.next(this.bogus) in a comment is ignored
  }
  a() {
    this.next(this.each, { foreach: "items" });
  }
  b() {
    this.next(this.join);
  }
  each() {
    this.next(this.join);
  }
  join() {
    this.next(this.end);
  }
  end() {}
  helper() {
    this.next(this.end);
  }
}
mark(Fan, "start", "a", "b", "each", "join", "end");

const g = suite("flowGraphOf");
g("should read steps and transitions from the class, in order from start", () => {
  const steps = flowGraphOf(Fan);
  assert.equal(steps.map((s) => s.name), ["start", "a", "b", "each", "join", "end"]);
  assert.equal(steps[0]?.next, ["a", "b"]);
  assert.equal(steps[1], { name: "a", next: ["each"], foreach: "items" });
  assert.equal(steps.at(-1)?.next, []);
});
g.run();

const svg = suite("graphSvg");
svg("should draw one box per step and one arrow per transition, escaping names", () => {
  const out = graphSvg("Fan<Flow>", flowGraphOf(Fan));
  assert.match(out, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.is(out.match(/<rect /g)?.length, 6);
  assert.is(out.match(/<line /g)?.length, 6);
  assert.match(out, /foreach items/);
  assert.match(out, /Fan&lt;Flow&gt;/);
});
svg.run();
