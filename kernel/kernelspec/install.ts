/**
 * Installs, finds and removes tsflow kernelspecs by writing `kernel.json` files directly (no Python,
 * no `jupyter kernelspec` command needed).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildKernelSpec, isTsflowSpec, KERNEL_NAME, type KernelSpec } from "./kernel-spec.js";
import { jupyterDataPath, kernelDir, prefixDataDir, userDataDir } from "./paths.js";

/** Where to install or look. Without `prefix`, the user data dir is used. */
export interface SpecLocationOptions {
  /** Install under `<prefix>/share/jupyter/kernels`. */
  prefix?: string;
  /** The kernelspec name. @default "tsflow" */
  name?: string;
}

/** Options of `installKernelSpec`. */
export interface InstallOptions extends SpecLocationOptions {
  /** The tsflow version recorded in the spec. @default "0.0.0" */
  version?: string;
  /** The command line; `{connection_file}` is replaced by Jupyter. @default kernelCommand() */
  argv?: string[];
}

/** A kernelspec found on disk. */
export interface FoundKernelSpec {
  name: string;
  dir: string;
  spec: Partial<KernelSpec>;
  isTsflow: boolean;
}

/** Writes the kernelspec and returns where it went. */
export async function installKernelSpec(options: InstallOptions = {}): Promise<FoundKernelSpec> {
  const name = checkName(options.name ?? "tsflow");
  const dir = kernelDir(options.prefix ? prefixDataDir(options.prefix) : userDataDir(), name);
  const spec = buildKernelSpec(options.version ?? "0.0.0", options.argv);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.kernel.json.${process.pid}`);
  await writeFile(tmp, `${JSON.stringify(spec, null, 2)}\n`);
  await rename(tmp, join(dir, "kernel.json"));
  return { name, dir, spec, isTsflow: true };
}

/** Every kernelspec Jupyter would see (first of a name wins), plus those under `prefix` if given. */
export async function listKernelSpecs(prefix?: string): Promise<FoundKernelSpec[]> {
  const dataDirs = [...(prefix ? [prefixDataDir(prefix)] : []), ...jupyterDataPath()];
  const found = new Map<string, FoundKernelSpec>();
  for (const dataDir of dataDirs) {
    for (const name of await safeReaddir(join(dataDir, "kernels"))) {
      if (found.has(name)) continue;
      const spec = await readSpec(kernelDir(dataDir, name));
      if (spec) found.set(name, { name, dir: kernelDir(dataDir, name), spec, isTsflow: isTsflowSpec(spec) });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Removes the tsflow kernelspec `name` (from `prefix`, or from every place Jupyter looks). Refuses to
 * remove a kernelspec that tsflow did not write. Returns the removed folders.
 */
export async function uninstallKernelSpec(options: SpecLocationOptions = {}): Promise<string[]> {
  const name = checkName(options.name ?? "tsflow");
  const dataDirs = options.prefix ? [prefixDataDir(options.prefix)] : jupyterDataPath();
  const removed: string[] = [];
  for (const dataDir of dataDirs) {
    const dir = kernelDir(dataDir, name);
    const spec = await readSpec(dir);
    if (spec === undefined) continue;
    if (!isTsflowSpec(spec)) throw new Error(`the kernelspec in ${dir} was not installed by tsflow; remove it with Jupyter's own tools`);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  if (removed.length === 0) throw new Error(`no tsflow kernelspec named '${name}' in ${dataDirs.join(", ")}`);
  return removed;
}

function checkName(name: string): string {
  if (!KERNEL_NAME.test(name)) throw new Error(`invalid kernel name '${name}': use letters, digits, '.', '_' and '-'`);
  return name;
}

async function readSpec(dir: string): Promise<Partial<KernelSpec> | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "kernel.json"), "utf8")) as Partial<KernelSpec>;
  } catch {
    return undefined;
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
