import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, Parameter, ParameterError, flowParameters, step } from "../../src/index.js";

class TrainFlow extends FlowSpec {
  alpha = Parameter("alpha", { default: 0.5, help: "learning rate" });
  epochs = Parameter("max-epochs", { type: "integer", required: true });
  who = Parameter("who", { default: (ctx) => ctx.userName });
  notAParameter = 3;
  @step start() {
    this.next(this.end);
  }
  @step end() {}
}

const params = suite("flowParameters");
params("should describe each parameter as plain data, in field order", () => {
  assert.equal(flowParameters(TrainFlow), [
    { name: "alpha", field: "alpha", type: "number", help: "learning rate", required: false, default: 0.5 },
    { name: "max-epochs", field: "epochs", type: "integer", help: "", required: true },
    { name: "who", field: "who", type: "string", help: "", required: false },
  ]);
});
params("should give an empty list for a flow without parameters", () => {
  class Plain extends FlowSpec {
    @step start() {
      this.next(this.end);
    }
    @step end() {}
  }
  assert.equal(flowParameters(Plain), []);
});
params("should refuse two parameters with one name", () => {
  class Twice extends FlowSpec {
    a = Parameter("same");
    b = Parameter("same");
    @step start() {
      this.next(this.end);
    }
    @step end() {}
  }
  assert.throws(
    () => flowParameters(Twice),
    (e: unknown) =>
      e instanceof ParameterError && (e as ParameterError).code === "INVALID_PARAMETER" && /Two parameters are named 'same'/.test((e as Error).message),
  );
});
params.run();
