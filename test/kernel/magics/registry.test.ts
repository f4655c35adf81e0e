import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MagicRegistry } from "../../../kernel/magics/registry.js";
import type { Magic } from "../../../kernel/magics/magic.js";
import { UsageError } from "../../../kernel/magics/usage-error.js";

const magic = (name: string, kind: Magic["kind"] = "line"): Magic => ({ name, kind, summary: "s", usage: `%${name}`, args: {}, run() {} });
const registry = () =>
  new MagicRegistry().add(magic("namespace")).add(magic("namespaces")).add(magic("sql", "cell")).add(magic("time")).add(magic("time", "cell"));
const usage = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UsageError && re.test((e as Error).message));

const r = suite("MagicRegistry");
r("should keep line and cell magics apart", () => {
  const reg = registry();
  assert.is(reg.find("line", "time")?.kind, "line");
  assert.is(reg.find("cell", "time")?.kind, "cell");
  assert.is(reg.find("line", "sql"), undefined);
  assert.equal(
    reg.list().map((m) => m.name),
    ["namespace", "namespaces", "sql", "time", "time"],
  );
});
r("should explain an unknown magic like IPython and suggest close names", () => {
  const reg = registry();
  usage(() => reg.require("line", "namespce"), /^Line magic function %namespce not found\. Did you mean %namespace/);
  usage(() => reg.require("line", "sql"), /Did you mean %%sql\?/);
  usage(() => reg.require("cell", "zzz"), /^Cell magic function %%zzz not found\. Use %lsmagic/);
  usage(() => reg.require("line", ""), /must be followed by a magic name/);
});
r.run();
