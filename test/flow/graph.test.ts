import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step } from "../../src/index.js";
import { buildGraph, parseNextCalls } from "../../src/flow/graph.js";
import { GraphError } from "../../src/util/errors.js";

const build = suite("buildGraph");

function rejects(flow: any, message: RegExp, step?: string): void {
  try {
    buildGraph(flow);
  } catch (err) {
    assert.ok(err instanceof GraphError, String(err));
    assert.is((err as GraphError).code, "INVALID_GRAPH");
    assert.match((err as Error).message, message);
    if (step) assert.is((err as GraphError).step, step);
    return;
  }
  assert.unreachable("expected a GraphError");
}

build("should read a linear graph in order", () => {
  class Linear extends FlowSpec {
    @step start() {
      this.next(this.middle);
    }
    @step middle() {
      this.next(this.end);
    }
    @step end() {}
  }
  const g = buildGraph(Linear);
  assert.equal(g.order, ["start", "middle", "end"]);
  assert.is(g.steps.get("start")!.type, "start");
});

build("should pair branches and foreach with their joins", () => {
  class Shapes extends FlowSpec {
    items = [1];
    @step start() {
      this.next(this.a, this.b);
    }
    @step a() {
      this.next(this.join);
    }
    @step b() {
      this.next(this.each, { foreach: "items" });
    }
    @step each() {
      this.next(this.eachJoin);
    }
    @step eachJoin(_i: unknown) {
      this.next(this.join);
    }
    @step join(_i: unknown) {
      this.next(this.end);
    }
    @step end() {}
  }
  const g = buildGraph(Shapes);
  assert.is(g.steps.get("join")!.matchingSplit, "start");
  assert.is(g.steps.get("eachJoin")!.matchingSplit, "b");
  assert.is(g.steps.get("b")!.type, "foreach");
});

build("should refuse a flow without start or end", () => {
  class NoStart extends FlowSpec {
    @step end() {}
  }
  rejects(NoStart, /no \*start\* step/, "start");
  class NoEnd extends FlowSpec {
    @step start() {
      this.next(this.start);
    }
  }
  rejects(NoEnd, /no \*end\* step/, "end");
});

build("should refuse next to a non-step, a missing next, a double next", () => {
  class ToNonStep extends FlowSpec {
    helper() {}
    @step start() {
      this.next(this.helper);
    }
    @step end() {}
  }
  rejects(ToNonStep, /\*helper\* is not a step: decorate it with @step/, "start");
  class NoNext extends FlowSpec {
    @step start() {}
    @step end() {}
  }
  rejects(NoNext, /Step \*start\* does not call this.next\(\)/, "start");
  class Twice extends FlowSpec {
    @step start() {
      if (Math.random()) this.next(this.end);
      else this.next(this.end);
    }
    @step end() {}
  }
  rejects(Twice, /calls this.next\(\) 2 times: call this.next\(\) only once/, "start");
});

build("should refuse an unreachable step", () => {
  class Orphan extends FlowSpec {
    @step start() {
      this.next(this.end);
    }
    @step orphan() {
      this.next(this.end);
    }
    @step end(_i?: unknown) {}
  }
  rejects(Orphan, /\*orphan\* is not reachable from \*start\*/, "orphan");
});

build("should refuse joins with the wrong number of inputs", () => {
  class NotJoin extends FlowSpec {
    @step start() {
      this.next(this.a, this.b);
    }
    @step a() {
      this.next(this.join);
    }
    @step b() {
      this.next(this.join);
    }
    @step join() {
      this.next(this.end);
    }
    @step end() {}
  }
  rejects(NotJoin, /has 2 incoming edges .* must be a join: declare it as join\(inputs\)/, "join");
  class Lonely extends FlowSpec {
    @step start() {
      this.next(this.join);
    }
    @step join(_inputs: unknown) {
      this.next(this.end);
    }
    @step end() {}
  }
  rejects(Lonely, /no branch or foreach comes before it/, "join");
  class Partial extends FlowSpec {
    @step start() {
      this.next(this.a, this.b, this.c);
    }
    @step a() {
      this.next(this.join);
    }
    @step b() {
      this.next(this.join);
    }
    @step c() {
      this.next(this.end);
    }
    @step join(_inputs: unknown) {
      this.next(this.end);
    }
    @step end(_i: unknown) {}
  }
  rejects(Partial, /has 2 inputs where 3 are expected|reached from different splits|has 2 incoming/);
});

build("should refuse a class that is not a flow", () => {
  rejects(class NotAFlow {}, /is not a flow: a flow is a class that extends FlowSpec/);
});
build.run();

const parse = suite("parseNextCalls");
parse("should read targets and the foreach option, ignoring comments", () => {
  const calls = parseNextCalls(`start() {\n // this.next(this.nope)\n this.next(this.each, { foreach: "items" }); }`);
  assert.equal(calls, [{ steps: ["each"], foreach: "items" }]);
  assert.equal(parseNextCalls("a(){ this.next(this.x, this.y) }"), [{ steps: ["x", "y"], foreach: undefined }]);
});
parse.run();

const brand = suite("FlowSpec instanceof");
brand("should hold for flow instances and subclasses' prototypes, not for FlowSpec's own prototype", () => {
  class Sub extends FlowSpec {
    @step start() {
      this.next(this.end);
    }
    @step end() {}
  }
  assert.ok(new Sub() instanceof FlowSpec);
  assert.ok(Sub.prototype instanceof FlowSpec);
  assert.not.ok(FlowSpec.prototype instanceof FlowSpec);
  assert.not.ok((null as unknown) instanceof FlowSpec);
  assert.not.ok((1 as unknown) instanceof FlowSpec);
  rejects(FlowSpec, /FlowSpec/);
});
brand.run();
