/**
 * Runs a user's script (`tsflow exec script.ts`) in this process, with the library already loaded:
 * the script is an ES module (top-level `await` works); TypeScript is compiled by the module hooks
 * of `script-hooks.ts`, and the script's `import ... from "tsflow"` is this library.
 */
import { register } from "node:module";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { UsageError } from "../util/errors.js";
import type { ScriptHooksData } from "./script-hooks.js";

/** Options of `runScript`. */
export interface RunScriptOptions {
  /** The script's arguments (`process.argv.slice(2)` inside it). @default [] */
  args?: string[];
  /** Where compiled scripts are cached. @default `$TMPDIR/tsflow-exec-<uid>` */
  cacheDir?: string;
}

let registered = false;

/** Checks that a script exists; returns its absolute path. @throws UsageError when it does not. */
export function resolveScript(file: string): string {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new UsageError(`No such script: ${file}. Give the path of a .ts, .mts, .js or .mjs file.`);
  return abs;
}

/**
 * Imports `file` as the main script: `process.argv` is `[node, file, ...args]` while it runs.
 * Resolves when the script's top level has run.
 * @throws UsageError when the file does not exist; whatever the script throws.
 */
export async function runScript(file: string, o: RunScriptOptions = {}): Promise<void> {
  const abs = resolveScript(file);
  const library = import.meta.resolve("tsflow");
  // Loaded before the hooks exist, the library and its chunks are not re-read through them.
  await import(library);
  if (!registered) {
    const data: ScriptHooksData = { library, cacheDir: o.cacheDir ?? path.join(tmpdir(), `tsflow-exec-${userInfo().uid}`) };
    register(hooksUrl(), { data });
    registered = true;
  }
  // Errors in the script point at its TypeScript lines (the compiled code carries a source map).
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0]!, abs, ...(o.args ?? [])];
  await import(pathToFileURL(abs).href);
}

function hooksUrl(): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./script-hooks${ext}`, import.meta.url);
}
