import { FlowSpec, step, Parameter } from "tsflow";

export class ParamFlow extends FlowSpec {
  name = Parameter("name", { default: "world", help: "who to greet" });
  count = Parameter("count", { type: "integer", required: true });
  ratio = Parameter("ratio", { default: 0.5 });
  verbose = Parameter("verbose", { default: false });
  config = Parameter("config", { type: "json", default: { a: 1 } });
  derived = Parameter("derived-value", { default: (ctx) => `${ctx.userName}-${ctx.parameterName}` });
  summary = "";

  @step start() {
    this.summary = JSON.stringify([this.name, this.count, this.ratio, this.verbose, this.config, this.derived]);
    this.next(this.end);
  }
  @step end() {
    console.log(this.summary);
    if (process.env.ASSIGN_PARAM) (this as any).count = 3;
  }
}
