// The cell packager with the compiler the kernel compiles cells with (tslab's TypeScript), and the
// module it emits bundled by the same code as a flow file and loaded like one.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTypeScript } from "../../../kernel/engine/tslab-engine.js";
import { CellPackageError, packageFlowCells } from "../../../kernel/tsflow/cell-package.js";
import type { ExecutedCell } from "../../../kernel/execute/cell-log.js";
import { bundleFlowCode, fetchCodePackage, storeCodePackage } from "../../../src/runtime/remote/code-package.js";
import { LocalStorage } from "../../../src/store/local-storage.js";
import { FlowFileError } from "../../../src/util/errors.js";
import { rejects } from "../../_helpers/assert-rejects.js";
import { loadFlowFile } from "../../../src/runtime/load-flow-file.js";
import { flowGraph } from "tsflow";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

const ts = loadTypeScript();
const cells = (...sources: string[]): ExecutedCell[] => sources.map((source, i) => ({ source, label: `In[${i + 1}]` }));
const IMPORTS = `import { FlowSpec, step } from "tsflow";`;
const FLOW = `class FanFlow extends FlowSpec {
  items: number[] = [];
  @step start() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { (this as any).v = square(this.input as number); this.next(this.join); }
  @step join(inputs: Iterable<{ v: number }>) { this.next(this.end); }
  @step end() {}
}`;

const pack = suite("packageFlowCells");
pack("should keep the class's cell and the cells declaring what it uses, transitively, and no other", () => {
  const p = packageFlowCells(
    ts,
    cells(IMPORTS, "const BASE = 10;", "function square(n: number): number { return n * n + BASE; }", "const unrelated = 1;", FLOW),
    "FanFlow",
  );
  assert.equal(p.cells, ["In[1]", "In[2]", "In[3]", "In[5]"]);
  assert.not.match(p.source, /unrelated/);
  assert.match(p.source, /export \{ FanFlow \};\n$/);
});
pack("should drop top-level expression statements and other statements, keeping imports and declarations", () => {
  const p = packageFlowCells(
    ts,
    cells(
      `${IMPORTS}\nconsole.log("imported");`,
      `function square(n: number) { return n * n; }\nfor (const i of [1, 2]) console.log(square(i));\nif (square(2) > 1) square(3);`,
      `${FLOW}\nawait runFlow(FanFlow);\nFanFlow.name;`,
    ),
    "FanFlow",
  );
  assert.not.match(p.source, /console\.log|runFlow|for \(|if \(|FanFlow\.name/);
  assert.match(p.source, /function square\(n: number\) \{ return n \* n; \}/);
  assert.match(p.source, /class FanFlow extends FlowSpec/);
});
pack("should take each name from the latest cell declaring it, once, dependencies first", () => {
  const p = packageFlowCells(
    ts,
    cells(
      `import { FlowSpec } from "tsflow";`,
      `const factor = () => BASE * 2;\nfunction square(n: number) { return n * factor(); }`,
      `import { FlowSpec, step } from "tsflow";\nconst BASE = 1;`,
      `const BASE = 3;`,
      FLOW,
    ),
    "FanFlow",
  );
  assert.equal(p.cells, ["In[2]", "In[3]", "In[4]", "In[5]"]);
  assert.is(p.source.match(/import \{ FlowSpec \}/g)?.length, 1);
  assert.not.match(p.source, /BASE = 1/);
  assert.ok(p.source.indexOf("const BASE = 3") < p.source.indexOf("const factor"), p.source);
});
pack("should not count names used only as types, member names, locals or globals", () => {
  const p = packageFlowCells(
    ts,
    cells(
      IMPORTS,
      `interface Shape { side: number }\ntype Side = number;\nconst helper = { square: 1 };`,
      `function square(n: Side): number { const local = { side: n } as Shape; const { side: s } = local; return Math.max(s * s, helper.square); }`,
      FLOW,
    ),
    "FanFlow",
  );
  assert.equal(p.cells, ["In[1]", "In[2]", "In[3]", "In[4]"]);
  assert.not.match(p.source, /interface Shape|type Side/);
});
pack("should strip export from the cells' declarations and export the class once", () => {
  const p = packageFlowCells(ts, cells(IMPORTS, `export function square(n: number) { return n; }`, `export ${FLOW}`), "FanFlow");
  assert.not.match(p.source, /export (function|class)/);
  assert.is(p.source.match(/export/g)?.length, 1);
});
pack("should raise CellPackageError naming a name no cell declares", () => {
  try {
    packageFlowCells(ts, cells(IMPORTS, FLOW), "FanFlow");
    assert.unreachable("packaged");
  } catch (err) {
    assert.instance(err, CellPackageError);
    const e = err as CellPackageError;
    assert.is(e.code, "CELL_PACKAGE");
    assert.equal([e.flow, e.missing], ["FanFlow", ["square"]]);
    assert.match(e.message, /^FanFlow needs 'square' \(used in In\[2\]\), which no cell that ran declares, so remote workers could not define it\. Declare it/);
  }
});
pack("should raise CellPackageError when no cell declares the class", () => {
  assert.throws(
    () => packageFlowCells(ts, cells(IMPORTS), "GoneFlow"),
    (e: Error) => e instanceof CellPackageError && /no cell that ran declares the flow class GoneFlow/.test(e.message),
  );
});
pack.run();

const bundle = suite("packageFlowCells + bundleFlowCode");
let dir = "";
bundle.before(async () => {
  dir = await makeTempDir();
});
bundle.after(async () => {
  await removeTempDir(dir);
});
bundle("should store a content-addressed package that a worker fetches and loads as a flow file", async () => {
  await writeFile(join(dir, "helpers.ts"), "export const BASE = 5;\n");
  const p = packageFlowCells(ts, cells(IMPORTS, `import { BASE } from "./helpers.js";\nfunction square(n: number) { return n * n + BASE; }`, FLOW), "FanFlow");
  const code = { source: p.source, resolveDir: dir, name: "the notebook cells of FanFlow" };
  const text = Buffer.from(await bundleFlowCode(code)).toString("utf8");
  assert.match(text, /from "tsflow"/);
  assert.match(text, /BASE = 5/);
  const storage = new LocalStorage(join(dir, "root"));
  const stored = await storeCodePackage(storage, code, "FanFlow");
  assert.equal([stored.className, stored.source], ["FanFlow", "the notebook cells of FanFlow"]);
  assert.is((await storeCodePackage(storage, code, "FanFlow")).sha, stored.sha);
  const file = await fetchCodePackage(storage, stored.sha, join(dir, "cache"));
  const loaded = await loadFlowFile(file, "FanFlow");
  assert.equal(
    flowGraph(loaded.flowClass).steps.map((s) => s.name),
    ["start", "each", "join", "end"],
  );
});
bundle("should name the notebook cells when the module cannot be bundled", async () => {
  const code = { source: `import { nothing } from "./missing.js";\nexport { nothing };`, resolveDir: dir, name: "the notebook cells of FanFlow" };
  await rejects(
    () => bundleFlowCode(code),
    FlowFileError,
    /^Cannot package the notebook cells of FanFlow for remote workers: Could not resolve "\.\/missing\.js"/,
  );
});
bundle.run();
