import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, retry, catchErrors, timeout } from "../../src/index.js";
import { stepOptionsOf } from "../../src/flow/step.js";
import { buildGraph } from "../../src/flow/graph.js";
import { StepError } from "../../src/util/errors.js";

const decorator = suite("step");
decorator("should work as a standard decorator", () => {
  class Std extends FlowSpec {
    @step start() {
      this.next(this.end);
    }
    @step end() {}
  }
  assert.equal(buildGraph(Std).order, ["start", "end"]);
});

decorator("should work as a legacy (experimentalDecorators) decorator", () => {
  class Legacy extends FlowSpec {
    start() {
      this.next(this.end);
    }
    end() {}
  }
  for (const name of ["start", "end"] as const) {
    const d = Object.getOwnPropertyDescriptor(Legacy.prototype, name)!;
    const out = (step as any)(Legacy.prototype, name, d);
    assert.is(out, d);
  }
  (retry({ times: 2 }) as any)(Legacy.prototype, "start", Object.getOwnPropertyDescriptor(Legacy.prototype, "start"));
  assert.equal(buildGraph(Legacy).order, ["start", "end"]);
  assert.is(stepOptionsOf(Legacy.prototype.start)!.retry!.times, 2);
});

decorator("should refuse decorating something that is not a method", () => {
  assert.throws(
    () => (step as any)(undefined, { kind: "field", name: "x" }),
    (e: unknown) => e instanceof StepError,
  );
});
decorator.run();

const decorators = suite("retry, catchErrors, timeout");
decorators("should record their options whatever the order", () => {
  class D extends FlowSpec {
    @retry({ times: 1 }) @step start() {
      this.next(this.end);
    }
    @step @catchErrors({ var: "e" }) @timeout({ seconds: 2 }) end() {}
  }
  const start = stepOptionsOf(D.prototype.start)!;
  const end = stepOptionsOf(D.prototype.end)!;
  assert.is(start.retry!.times, 1);
  assert.is(end.catch!.var, "e");
  assert.is(end.timeoutMs, 2000);
});
decorators("should refuse bad options", () => {
  assert.throws(() => retry({ times: 9 }), /times must be an integer from 0 to 5/);
  assert.throws(() => timeout({}), /positive duration/);
});
decorators.run();
