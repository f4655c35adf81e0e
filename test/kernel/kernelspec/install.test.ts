import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { join, isAbsolute } from "node:path";
import { installKernelSpec, listKernelSpecs, uninstallKernelSpec } from "../../../kernel/kernelspec/install.js";
import { buildKernelSpec } from "../../../kernel/kernelspec/kernel-spec.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

let dir: string;
const install = suite("installKernelSpec");
install.before.each(async () => {
  dir = await makeTempDir("tsflow-kspec-");
  process.env["JUPYTER_DATA_DIR"] = join(dir, "user");
  process.env["JUPYTER_PATH"] = join(dir, "share", "jupyter");
});
install.after.each(async () => {
  await removeTempDir(dir);
});
install("should write kernel.json with absolute node and entry paths under the prefix", async () => {
  const found = await installKernelSpec({ prefix: dir, version: "1.2.3" });
  assert.is(found.dir, join(dir, "share", "jupyter", "kernels", "tsflow"));
  const spec = JSON.parse(await readFile(join(found.dir, "kernel.json"), "utf8"));
  assert.is(spec.display_name, "TypeScript (tsflow)");
  assert.is(spec.language, "typescript");
  assert.is(spec.argv[0], process.execPath);
  assert.ok(spec.argv.slice(0, -1).every((a: string) => !a.endsWith(".ts") || isAbsolute(a)));
  assert.is(spec.argv.at(-1), "{connection_file}");
  assert.is(spec.metadata.tsflow.version, "1.2.3");
  assert.not.ok(spec.argv.some((a: string) => /python/.test(a)));
});
install("should install into the user data dir by default, and refuse bad names", async () => {
  const found = await installKernelSpec({ name: "ts-2" });
  assert.is(found.dir, join(dir, "user", "kernels", "ts-2"));
  try {
    await installKernelSpec({ name: "bad/name" });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /invalid kernel name 'bad\/name'/);
  }
});
install("should list tsflow and foreign kernelspecs and uninstall only its own", async () => {
  await installKernelSpec({ prefix: dir });
  await mkdir(join(dir, "share", "jupyter", "kernels", "python3"), { recursive: true });
  await writeFile(
    join(dir, "share", "jupyter", "kernels", "python3", "kernel.json"),
    JSON.stringify({ argv: ["python3"], display_name: "Python 3", language: "python" }),
  );
  const listed = await listKernelSpecs();
  assert.equal(
    listed.filter((k) => k.dir.startsWith(dir)).map((k) => [k.name, k.isTsflow]),
    [
      ["python3", false],
      ["tsflow", true],
    ],
  );
  try {
    await uninstallKernelSpec({ prefix: dir, name: "python3" });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /was not installed by tsflow/);
  }
  assert.equal(await uninstallKernelSpec({ prefix: dir }), [join(dir, "share", "jupyter", "kernels", "tsflow")]);
  try {
    await uninstallKernelSpec({ prefix: dir });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /no tsflow kernelspec named 'tsflow'/);
  }
});
install.run();

const spec = suite("buildKernelSpec");
spec("should use signal interrupts and the given argv", () => {
  const s = buildKernelSpec("0.1.0", ["/usr/bin/node", "/opt/k/main.js", "{connection_file}"]);
  assert.equal(s, {
    argv: ["/usr/bin/node", "/opt/k/main.js", "{connection_file}"],
    display_name: "TypeScript (tsflow)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { tsflow: { version: "0.1.0" } },
  });
});
spec.run();
