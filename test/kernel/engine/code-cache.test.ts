// Each load runs in its own process: within one process V8's in-memory compilation cache would
// answer a second compile of the same source, whatever the cache file holds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

const MODULE = fileURLToPath(new URL("../../../kernel/engine/code-cache.ts", import.meta.url));

async function moduleFile(dir: string): Promise<string> {
  const file = join(dir, "pkg", "m.js");
  await mkdir(join(dir, "pkg"), { recursive: true });
  await writeFile(file, `const path = require("node:path");\nexports.answer = () => 6 * 7;\nexports.base = path.basename(__filename);\n`);
  return file;
}

/** Loads `file` through the code cache in a new process; saves the cache afterwards. */
function load(file: string, cacheDir: string): { fromCache: boolean; answer: number; base: string; same: boolean } {
  const script = `
    import { createRequire } from "node:module";
    import { requireWithCodeCache } from ${JSON.stringify(MODULE)};
    const m = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
    const same = createRequire(${JSON.stringify(file)})(${JSON.stringify(file)}) === m.exports;
    m.save();
    console.log(JSON.stringify({ fromCache: m.fromCache, answer: m.exports.answer(), base: m.exports.base, same }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

test("loads a module, writes the cache, and the next process loads it from the cache", async () => {
  const dir = await makeTempDir();
  try {
    const file = await moduleFile(dir);
    const cacheDir = join(dir, "cache");
    assert.equal(load(file, cacheDir), { fromCache: false, answer: 42, base: "m.js", same: true });
    assert.is((await readdir(cacheDir)).filter((f) => f.endsWith(".v8cache")).length, 1);
    assert.equal(load(file, cacheDir), { fromCache: true, answer: 42, base: "m.js", same: true });
  } finally {
    await removeTempDir(dir);
  }
});

test("a damaged cache is ignored and rewritten; a changed file gets its own cache; an unwritable folder is no error", async () => {
  const dir = await makeTempDir();
  try {
    const file = await moduleFile(dir);
    const cacheDir = join(dir, "cache");
    load(file, cacheDir);
    const [name] = await readdir(cacheDir);
    await writeFile(join(cacheDir, name!), "not a code cache");
    assert.is(load(file, cacheDir).fromCache, false);
    assert.is(load(file, cacheDir).fromCache, true);
    await writeFile(file, `exports.answer = () => 43;\nexports.base = "changed";\n`);
    assert.equal(load(file, cacheDir), { fromCache: false, answer: 43, base: "changed", same: true });
    const blocked = join(dir, "a-file");
    await writeFile(blocked, "");
    assert.is(load(file, join(blocked, "cache")).answer, 43);
  } finally {
    await removeTempDir(dir);
  }
});

test.run();
