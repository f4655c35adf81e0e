/**
 * The `tsflow kernel` command family, for the CLI to mount: `install [--user | --prefix DIR]
 * [--name NAME]`, `uninstall [--name NAME] [--prefix DIR]`, `list`, and the hidden `start <file>`.
 */
import type { Command } from "commander";
import { installKernelSpec, listKernelSpecs, uninstallKernelSpec } from "./kernelspec/install.js";
import { kernelVersion } from "./library.js";

interface LocationFlags {
  user?: boolean;
  prefix?: string;
  name: string;
}

/** Adds `kernel install|uninstall|list|start` to `program`. */
export function registerKernelCommands(program: Command): Command {
  const kernel = program.command("kernel").description("Install and manage the tsflow Jupyter kernel (TypeScript notebooks)");
  kernel
    .command("install")
    .description("Write the kernelspec 'TypeScript (tsflow)' so Jupyter can run this kernel")
    .option("--user", "install for the current user (the default)")
    .option("--prefix <dir>", "install under <dir>/share/jupyter/kernels (e.g. a virtualenv or a test dir)")
    .option("--name <name>", "the kernelspec name", "tsflow")
    .action(async (flags: LocationFlags) => {
      const location = checkLocation(kernel, flags);
      const found = await installKernelSpec({ ...location, name: flags.name, version: kernelVersion() });
      console.log(`Installed kernelspec '${found.name}' (${found.spec.display_name}) in ${found.dir}`);
    });
  kernel
    .command("uninstall")
    .description("Remove a kernelspec written by 'tsflow kernel install'")
    .option("--user", "only the user data dir")
    .option("--prefix <dir>", "only under <dir>/share/jupyter/kernels")
    .option("--name <name>", "the kernelspec name", "tsflow")
    .action(async (flags: LocationFlags) => {
      const removed = await fail(kernel, uninstallKernelSpec({ ...checkLocation(kernel, flags), name: flags.name }));
      for (const dir of removed) console.log(`Removed ${dir}`);
    });
  kernel
    .command("list")
    .description("List the kernelspecs Jupyter can see (tsflow ones are marked *)")
    .option("--prefix <dir>", "also look under <dir>/share/jupyter/kernels")
    .action(async (flags: { prefix?: string }) => {
      const specs = await listKernelSpecs(flags.prefix);
      const width = Math.max(4, ...specs.map((s) => s.name.length));
      for (const s of specs) console.log(`${s.isTsflow ? "*" : " "} ${s.name.padEnd(width)}  ${s.dir}`);
      if (specs.length === 0) console.log("no kernelspecs found");
    });
  kernel
    .command("start <connection_file>", { hidden: true })
    .description("Run the kernel (Jupyter does this)")
    .action(async (file: string) => {
      const { startKernel } = await import("./start.js");
      await startKernel(file);
    });
  return kernel;
}

function checkLocation(cmd: Command, flags: LocationFlags): { prefix?: string } {
  if (flags.user && flags.prefix) cmd.error("error: choose either --user or --prefix, not both");
  return flags.prefix ? { prefix: flags.prefix } : {};
}

async function fail<T>(cmd: Command, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    return cmd.error(`error: ${(err as Error).message}`);
  }
}
