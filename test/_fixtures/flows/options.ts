// A flow whose end step prints what the command line gave it, for the option-order tests.
import { FlowSpec, step, Parameter, current, defaultNamespace } from "tsflow";

export class OptionsFlow extends FlowSpec {
  label = Parameter("label", { default: "none" });
  fail = Parameter("fail", { default: false });
  loud = Parameter("loud", { default: true });
  size = Parameter("size", { type: "integer", default: 1 });
  ns = Parameter("ns", { default: defaultNamespace() });

  @step start() {
    if (process.env.OPTIONS_FAIL) throw new Error("failing as asked");
    this.next(this.end);
  }

  @step end() {
    const { label, fail, loud, size, ns } = this;
    console.log(`OPTIONS ${JSON.stringify({ flow: current.flowName, label, fail, loud, size, ns, tags: current.tags, origin: current.originRunId ?? null })}`);
  }
}
