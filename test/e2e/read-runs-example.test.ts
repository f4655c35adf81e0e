/**
 * examples/read-runs.ts as the README tells users to run it (`npx tsx examples/read-runs.ts`):
 * it reads the seed runs back by namespace, and with no runs it prints one `headline: message` line
 * and where it looked, not a stack trace.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO, example, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const script = (root: string) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", example("read-runs.ts"), "teammate"], {
    cwd: REPO,
    env: { ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, TSFLOW_PRODUCTION_TOKEN: "" },
  }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

const test = suite("examples/read-runs.ts");
let root = "";
test.before.each(async () => void (root = await makeTempDir()));
test.after.each(async () => removeTempDir(root));

test("should print the error line and the datastore it read, without a stack, when there are no runs", async () => {
  const r = await script(root);
  assert.is(r.code, 1);
  assert.is(r.stderr.split("\n")[0], "Object not found: Flow('TeamCollabFlow') does not exist");
  assert.ok(r.stderr.includes(`(datastore: ${root};`), r.stderr);
  assert.not.match(r.stderr, /\n\s+at /);
});

test("should read alice's, the teammate's and the global run back", async () => {
  for (const user of ["alice", "teammate"]) assert.is((await tsflow(["run", example("team-collab.ts")], { root, user })).code, 0);
  const r = await script(root);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\[user:alice\] Run with id=\d+ has choice=\d/m);
  assert.match(r.stdout, /^\[user:teammate\] Run\('TeamCollabFlow\/\d+'\) has choice=\d/m);
  assert.match(r.stdout, /^\[global\] Run\('TeamCollabFlow\/\d+'\) by teammate has choice=\d/m);
});

test.run();
