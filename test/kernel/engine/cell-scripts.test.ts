import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import { CELL_SCRIPT_POSITION, cellLocation, nameCellScript, placeFrame, rememberCompiledMap } from "../../../kernel/engine/cell-scripts.js";

const require = createRequire(createRequire(import.meta.url).resolve("tslab/dist/converter.js"));
const ts = require("@tslab/typescript-for-tslab") as {
  transpileModule(s: string, o: object): { outputText: string };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2020: number };
};

/** Compiles a named cell as tslab does (one prefix line), with an inline source map; returns its script name. */
function compile(code: string, label: string): string {
  const named = nameCellScript(code, label);
  const name = /sourceURL=(\S+)$/.exec(named)?.[1] as string;
  assert.ok(CELL_SCRIPT_POSITION.test(`${name}:1:1`));
  const esm = ts.transpileModule(`export {};\n${named}`, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020, inlineSourceMap: true },
  }).outputText;
  rememberCompiledMap(esm, { cellLinesBefore: 1, rootDir: "/nb" });
  return name;
}

const scripts = suite("cell scripts");
scripts("should name a cell after its text alone, so an unchanged cell compiles the same", () => {
  assert.is(nameCellScript("1 + 1", "In[1]"), nameCellScript("1 + 1", "In[2]"));
  assert.is.not(nameCellScript("1 + 1"), nameCellScript("1 + 2"));
  assert.match(nameCellScript("x"), /^x\n\/\/# sourceURL=tsflow-cell-[0-9a-f]{12}$/);
});
scripts("should trace a position of the compiled code to the cell's line, past removed type declarations", () => {
  const name = compile("interface A {\n  a: number;\n}\nconst v: A = { a: 1 };\nthrow new Error(String(v.a));", "In[7]");
  // Compiled: line 1 `const v = ...`, line 2 `throw ...` (TypeScript moves the empty export to the end).
  assert.equal(cellLocation(name, 2, 1), { label: "In[7]", line: 5, wrapper: false });
  assert.equal(cellLocation(name, 1, 7), { label: "In[7]", line: 4, wrapper: false });
  assert.equal(cellLocation(name, 40, 1), { label: "In[7]", line: undefined, wrapper: true });
});
scripts("should give the latest label of a re-run cell, and nothing for unknown scripts", () => {
  const name = compile("Math.max(1, 2);", "In[8]");
  compile("Math.max(1, 2);", "In[9]");
  assert.is(cellLocation(name, 1, 1)?.label, "In[9]");
  assert.is(cellLocation("tsflow-cell-000000000000", 1, 1), undefined);
});
scripts("should name a cell whose map never arrived without a line", () => {
  const named = nameCellScript("never compiled", "In[10]");
  const name = /sourceURL=(\S+)/.exec(named)?.[1] as string;
  assert.equal(cellLocation(name, 1, 1), { label: "In[10]", line: undefined, wrapper: false });
});
scripts("should place frames of cells and of local modules at their source, and drop the executor's wrapper frame", () => {
  const name = compile("interface P {\n  x: number;\n}\nfunction f(p: P): number {\n  throw new Error(String(p.x));\n}", "In[11]");
  assert.is(placeFrame(`    at Proxy.f (${name}:2:9)`), "    at f (Cell In[11], line 5)");
  assert.is(placeFrame(`    at ${name}:30:1`), undefined);
  const module = ts
    .transpileModule("type T = number;\nexport const g = (t: T): never => {\n  throw new Error(String(t));\n};", {
      fileName: "/nb/outDir/lib/util.ts",
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020, inlineSourceMap: true, sourceRoot: "" },
    })
    .outputText.replace(/sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/, (_all, b64: string) => {
      const map = JSON.parse(Buffer.from(b64, "base64").toString()) as { sources: string[] };
      map.sources = ["../../lib/util.ts"]; // as tslab's compile names it: from <root>/outDir/lib/util.js
      return `sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
    });
  const kept = rememberCompiledMap(module, { cellLinesBefore: 1, rootDir: "/nb" });
  assert.is(placeFrame("    at g (/nb/lib/util.js:2:11)"), "    at g (/nb/lib/util.ts:3:9)");
  const inline = /base64,(\S+)$/.exec(kept)?.[1] as string;
  assert.equal(JSON.parse(Buffer.from(inline, "base64").toString()).sources, ["/nb/lib/util.ts"]);
  assert.is(placeFrame("    at h (/elsewhere/other.js:2:11)"), "    at h (/elsewhere/other.js:2:11)");
});
scripts("should forget the oldest cells beyond 500", () => {
  const first = compile("'first cell';", "In[1]");
  assert.is.not(cellLocation(first, 1, 1), undefined);
  for (let i = 0; i < 500; i++) nameCellScript(`'filler ${i}';`, `In[${i + 2}]`);
  assert.is(cellLocation(first, 1, 1), undefined);
});
scripts.run();
