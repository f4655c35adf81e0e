import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import { compilerViewForTslab, type CompilerLike } from "../../../kernel/engine/compiler-view.js";

const require = createRequire(createRequire(import.meta.url).resolve("tslab/dist/converter.js"));
const ts = require("@tslab/typescript-for-tslab") as CompilerLike & { sys: unknown; ScriptTarget: { ES2019: number } };

const view = suite("compilerViewForTslab");
view("should pass every other member through unchanged", () => {
  const v = compilerViewForTslab(ts);
  assert.is(v.version, ts.version);
  assert.is(v.sys, ts.sys);
  assert.is(v.getResolvedModule, ts.getResolvedModule);
});
view("should send only tslab's CommonJS pass of custom.js to sucrase", () => {
  const v = compilerViewForTslab(ts);
  const esm = "const n = 1;\nexport { n };\n";
  const tslabPass = v.transpileModule(esm, { fileName: "custom.js", compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  assert.not.match(tslabPass, /exports\.n = void 0/); // TypeScript's CommonJS output declares exports first; sucrase's does not
  assert.match(tslabPass, /exports\.n = n/);
  const other = v.transpileModule("const x: number = 1;", { fileName: "x.ts", compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  assert.is(other, ts.transpileModule("const x: number = 1;", { fileName: "x.ts", compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText);
});
view("should keep tslab's own builder when the compiler lacks the internals the plain builder needs", () => {
  const tslabBuilder = () => undefined;
  const seen: unknown[] = [];
  const createWatchCompilerHost = (_roots: unknown, options: unknown) => {
    seen.push(options);
    return { createProgram: tslabBuilder };
  };
  const bare = { version: "9.9.9", ModuleKind: { CommonJS: 1 }, createWatchCompilerHost } as unknown as CompilerLike;
  const host = compilerViewForTslab(bare).createWatchCompilerHost([], { module: 99 });
  assert.is(host.createProgram, tslabBuilder);
  assert.equal(seen, [{ module: 99, inlineSourceMap: true }]);
});
view.run();
