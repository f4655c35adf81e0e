// The tslab engine itself, compiling and running real cells (its ES-module-to-CommonJS pass is ours).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTslabEngine } from "../../../kernel/engine/tslab-engine.js";
import { esmToCommonJs } from "../../../kernel/engine/esm-to-cjs.js";
import { thrownError } from "../../../kernel/execute/error-content.js";
import type { Engine } from "../../../kernel/engine/engine.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

let dir: string;
let engine: Engine;

/** Runs one cell; resolves its result, or rejects with what it threw or its type errors. */
async function cell(code: string, label?: string): Promise<unknown> {
  let result: unknown;
  const problems: unknown[] = [];
  const ok = await engine.execute(code, { result: (v) => (result = v), thrown: (e) => problems.push(e), diagnostic: (d) => problems.push(d.message) }, label);
  if (!ok) throw new Error(`cell failed: ${problems.map(String).join("; ")}`);
  return result;
}

const cells = suite("tslab engine cells");
cells.before(async () => {
  dir = await makeTempDir();
  await writeFile(join(dir, "factor.ts"), "export const FACTOR = 2;\n");
  await writeFile(
    join(dir, "helpers.ts"),
    'import { FACTOR } from "./factor";\nexport const twice = (x: number): number => FACTOR * x;\nexport default class Box { constructor(readonly v: number) {} }\n',
  );
  await writeFile(join(dir, "broken.ts"), 'export const size: number = "large";\n');
  await writeFile(
    join(dir, "thrower.ts"),
    'interface Opts {\n  n: number;\n}\nexport function explodeWith(o: Opts): never {\n  throw new Error("helper boom " + o.n);\n}\n',
  );
  process.chdir(dir); // tslab resolves a cell's relative imports from the process's folder, as in the kernel
  engine = createTslabEngine({ cwd: dir, packages: [] });
});
cells.after(async () => {
  engine.close();
  await removeTempDir(dir);
});
cells("should see a variable a callback changes later, in the next cell (live binding)", async () => {
  await cell("let n = 0;\nconst bump = () => { n++; };");
  await cell("bump(); bump();");
  assert.is(await cell("n"), 2);
  await cell("n = 10");
  assert.is(await cell("n"), 10);
});
cells("should bind namespace, named and default imports from Node and from a local file", async () => {
  await cell('import * as path from "node:path";\nimport { join as joinPath } from "node:path";\nimport EventEmitter from "node:events";');
  assert.is(await cell('joinPath("a", "b") + path.sep'), "a/b/");
  assert.is(await cell("new EventEmitter() instanceof EventEmitter"), true);
  await cell('import Box, { twice } from "./helpers";');
  assert.is(await cell("twice(new Box(21).v)"), 42);
});
cells("should report a type error inside an imported local file, and only to cells that import it", async () => {
  const problems: unknown[] = [];
  const ok = await engine.execute('import { size } from "./broken";\nsize', {
    result: () => undefined,
    thrown: (e) => problems.push(e),
    diagnostic: (d) => problems.push(d),
  });
  assert.is(ok, false);
  assert.equal(problems, [{ line: 1, column: 14, message: "Type 'string' is not assignable to type 'number'.", file: "broken.ts" }]);
  assert.is(await cell("1 + 1"), 2);
});
cells("should keep the compiled cell's line numbers: the CommonJS pass adds no lines (the source map relies on it)", async () => {
  const thrown: unknown[] = [];
  const code = 'import * as path from "node:path";\nconst sep = path.sep;\nfunction fail() {\n  throw new Error("boom");\n}\nfail();';
  await engine.execute(code, { result: () => undefined, thrown: (e) => thrown.push(e), diagnostic: (d) => thrown.push(d) });
  assert.match(String((thrown[0] as Error).stack), /^tsflow-cell-[0-9a-f]{12}:4\n/);
});
cells("should place a thrown error's frames at the cell and line they come from, across cells", async () => {
  await cell('interface Shape {\n  kind: string;\n}\nfunction explode(s: Shape): never {\n  throw new Error("boom " + s.kind);\n}', "In[3]");
  let thrown: unknown;
  await engine.execute(
    'type Kind = string;\nconst kind: Kind = "x";\nexplode({ kind });',
    { result: () => undefined, thrown: (e) => (thrown = e), diagnostic: () => undefined },
    "In[4]",
  );
  const { traceback } = thrownError(thrown);
  assert.equal(traceback.slice(0, 3), ["Error: boom x", "    at explode (Cell In[3], line 5)", "    at Cell In[4], line 3"]);
});
cells("should place a frame in an imported local file at its TypeScript line", async () => {
  let thrown: unknown;
  await engine.execute(
    'import { explodeWith } from "./thrower";\nexplodeWith({ n: 1 });',
    { result: () => undefined, thrown: (e) => (thrown = e), diagnostic: () => undefined },
    "In[5]",
  );
  const { traceback } = thrownError(thrown);
  assert.equal(traceback.slice(0, 3), ["Error: helper boom 1", `    at explodeWith (${join(dir, "thrower.ts")}:5:9)`, "    at Cell In[5], line 2"]);
});
cells("should run top-level await and dynamic import", async () => {
  assert.is(await cell("const v = (await Promise.resolve(41)) + 1;\nv"), 42);
  assert.is(await cell('const os = await import("node:os");\ntypeof os.cpus'), "function");
});
cells("should keep enums and classes across cells", async () => {
  await cell("enum Color { Red, Green }\nclass Point { constructor(public x: number) {} }");
  assert.is(await cell("Color[Color.Green] + new Point(3).x"), "Green3");
});
cells("should run cells in sloppy mode, as tslab does", async () => {
  assert.is(await cell("(function (this: unknown) { return typeof this; })()"), "object");
});
cells.run();

const convert = suite("esmToCommonJs");
convert("should export every assignment of an exported variable and add no 'use strict'", () => {
  const out = esmToCommonJs("let n = 0;\nconst f = () => { n = 5; };\nexport { n, f };\n");
  assert.not.match(out, /use strict/);
  assert.match(out, /exports\.n = 5/);
});
convert("should keep an import that is only there for its effects", () => {
  assert.match(esmToCommonJs('import "./setup";\n'), /require\('\.\/setup'\)/);
});
convert.run();
