/**
 * Loads a flow file (`.ts` runs without a build step, through tsx's loader) and finds its flow
 * class: the exported `FlowSpec` subclass, or the one named with `--flow`.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { FlowSpec } from "../flow/flow-spec.js";
import type { FlowClass } from "../flow/graph.js";
import { FlowFileError } from "../util/errors.js";

/** A loaded flow file. */
export interface LoadedFlow {
  flowClass: FlowClass;
  /** Absolute path of the file. */
  file: string;
  /** Step docs (the JSDoc comment above each step), for `show` and the stored graph. */
  docs: Record<string, string>;
  /** The class's own doc. */
  doc?: string;
}

const require = createRequire(import.meta.url);
let registered: "cjs" | "esm" | undefined;

/** Loads `file` and returns its flow class. @throws FlowFileError with what to fix */
export async function loadFlowFile(file: string, className?: string): Promise<LoadedFlow> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new FlowFileError(`No such flow file: ${file}. Give the path of a .ts file that exports a FlowSpec subclass.`);
  const mod = await importFile(abs);
  const flowClass = pickFlowClass(mod, abs, className);
  const source = readFileSync(abs, "utf8");
  return { flowClass, file: abs, docs: stepDocs(source), ...classDoc(source, flowClass.name) };
}

// tsx's CommonJS hooks load in-thread in ~50 ms (its ESM hooks start a loader thread: ~250 ms);
// a file that needs ESM (top-level await) falls back to the ESM hooks.
async function importFile(abs: string): Promise<Record<string, unknown>> {
  try {
    if (!/\.(c|m)?tsx?$/.test(abs)) return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    try {
      registered ??= registerCjs(abs);
      return require(abs) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ASYNC_MODULE") throw err;
      if (registered !== "esm") {
        (await import("tsx/esm/api")).register();
        registered = "esm";
      }
      return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    }
  } catch (err) {
    throw loadError(abs, err);
  }
}

function registerCjs(abs: string): "cjs" {
  preloadTsflow(abs);
  (require("tsx/cjs/api") as { register: () => void }).register();
  return "cjs";
}

// Loaded before tsx's hooks exist, the flow's `import "tsflow"` finds the library in the module
// cache, instead of tsx re-compiling the bundle (~100 ms) into a second copy of it.
function preloadTsflow(abs: string): void {
  try {
    require(createRequire(abs).resolve("tsflow"));
  } catch {
    // the flow file does not see tsflow from where it is: its own import will say so
  }
}

function loadError(abs: string, err: unknown): FlowFileError {
  const e = err as NodeJS.ErrnoException;
  const missing = /^Cannot find (?:module|package) '([^']+)'/.exec(e.message);
  if (missing && (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_MODULE_NOT_FOUND")) return missingImport(abs, missing[1]!, e);
  // Node's "Require stack" lists tsflow's own files (the bundle that loaded the flow): not the user's business.
  const detail = e.message
    .split("\n")
    .filter((l) => !/^Require stack:|^- /.test(l))
    .slice(0, 6)
    .join("\n");
  return new FlowFileError(`Cannot load flow file ${path.basename(abs)}: ${detail}`, { cause: err });
}

// The importer is the first file of the require stack (CommonJS) or named in the message (ESM).
function missingImport(abs: string, specifier: string, e: NodeJS.ErrnoException): FlowFileError {
  const stack = (e as { requireStack?: string[] }).requireStack;
  const importer = stack?.[0] ?? /imported from (.+)$/m.exec(e.message)?.[1] ?? abs;
  const from = path.relative(path.dirname(abs), importer) || path.basename(abs);
  const fix = /^[./]/.test(specifier)
    ? "Fix the import path (relative to the importing file)."
    : `Install it in the flow's project (npm install ${packageName(specifier)}) or fix the import.`;
  return new FlowFileError(`Cannot load flow file ${path.basename(abs)}: ${from} imports '${specifier}', which cannot be found. ${fix}`, { cause: e });
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function pickFlowClass(mod: Record<string, unknown>, abs: string, className?: string): FlowClass {
  const flows = Object.values(mod).filter((v): v is FlowClass => typeof v === "function" && (v as FlowClass).prototype instanceof FlowSpec);
  const unique = [...new Set(flows)];
  if (className) {
    const found = unique.find((f) => f.name === className);
    if (found) return found;
    throw new FlowFileError(`${path.basename(abs)} exports no flow named '${className}' (it exports: ${unique.map((f) => f.name).join(", ") || "none"}).`);
  }
  if (unique.length === 1) return unique[0]!;
  if (unique.length === 0) {
    throw new FlowFileError(
      `${path.basename(abs)} exports no flow: export a class that extends FlowSpec, e.g. \`export class MyFlow extends FlowSpec { ... }\`.`,
    );
  }
  throw new FlowFileError(`${path.basename(abs)} exports ${unique.length} flows (${unique.map((f) => f.name).join(", ")}): choose one with --flow <Name>.`);
}

/** The JSDoc comment right above each method, by method name. */
export function stepDocs(source: string): Record<string, string> {
  const docs: Record<string, string> = {};
  const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*(?:async\s+)?([A-Za-z_$][\w$]*)\s*\(/g;
  for (const m of source.matchAll(re)) docs[m[2]!] = cleanDoc(m[1]!);
  return docs;
}

function classDoc(source: string, name: string): { doc?: string } {
  const m = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export\\s+class\\s+${name}\\b`).exec(source);
  return m ? { doc: cleanDoc(m[1]!) } : {};
}

function cleanDoc(raw: string): string {
  return raw
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .filter(Boolean)
    .join(" ");
}
