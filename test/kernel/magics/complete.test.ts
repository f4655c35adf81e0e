import { suite } from "uvu";
import * as assert from "uvu/assert";
import { completeMagic } from "../../../kernel/magics/complete.js";
import { createBuiltinRegistry } from "../../../kernel/magics/builtin/index.js";
import type { Magic } from "../../../kernel/magics/magic.js";

const registry = createBuiltinRegistry()
  .add({
    name: "runs",
    kind: "line",
    summary: "s",
    usage: "%runs",
    args: {},
    run() {},
    completeArgs: ({ words }) => (words.length === 0 ? ["TeamCollabFlow", "TrainFlow"] : ["--tag", "--limit"]),
  } satisfies Magic)
  .add({ name: "sql", kind: "cell", summary: "s", usage: "%%sql", args: {}, run() {} });

const c = suite("completeMagic");
c("should complete magic names from the % on", async () => {
  assert.equal(await completeMagic("%ls", 3, registry), { start: 0, end: 3, matches: ["%lsmagic"] });
  const all = await completeMagic("x\n  %", 5, registry);
  assert.equal(all, { start: 4, end: 5, matches: ["%help", "%lsmagic", "%runs"] });
});
c("should offer cell magics on the first line only", async () => {
  assert.equal((await completeMagic("%s", 2, registry))?.matches, ["%%sql"]);
  assert.equal((await completeMagic("%%", 2, registry))?.matches, ["%%sql"]);
  assert.equal((await completeMagic("\n%s", 3, registry))?.matches, []);
});
c("should complete arguments through the magic", async () => {
  assert.equal(await completeMagic("%runs Te", 8, registry), { start: 6, end: 8, matches: ["TeamCollabFlow"] });
  assert.equal(await completeMagic("%runs TrainFlow --", 18, registry), { start: 16, end: 18, matches: ["--limit", "--tag"] });
  assert.equal((await completeMagic("%help ls", 8, registry))?.matches, ["lsmagic"]);
});
c("should leave code lines to the engine", async () => {
  assert.is(await completeMagic("Math.", 5, registry), undefined);
});
c.run();
