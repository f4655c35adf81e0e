import { spawnSync } from "node:child_process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { REPO } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

// bin/tsflow-task.js over dist/ (npm run build): what a Slurm job runs. Its success path runs on a real cluster (test/runtime/remote/slurm-executor.test.ts).
const taskMain = suite("taskMain");
let root = "";
taskMain.before.each(async () => {
  root = await makeTempDir();
});
taskMain.after.each(async () => {
  await removeTempDir(root);
});

const task = (args: string[]) => spawnSync(process.execPath, [`${REPO}bin/tsflow-task.js`, ...args], { encoding: "utf8" });

taskMain("should say what it needs when --root or --batch is missing (exit 2)", () => {
  const r = task(["--root", root]);
  assert.is(r.status, 2);
  assert.is(r.stderr, "Usage error: tsflow-task needs --root <root> and --batch <key> (what the Slurm executor's job script gives it).\n");
});

taskMain("should refuse a key that is not a task batch, an unknown option, and a batch that is not there", () => {
  const notBatch = task(["--root", root, "--batch", "flows/F/runs/1/steps/x.json"]);
  assert.is(notBatch.status, 2);
  assert.is(notBatch.stderr, "Usage error: 'flows/F/runs/1/steps/x.json' is not a task batch key.\n");
  const unknown = task(["--root", root, "--batch", "b", "--bogus"]);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /^Usage error: Unknown option '--bogus'/);
  const missing = task(["--root", root, "--batch", "flows/F/runs/1/remote/each-2-1.json", "--index", "3"]);
  assert.is(missing.status, 2);
  assert.is(missing.stderr, `Usage error: No task 3 in batch flows/F/runs/1/remote/each-2-1.json of ${root}.\n`);
});

taskMain.run();
