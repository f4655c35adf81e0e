/**
 * Finds and loads the tsflow library the kernel serves to cells: the same module instance the magics
 * use, and the folder whose typings the cell compiler sees as `tsflow`. The kernel still starts
 * (without tsflow) when the library cannot be loaded, e.g. in a checkout that was not built.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
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
