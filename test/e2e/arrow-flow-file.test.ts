/**
 * Issue 15 end to end: a flow file run by the real `tsflow run` in a consumer package stores Arrow
 * tables made by the package's own apache-arrow (its CommonJS build, its ES module build, a copy of
 * its own), and every reader gets the same table back: a later step, the client, `tsflow show` and
 * `preview()`. A table from a copy tsflow cannot write with fails its task instead of being stored.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cp, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { installArrowCopy } from "../_helpers/arrow-copy.js";
import { ARROW_FIXTURES, assertArrowRunReadsBack, readArrowRun } from "../_helpers/arrow-run.js";

interface Consumer {
  dir: string;
  root: string;
}

/** A consumer package: `tsflow` linked to this checkout, apache-arrow linked or copied (its own install). */
async function consumer(base: string, name: string, type: "commonjs" | "module", arrow: "linked" | "copied", topLevelAwait = false): Promise<Consumer> {
  const dir = join(base, name);
  const modules = join(dir, "node_modules");
  await mkdir(modules, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, private: true, type }));
  await symlink(REPO, join(modules, "tsflow"), "dir");
  const ownArrow = join(REPO, "node_modules", "apache-arrow");
  if (arrow === "linked") await symlink(ownArrow, join(modules, "apache-arrow"), "dir");
  else await installArrowCopy(modules);
  const flow = await readFile(join(ARROW_FIXTURES, "arrow-types-flow.ts"), "utf8");
  await writeFile(join(dir, "flow.ts"), topLevelAwait ? `${flow}\nawait Promise.resolve(); // top-level await: loaded as an ES module\n` : flow);
  for (const file of ["read-arrow.mjs", "every-type-table.ts"]) await cp(join(ARROW_FIXTURES, file), join(dir, file));
  return { dir, root: join(dir, ".tsflow") };
}

async function runFlow(c: Consumer) {
  return tsflow(["run", "flow.ts"], { root: c.root, cwd: c.dir });
}

const test = suite("tsflow run (Arrow artifacts of a flow file)");
let base = "";
test.before(async () => void (base = await makeTempDir()));
test.after(async () => removeTempDir(base));

test("should store every column type from a CommonJS package with its own copy of apache-arrow, and read it back everywhere", async () => {
  const c = await consumer(base, "cjs", "commonjs", "copied");
  const run = await runFlow(c);
  assert.is(run.code, 0, run.stderr + run.stdout);
  await assertArrowRunReadsBack(await readArrowRun(c.dir, c.root), c.root, c.dir);
});

test("should store every column type from an ES module package, loaded by tsx's CommonJS hooks or as an ES module", async () => {
  for (const topLevelAwait of [false, true]) {
    const c = await consumer(base, `esm-${topLevelAwait}`, "module", "linked", topLevelAwait);
    const run = await runFlow(c);
    assert.is(run.code, 0, run.stderr + run.stdout);
    await assertArrowRunReadsBack(await readArrowRun(c.dir, c.root), c.root, c.dir);
  }
});

test("should fail the task, storing nothing, for a table of an ES module copy of apache-arrow tsflow cannot write with", async () => {
  const c = await consumer(base, "esm-foreign", "module", "copied", true);
  const run = await runFlow(c);
  assert.is(run.code, 1, run.stdout);
  const output = run.stdout + run.stderr;
  assert.match(output, /Cannot store artifact 'table' of step 'start': this\.table is a Table made by a copy of apache-arrow that tsflow cannot write with/);
  assert.not.match(output, /Task finished successfully/);
  assert.not.match(output, /\n\s+at /, "no stack trace");
  const objects = join(c.root, "objects");
  const stored = (await readdir(objects, { recursive: true }).catch(() => [] as string[])).filter((f) => /[0-9a-f]{64}$/.test(f));
  for (const file of stored) assert.is.not((await readFile(join(objects, file))).subarray(0, 6).toString(), "ARROW1", "no Arrow object stored");
});

test.run();
