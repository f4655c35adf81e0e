import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, flowGraph, type Inputs } from "tsflow";
import { graphSvg } from "../../../kernel/display/graph-svg.js";

class Fan extends FlowSpec {
  items = [1];
  @step start() {
    this.next(this.a, this.b);
  }
  @step a() {
    this.next(this.each, { foreach: "items" });
  }
  @step each() {
    this.next(this.eachJoin);
  }
  @step eachJoin(_i: Inputs) {
    this.next(this.join);
  }
  @step b() {
    this.next(this.join);
  }
  @step join(_i: Inputs) {
    this.next(this.end);
  }
  @step end() {}
}

const svg = suite("graphSvg");
svg("should draw one box per step and one arrow per transition of the library's graph, escaping names", () => {
  const { steps } = flowGraph(Fan);
  const out = graphSvg("Fan<Flow>", steps);
  assert.match(out, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.is(out.match(/<rect /g)?.length, 7);
  assert.is(out.match(/<line /g)?.length, 7);
  assert.match(out, /foreach items/);
  assert.match(out, /Fan&lt;Flow&gt;/);
});
svg.run();
