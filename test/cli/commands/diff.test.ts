// `tsflow diff` through the real CLI process (bin/tsflow.js over dist/: `npm run build` first).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, runFlow, useDatastore } from "tsflow";
import { DiffFlow } from "../../_fixtures/flows/diff-flow.js";
import { tsflow } from "../../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

const cli = suite("tsflow diff");
let root = "";
let a = "";
let b = "";
cli.before(async () => {
  root = await makeTempDir();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
  a = (await runFlow(DiffFlow, { params: { rows: 1000 }, tags: ["baseline"], onEvent: () => {} })).pathspec;
  b = (await runFlow(DiffFlow, { params: { rows: 1000, "change-row": 3, alpha: 0.25 }, onEvent: () => {} })).pathspec;
  await closeClient();
});
cli.after(async () => {
  await removeTempDir(root);
});
cli("should print each section and the detail of changed artifacts", async () => {
  const r = await tsflow(["diff", a, b], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${a} -> ${b}: \\d+ changed, 0 added, 1 removed, \\d+ same`));
  assert.match(r.stdout, /parameters:\n\s+PARAMETER\s+STATUS\s+A\s+B\n[\s\S]*alpha\s+changed\s+0\.5\s+0\.25/);
  assert.match(r.stdout, /baseline\s+removed/);
  assert.match(r.stdout, /graph \(same\)/);
  assert.match(r.stdout, /config:\n {2}\$\.alpha {2}changed {2}0\.5 -> 0\.25/);
  assert.match(r.stdout, /table:\n {2}rows 1000 -> 1000; 1 of the first 1000 differ\n {2}row 3 \[score\]: \{"score":1\.5\} -> \{"score":-1\}/);
});
cli("should print the RunDiff as JSON with --json, for another step with --step", async () => {
  const r = await tsflow(["diff", a, b, "--json", "--step", "start"], { root });
  assert.is(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.is(d.step, "start");
  assert.is(d.a, a);
  assert.equal(d.artifacts.find((x: { name: string }) => x.name === "config").value.changes, [{ path: "$.alpha", kind: "changed", a: 0.5, b: 0.25 }]);
});
cli("should fail with one line and exit 2 for a missing run, a bad step and another namespace", async () => {
  const missing = await tsflow(["diff", a, "DiffFlow/1"], { root });
  assert.is(missing.code, 2);
  assert.is(missing.stderr, "Object not found: Run('DiffFlow/1') does not exist\n");
  const step = await tsflow(["diff", a, b, "--step", "nope"], { root });
  assert.is(step.code, 2);
  assert.match(step.stderr, /^Object not found: Step 'nope' is in neither/);
  const other = await tsflow(["diff", a, b, "--namespace", "user:bob"], { root });
  assert.is(other.code, 2);
  assert.match(other.stderr, /^Object not in the current namespace: /);
  assert.not.match(other.stderr, / {4}at /);
  assert.is((await tsflow(["diff", a, b, "--global"], { root })).code, 0);
});
cli.run();
