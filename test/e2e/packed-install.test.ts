/**
 * The package as users get it (issue 14 item 5, issue 15): a clean copy of HEAD is packed with
 * `npm pack` (which builds it: `prepare`), the tarball is installed alone into an empty folder from
 * the registry, and there, as a user would: `npx tsflow run` of the seed flow and of the Arrow flow
 * (in a CommonJS and an ES module package), `tsc` on a `.ts` file importing tsflow (`npx tsc` must be
 * the project's TypeScript, not tslab's bundled 5.0.4), `tsflow kernel install --prefix` and a real
 * kernel reading the stored table. One packed install serves every test of the file.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO, example, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { ARROW_FIXTURES, ARROW_ROWS, ARROW_SCHEMA, assertArrowRunReadsBack, readArrowRun } from "../_helpers/arrow-run.js";
import { openKernelSession, type ExecuteAnswer } from "../_helpers/jupyter-client.js";

const exec = promisify(execFile);
const NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

let tmp = "";
let app = "";
let bin = "";
let packed: string[] = [];
const env = () => ({ ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(app, ".tsflow"), TSFLOW_PRODUCTION_TOKEN: "" });
const npx = (args: string[], cwd = app) => exec("npx", ["--no-install", ...args], { cwd, env: env() });

const test = suite("npm pack of a clean checkout, installed alone");

test.before(async () => {
  tmp = await makeTempDir("tsflow-packed-");
  const src = join(tmp, "src");
  await mkdir(src);
  await exec("git", ["-C", REPO, "archive", "--format=tar", "-o", join(tmp, "head.tar"), "HEAD"]);
  await exec("tar", ["-xf", join(tmp, "head.tar"), "-C", src]);
  // The clean copy builds with this checkout's dependencies (the same lockfile) instead of a second `npm ci`.
  await symlink(join(REPO, "node_modules"), join(src, "node_modules"), "dir");
  const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", tmp, ...NPM_FLAGS], { cwd: src, maxBuffer: 64 << 20 });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  app = join(tmp, "app");
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  await exec("npm", ["install", ...NPM_FLAGS, join(tmp, info!.filename)], { cwd: app, maxBuffer: 64 << 20 });
  bin = join(app, "node_modules", "tsflow", "bin", "tsflow.js");
});
test.after(async () => removeTempDir(tmp));

test("should ship the built library, its types and the command, and nothing of the sources or tests", () => {
  for (const file of [
    "bin/tsflow.js",
    "bin/tsflow-task.js",
    "dist/bundle/cli.js",
    "dist/bundle/task.js",
    "dist/bundle/index.js",
    "dist/bundle/worker-main.js",
    "dist/src/index.d.ts",
    "package.json",
    "README.md",
  ]) {
    assert.ok(packed.includes(file), `${file} is packed`);
  }
  assert.not.ok(
    packed.some((f) => /^(src|test|scripts|examples)\//.test(f)),
    packed.filter((f) => !f.startsWith("dist/")).join(", "),
  );
});

test("should run the seed flow with npx tsflow run", async () => {
  await cp(example("team-collab.ts"), join(app, "team-collab.ts"));
  const { stdout } = await npx(["tsflow", "run", "team-collab.ts"]);
  assert.match(stdout, /Task finished successfully[\s\S]*Done!/);
});

test("should give npx tsc the project's TypeScript, which type-checks a .ts file importing tsflow (nodenext)", async () => {
  const { version } = JSON.parse(await readFile(join(app, "node_modules", "typescript", "package.json"), "utf8")) as { version: string };
  assert.is.not(version, "5.0.4");
  assert.is((await npx(["tsc", "-v"])).stdout.trim(), `Version ${version}`);
  await writeFile(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false },
      files: ["check.mts"],
    }),
  );
  await writeFile(
    join(app, "check.mts"),
    `import { Flow, FlowSpec, namespace, step } from "tsflow";
import { tableFromArrays, type Table } from "apache-arrow";

export class HelloFlow extends FlowSpec {
  table?: Table;
  @step start() { this.table = tableFromArrays({ x: Int32Array.of(1) }); this.next(this.end); }
  @step end() {}
}
namespace(null);
const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
const id: string | undefined = run?.id;
// @ts-expect-error: an id is a string (this line proves the library's types are checked, not any)
const wrong: number = run!.id;
console.log(id, wrong);
`,
  );
  const checked = await npx(["tsc", "-p", "."]).then(
    (r) => r.stdout,
    (err: { stdout: string }) => `tsc failed:\n${err.stdout}`,
  );
  assert.is(checked, "");
});

test("should install the kernel with tsflow kernel install --prefix, pointing at the installed package", async () => {
  const prefix = join(tmp, "jupyter-prefix");
  await npx(["tsflow", "kernel", "install", "--prefix", prefix]);
  const kernels = join(prefix, "share", "jupyter", "kernels");
  const [name] = await readdir(kernels);
  const spec = JSON.parse(await readFile(join(kernels, name!, "kernel.json"), "utf8")) as { argv: string[] };
  assert.ok(
    spec.argv.some((a) => a.startsWith(join(app, "node_modules", "tsflow"))),
    spec.argv.join(" "),
  );
});

test("should store every Arrow column type from flow files in a CommonJS and an ES module package, and read them back", async () => {
  const esm = join(app, "esm");
  await mkdir(esm);
  await writeFile(join(esm, "package.json"), JSON.stringify({ name: "esm-app", private: true, type: "module" }));
  await Promise.all(
    [app, esm].map(async (dir) => {
      for (const file of ["arrow-types-flow.ts", "every-type-table.ts", "read-arrow.mjs"]) await cp(join(ARROW_FIXTURES, file), join(dir, file));
      const root = join(dir, ".tsflow"); // one root each, so each run is the latest of its own
      const run = await tsflow(["run", "arrow-types-flow.ts", "--max-workers", "1"], { root, cwd: dir, bin });
      assert.is(run.code, 0, run.stderr + run.stdout);
      await assertArrowRunReadsBack(await readArrowRun(dir, root), root, dir, bin);
    }),
  );
});

test("should read the stored table in the installed kernel, and %show its preview", async () => {
  const prefix = join(tmp, "jupyter-prefix");
  const [name] = await readdir(join(prefix, "share", "jupyter", "kernels"));
  const { argv } = JSON.parse(await readFile(join(prefix, "share", "jupyter", "kernels", name!, "kernel.json"), "utf8")) as { argv: string[] };
  const read = await readArrowRun(app, join(app, ".tsflow"));
  const s = await openKernelSession({ argv, cwd: app, env: { TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(app, ".tsflow") } });
  try {
    const cell = async (code: string) => {
      const r = (await s.send({ op: "execute", code })) as ExecuteAnswer;
      assert.is(r.reply.status, "ok", `${code}\n${JSON.stringify(r.iopub)}`);
      return r.iopub
        .filter((m) => m.msg_type === "stream")
        .map((m) => m.content.text as string)
        .join("");
    };
    await cell(`import { DataArtifact } from "tsflow";
import type { Table } from "apache-arrow";
const artifact = await DataArtifact("${read.startTask}/table");
const t = (await artifact.data) as Table;`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell source sent to the kernel holds a template literal
    const printed = await cell("console.log(JSON.stringify({ schema: t.schema.fields.map((f) => `${f.name}: ${f.type}`), rows: t.toArray() }))");
    assert.equal(JSON.parse(printed), { schema: ARROW_SCHEMA, rows: ARROW_ROWS });
    const shown = (await s.send({ op: "execute", code: `%show ${read.startTask}/table` })) as ExecuteAnswer;
    const html = shown.iopub.map((m) => JSON.stringify(m.content)).join("\n");
    assert.match(html, /Dictionary&lt;Int32, Utf8&gt;|Dictionary<Int32, Utf8>/);
    assert.match(html, /名前/);
  } finally {
    await s.close();
  }
});

test.run();
