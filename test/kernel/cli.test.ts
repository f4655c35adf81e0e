import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Command } from "commander";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { registerKernelCommands } from "../../kernel/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

/** Runs `tsflow <args>` against a fresh program; returns what it printed and the error, if any. */
async function cli(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command("tsflow").exitOverride();
  let err = "";
  program.configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
  registerKernelCommands(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    err ||= (e as Error).message;
  } finally {
    console.log = log;
  }
  return { out: lines.join("\n"), err };
}

let dir = "";
const k = suite("registerKernelCommands");
k.before.each(async () => {
  dir = await makeTempDir("tsflow-kcli-");
  process.env["JUPYTER_PATH"] = join(dir, "nothing");
  process.env["JUPYTER_DATA_DIR"] = join(dir, "user");
});
k.after.each(async () => {
  await removeTempDir(dir);
});
k("should install, list and uninstall a kernelspec under --prefix", async () => {
  const installed = await cli(["kernel", "install", "--prefix", dir, "--name", "tsflow-x"]);
  assert.match(installed.out, /Installed kernelspec 'tsflow-x' \(TypeScript \(tsflow\)\) in /);
  const spec = JSON.parse(await readFile(join(dir, "share/jupyter/kernels/tsflow-x/kernel.json"), "utf8"));
  assert.is(spec.display_name, "TypeScript (tsflow)");
  assert.match((await cli(["kernel", "list", "--prefix", dir])).out, /^\* tsflow-x\s+\S+tsflow-x$/m);
  assert.match((await cli(["kernel", "uninstall", "--prefix", dir, "--name", "tsflow-x"])).out, /^Removed .*tsflow-x$/);
  assert.match((await cli(["kernel", "uninstall", "--prefix", dir, "--name", "tsflow-x"])).err, /no tsflow kernelspec named 'tsflow-x'/);
});
k("should install for the user by default and refuse --user with --prefix", async () => {
  assert.match((await cli(["kernel", "install"])).out, new RegExp(`in ${join(dir, "user", "kernels", "tsflow")}$`));
  assert.match((await cli(["kernel", "install", "--user", "--prefix", dir])).err, /choose either --user or --prefix/);
});
k("should keep the start command hidden", async () => {
  const program = new Command("tsflow");
  const kernel = registerKernelCommands(program);
  assert.match(kernel.helpInformation(), /install/);
  assert.not.match(kernel.helpInformation(), /^\s+start\b/m);
});
k.run();
