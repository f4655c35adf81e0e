/**
 * Finds and loads the tsflow library the kernel serves to cells: the same module instance the magics
 * use, and the folder whose typings the cell compiler sees as `tsflow`. The kernel still starts
 * (without tsflow) when the library cannot be loaded, e.g. in a checkout that was not built.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { log } from "./log.js";

/** Where the library is installed. */
export interface LibraryLocation {
  /** The package folder. */
  root: string;
  /** The typings entry relative to `root`, when built. */
  types: string | undefined;
}

const TYPES_ENTRY = "dist/src/index.d.ts";
// A variable, so that type-checking the kernel does not need the library built.
const SPECIFIER: string = "tsflow";
const require = createRequire(import.meta.url);

/** Finds the library's folder and typings without loading it. */
export function locateLibrary(): LibraryLocation | undefined {
  try {
    const root = dirname(require.resolve(`${SPECIFIER}/package.json`));
    return { root, types: existsSync(join(root, TYPES_ENTRY)) ? TYPES_ENTRY : undefined };
  } catch {
    return undefined;
  }
}

/** Imports `tsflow` through its public entry; resolves undefined (and logs why) when that fails. */
export async function importLibrary(): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(SPECIFIER)) as Record<string, unknown>;
  } catch (err) {
    log("warn", `the tsflow library is not available to cells: ${(err as Error).message}`);
    return undefined;
  }
}

/** A package the library imports that cells may import too, and must then share with it. */
export interface SharedPackage {
  name: string;
  /** The package folder (for the cell compiler's typings). */
  root: string;
  /** The file `import` loads (the ESM build). */
  esmEntry: string;
}

/** The dual CommonJS/ESM packages whose objects cross between cells and the library. */
export function sharedPackages(names: readonly string[] = ["apache-arrow"]): SharedPackage[] {
  const found: SharedPackage[] = [];
  for (const name of names) {
    try {
      const esmEntry = fileURLToPath(import.meta.resolve(name));
      found.push({ name, root: packageRootOf(esmEntry), esmEntry });
    } catch {
      // Not installed: cells resolve it (or not) on their own.
    }
  }
  return found;
}

// Some packages' "exports" hide their package.json, so the root is found from the entry file.
function packageRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) || dirname(dir) === dir) return dir;
  }
}

/** The folder of the kernel's own `@types/node`, for notebooks outside any project. */
export function nodeTypesRoot(): string | undefined {
  try {
    return dirname(require.resolve("@types/node/package.json"));
  } catch {
    return undefined;
  }
}

/** The version in tsflow's package.json. */
export function kernelVersion(): string {
  try {
    return (require(`${SPECIFIER}/package.json`) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}
