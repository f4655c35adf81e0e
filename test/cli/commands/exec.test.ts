/** `tsflow exec <script>` through the real CLI, with scripts in a folder outside any project. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO, example, tsflow } from "../../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { runIdFrom } from "../../_helpers/runs.js";

const LIBRARY = pathToFileURL(join(REPO, "dist/bundle/index.js")).href;

const exec = suite("registerExec");
let root = "";
let dir = "";
let runId = "";
exec.before(async () => {
  root = await makeTempDir("tsflow-exec-root-");
  dir = await makeTempDir("tsflow-exec-scripts-");
  const r = await tsflow(["run", example("team-collab.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  runId = runIdFrom(r.stdout);
});
exec.after(async () => {
  await removeTempDir(root);
  await removeTempDir(dir);
});

async function script(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

exec("should run a TypeScript script with top-level await that reads a run, outside any project", async () => {
  const file = await script(
    "read.ts",
    `import { Flow, Run } from "tsflow";
const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
const choice: number = (await run!.data.choice) as number;
console.log(\`run=\${run!.id} choice=\${choice} same=\${run!.pathspec === (await Run(run!.pathspec)).pathspec}\`);
`,
  );
  const r = await tsflow(["exec", file], { root, cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`run=${runId} choice=[1-5] same=true`));
});

exec("should resolve the script's tsflow to the library the CLI loaded", async () => {
  const file = await script(
    "same.mts",
    `import * as viaName from "tsflow";
const loaded = await import(${JSON.stringify(LIBRARY)});
console.log(\`same=\${viaName.Flow === loaded.Flow && viaName.FlowSpec === loaded.FlowSpec}\`);
`,
  );
  const r = await tsflow(["exec", file], { root, cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /same=true/);
});

exec("should pass every argument after the script to it, options included", async () => {
  const file = await script("args.ts", `console.log(JSON.stringify(process.argv.slice(2)));\n`);
  const args = ["a", "--version", "--datastore-root", "/x", "--help", "-h", "--", "b"];
  const r = await tsflow(["exec", file, ...args], { root, cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), args);
  const before = await tsflow(["--datastore-root", root, "exec", file, "c"], { root: "/nonexistent", cwd: dir });
  assert.is(before.code, 0, before.stderr);
  assert.equal(JSON.parse(before.stdout), ["c"]);
});

exec("should load the script's own TypeScript imports, named NodeNext-style with .js", async () => {
  await script("helper.ts", `export const twice = (n: number): number => n * 2;\n`);
  const file = await script("main.ts", `import { twice } from "./helper.js";\nconsole.log(\`twice=\${twice(21)}\`);\n`);
  const r = await tsflow(["exec", file], { root, cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /twice=42/);
});

exec("should define and run a flow with decorators in the script", async () => {
  const file = await script(
    "flow.ts",
    `import { FlowSpec, step, runFlow } from "tsflow";
class ScriptFlow extends FlowSpec {
  n = 0;
  @step start() { this.n = 7; this.next(this.end); }
  @step end() {}
}
const run = await runFlow(ScriptFlow, { onEvent: () => {} });
console.log(\`n=\${await run.data.n}\`);
`,
  );
  const r = await tsflow(["exec", file], { root, cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /n=7/);
});

exec("should exit with the script's exit code", async () => {
  const set = await script("code.ts", `process.exitCode = 3;\n`);
  assert.is((await tsflow(["exec", set], { root, cwd: dir })).code, 3);
  const exit = await script("exit.ts", `await Promise.resolve();\nprocess.exit(4);\n`);
  assert.is((await tsflow(["exec", exit], { root, cwd: dir })).code, 4);
});

exec("should print a tsflow error as headline: message, and another error with its stack at the script's line", async () => {
  const typed = await script("typed.ts", `import { Run } from "tsflow";\nawait Run("NoSuchFlow/1");\n`);
  const t = await tsflow(["exec", typed], { root, cwd: dir });
  assert.is(t.code, 1);
  assert.is(t.stderr.trim(), "Object not found: Run('NoSuchFlow/1') does not exist");
  const plain = await script("plain.ts", `const n: number = 1;\n\nthrow new Error(\`boom \${n}\`);\n`);
  const p = await tsflow(["exec", plain], { root, cwd: dir });
  assert.is(p.code, 1);
  assert.match(p.stderr, /^Error: boom 1\n\s+at .*plain\.ts:3:/);
});

exec("should refuse a script that does not exist, and a missing root", async () => {
  const r = await tsflow(["exec", join(dir, "nope.ts")], { root, cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^Usage error: No such script: .*nope\.ts/);
  const file = await script("noop.ts", "");
  const noRoot = await tsflow(["exec", file], { root: join(dir, "missing-root"), cwd: dir });
  assert.is(noRoot.code, 2);
  assert.match(noRoot.stderr, /^Datastore error: The datastore root .*missing-root \(TSFLOW_DATASTORE_ROOT\) does not exist/);
});
exec.run();
