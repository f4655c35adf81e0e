import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hasNodeTypes, overlayPackages, type SysLike } from "../../../kernel/engine/type-overlay.js";
import { openKernelSession, type ExecuteAnswer } from "../../_helpers/jupyter-client.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

function fakeSys(files: Record<string, string>): SysLike {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) for (let d = f.slice(0, f.lastIndexOf("/")); d; d = d.slice(0, d.lastIndexOf("/"))) dirs.add(d);
  return {
    fileExists: (p) => p in files,
    readFile: (p) => files[p],
    directoryExists: (p) => dirs.has(p),
    getDirectories: (p) => [...new Set([...dirs].filter((d) => d.startsWith(`${p}/`)).map((d) => d.slice(p.length + 1).split("/")[0] as string))],
  };
}

const overlay = suite("overlayPackages");
overlay("should show a package under <cwd>/node_modules with a synthetic package.json", () => {
  const sys = fakeSys({ "/opt/tsflow/dist/src/index.d.ts": "export declare const x: 1;", "/opt/tsflow/package.json": "{}" });
  overlayPackages(sys, "/nb", [{ name: "tsflow", root: "/opt/tsflow", types: "dist/src/index.d.ts" }]);
  assert.ok(sys.directoryExists("/nb/node_modules"));
  assert.ok(sys.fileExists("/nb/node_modules/tsflow/package.json"));
  assert.is(JSON.parse(sys.readFile("/nb/node_modules/tsflow/package.json") as string).types, "dist/src/index.d.ts");
  assert.is(sys.readFile("/nb/node_modules/tsflow/dist/src/index.d.ts"), "export declare const x: 1;");
  assert.ok(sys.directoryExists("/nb/node_modules/tsflow/dist/src"));
  assert.not.ok(sys.fileExists("/nb/node_modules/other/package.json"));
});
overlay("should list a scoped type package in its @types folder", () => {
  const sys = fakeSys({ "/k/@types/node/package.json": '{"types":"index.d.ts"}', "/k/@types/node/index.d.ts": "" });
  overlayPackages(sys, "/nb", [{ name: "@types/node", root: "/k/@types/node" }]);
  assert.ok(sys.directoryExists("/nb/node_modules/@types"));
  assert.equal(sys.getDirectories("/nb/node_modules/@types"), ["node"]);
  assert.is(sys.readFile("/nb/node_modules/@types/node/package.json"), '{"types":"index.d.ts"}');
  assert.ok(hasNodeTypes(sys, "/nb/sub"));
});
overlay.run();

const outside = suite("a notebook outside the project");
outside("should type-check console/setTimeout, import tsflow and a local helpers.ts", async () => {
  const nb = await makeTempDir("tsflow-nb-outside-");
  await writeFile(join(nb, "helpers.ts"), "export function double(n: number): number { return n * 2 }\n");
  const s = await openKernelSession({ cwd: nb });
  try {
    const run = async (code: string) => (await s.send({ op: "execute", code })) as ExecuteAnswer;
    const a = await run("await new Promise((r) => setTimeout(r, 1)); console.log('ok')");
    assert.is(a.reply.status, "ok", JSON.stringify(a.iopub));
    const b = await run(`import { double } from "./helpers";\ndouble(21)`);
    assert.is(b.iopub.find((m) => m.msg_type === "execute_result")?.content.data["text/plain"], "42", JSON.stringify(b.iopub));
    const c = await run(`import { getNamespace, Flow } from "tsflow";\nconst ns: string | null = getNamespace();\ntypeof Flow`);
    assert.is(c.reply.status, "ok", JSON.stringify(c.iopub));
    assert.is(c.iopub.find((m) => m.msg_type === "execute_result")?.content.data["text/plain"], "'function'");
    const d = await run(`import { getNamespace } from "tsflow";\nconst bad: number = getNamespace();`);
    assert.is(d.reply.ename, "TSError", "tsflow's typings are checked");
  } finally {
    await s.close();
    await removeTempDir(nb);
  }
});
outside.run();
