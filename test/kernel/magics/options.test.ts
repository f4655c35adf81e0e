import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseArgs, type ArgsSpec } from "../../../kernel/magics/options.js";
import { UsageError } from "../../../kernel/magics/usage-error.js";

const spec: ArgsSpec = {
  options: { tag: { type: "string", repeat: true }, limit: { type: "integer" }, global: { type: "flag" }, output: { type: "string", short: "o" } },
  positionals: { min: 0, max: 1 },
};
const fails = (words: string[], re: RegExp, s: ArgsSpec = spec) =>
  assert.throws(
    () => parseArgs(words, s, "%usage"),
    (e: unknown) => e instanceof UsageError && re.test((e as Error).message) && (e as UsageError).usage === "%usage",
  );

const p = suite("parseArgs");
p("should parse options, flags, aliases and positionals", () => {
  const a = parseArgs(["F", "--tag", "a", "--tag=b", "--limit", "5", "--global", "-o", "x"], spec);
  assert.equal(a.positionals, ["F"]);
  assert.equal(a.options, { tag: ["a", "b"], limit: 5, global: true, output: "x" });
});
p("should stop at --", () => {
  assert.equal(parseArgs(["--", "--tag"], spec).positionals, ["--tag"]);
});
p("should refuse unknown options, missing values, bad integers and extra positionals", () => {
  fails(["--nope"], /unknown option --nope/);
  fails(["-z"], /unknown option -z/);
  fails(["--limit"], /needs a value/);
  fails(["--limit", "x"], /needs an integer/);
  fails(["a", "b"], /too many arguments/);
  fails(["--global=1"], /takes no value/);
  fails(["--limit", "1", "--limit", "2"], /given twice/);
  fails([], /missing argument/, { positionals: { min: 1, max: 1 } });
  fails(["x"], /unexpected argument 'x'/, {});
});
p("should collect unknown --name value pairs when allowed", () => {
  const a = parseArgs(["Flow", "--alpha", "0.5", "--beta=x", "--tag", "t"], { ...spec, allowExtra: true });
  assert.equal(a.extra, { alpha: "0.5", beta: "x" });
  assert.equal(a.options, { tag: ["t"] });
});
p.run();
