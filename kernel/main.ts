#!/usr/bin/env node
/**
 * The kernel entry named in the kernelspec: `node main.js <connection_file>` starts a kernel.
 * `node main.js install|uninstall|list ...` manages kernelspecs, like `tsflow kernel ...`.
 */
import { Command } from "commander";
import { startKernel } from "./start.js";
import { registerKernelCommands } from "./cli.js";

const args = process.argv.slice(2);
if (args.length === 1 && args[0]?.endsWith(".json")) {
  await startKernel(args[0]);
} else {
  const program = new Command("tsflow-kernel").description("The tsflow Jupyter kernel");
  registerKernelCommands(program);
  const kernel = program.commands.find((c) => c.name() === "kernel");
  await (kernel ?? program).parseAsync(args, { from: "user" });
}
