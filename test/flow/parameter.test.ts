import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, Parameter } from "../../src/index.js";
import { parseParameterValue } from "../../src/flow/parameter.js";
import { listParameters } from "../../src/flow/parameter.js";
import { resolveParameters } from "../../src/runtime/parameters.js";
import { ParameterError } from "../../src/util/errors.js";

class P extends FlowSpec {
  alpha = Parameter("alpha", { default: 0.5 });
  n = Parameter("n", { type: "integer", required: true });
  who = Parameter("who", { default: (ctx) => `${ctx.userName}-${ctx.parameterName}` });
  flag = Parameter("flag", { type: "boolean", default: false });
  @step start() {
    this.next(this.end);
  }
  @step end() {}
}
const ctx = { flowName: "P", userName: "alice" };

const declare = suite("Parameter");
declare("should infer types and list declarations", () => {
  const params = listParameters(P);
  assert.equal(
    params.map((p) => [p.field, p.spec.type]),
    [
      ["alpha", "number"],
      ["n", "integer"],
      ["who", "string"],
      ["flag", "boolean"],
    ],
  );
});
declare("should refuse reserved and malformed names", () => {
  for (const name of ["namespace", "tag", "run-id", "max_workers", "", "1x", "a b"]) {
    assert.throws(
      () => Parameter(name),
      (e: unknown) => e instanceof ParameterError,
      name,
    );
  }
  assert.throws(() => Parameter("tags"), /'tags' is a reserved word. Please use a different name/);
});
declare.run();

const resolve = suite("resolveParameters");
resolve("should parse given strings, apply defaults and default functions", () => {
  const v = resolveParameters(listParameters(P), { n: "3", flag: "true" }, ctx);
  assert.equal(v, { alpha: 0.5, n: 3, who: "alice-who", flag: true });
});
resolve("should refuse a missing required value, a wrong type and an unknown name", () => {
  assert.throws(() => resolveParameters(listParameters(P), {}, ctx), /Missing option '--n'/);
  assert.throws(() => resolveParameters(listParameters(P), { n: "x" }, ctx), /Invalid value for '--n': "x" is not a valid integer/);
  assert.throws(() => resolveParameters(listParameters(P), { n: 1, nope: "1" }, ctx), /No such parameter 'nope'/);
  assert.throws(() => resolveParameters(listParameters(P), { n: 1.5 }, ctx), /expected an integer/);
});
resolve.run();

const parse = suite("parseParameterValue");
parse("should parse JSON and report bad JSON", () => {
  const spec = Parameter("cfg", { type: "json" }) as any;
  assert.equal(parseParameterValue(spec, '{"a":[1]}'), { a: [1] });
  assert.throws(() => parseParameterValue(spec, "{a"), /is not valid JSON/);
});
parse.run();
