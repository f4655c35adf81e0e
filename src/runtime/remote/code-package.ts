/**
 * A run's code package: the flow file and every local module it imports, bundled by esbuild into one
 * ES module stored in the datastore under its SHA-256 (`code/<sha>.mjs`). Remote workers fetch it
 * once into a local cache and run exactly that version, whatever happens to the launcher's files.
 * `tsflow` and `apache-arrow` stay imports, resolved to the worker's own installation, so a task and
 * the library it runs in share one copy of each (two copies of apache-arrow corrupt IPC writes).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type { Storage } from "../../store/storage.js";
import { keys } from "../../store/layout.js";
import { FlowFileError } from "../../util/errors.js";
import { tempName } from "../../store/temp-name.js";

/** Imports a code package leaves to the worker's installation. */
export const SHARED_PACKAGES = ["tsflow", "apache-arrow"] as const;

/** A stored code package: what a worker needs to load the flow. */
export interface CodePackage {
  /** SHA-256 of the bundle's bytes (its key in the datastore). */
  sha: string;
  /** The flow class the package exports. */
  className: string;
  /** The flow file it was built from, for messages. */
  source: string;
}

/**
 * The code a run executes, for a remote executor to package: a flow file, or the source of a module
 * that exports the flow class (what the notebook kernel assembles from the cells that define a flow).
 */
export type FlowCode =
  | { file: string }
  | {
      /** TypeScript (or JavaScript) of an ES module exporting the flow class. */
      source: string;
      /** The folder its relative imports and packages resolve from (a notebook's folder). */
      resolveDir: string;
      /** A file name for messages, e.g. `notebook cells of FanFlow`. @default "flow source" */
      name?: string;
    };

/** Bundles the flow's code and stores it (once per content) in the datastore; returns its address. */
export async function storeCodePackage(storage: Storage, code: FlowCode, className: string): Promise<CodePackage> {
  const bytes = await bundleFlowCode(code);
  const sha = createHash("sha256").update(bytes).digest("hex");
  await storage.write(keys.codePackage(sha), bytes, { ifAbsent: true });
  return { sha, className, source: codeName(code) };
}

/** The flow's code and its local imports as one ES module's bytes. @throws FlowFileError when it cannot be bundled */
export async function bundleFlowCode(code: FlowCode): Promise<Uint8Array> {
  const name = codeName(code);
  // Loaded here, not at the top: a task process that only fetches packages never pays for esbuild.
  const { build } = await import("esbuild");
  try {
    const out = await build({
      ...("file" in code
        ? // Legacy or standard decorators, as the file's own tsconfig says (tsx does the same).
          { entryPoints: [code.file], absWorkingDir: path.dirname(path.resolve(code.file)) }
        : // Notebook cells are compiled with legacy decorators (tslab's setting), so the bundle is too.
          {
            stdin: { contents: code.source, resolveDir: code.resolveDir, loader: "ts" as const, sourcefile: name },
            absWorkingDir: code.resolveDir,
            tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
          }),
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      external: [...SHARED_PACKAGES, ...SHARED_PACKAGES.map((p) => `${p}/*`)],
      logLevel: "silent",
      legalComments: "none",
      banner: { js: "import { createRequire as __tsflowCreateRequire } from 'node:module'; const require = __tsflowCreateRequire(import.meta.url);" },
    });
    return out.outputFiles[0]!.contents;
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    throw new FlowFileError(`Cannot package ${name} for remote workers: ${first?.text ?? (err as Error).message}${where}.`, { cause: err });
  }
}

function codeName(code: FlowCode): string {
  return "file" in code ? path.basename(code.file) : (code.name ?? "flow source");
}

/**
 * The local path of a code package, fetched into `cacheDir` on first use. The cache holds a
 * `node_modules` of links to this worker's `tsflow` and `apache-arrow`, so the bundle's imports
 * resolve to the library that runs it.
 */
export async function fetchCodePackage(storage: Storage, sha: string, cacheDir = defaultCodeCache()): Promise<string> {
  const file = path.join(cacheDir, `${sha}.mjs`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  linkSharedPackages(cacheDir);
  const bytes = await storage.read(keys.codePackage(sha));
  if (!bytes)
    throw new FlowFileError(
      `The run's code package ${sha.slice(0, 12)} is not in the datastore ${storage.location}: the launcher stored it before queueing tasks, so this worker is on another root (check --datastore-root / TSFLOW_DATASTORE_ROOT).`,
    );
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== sha) throw new FlowFileError(`The code package ${sha.slice(0, 12)} in ${storage.location} is damaged (its bytes hash to ${got.slice(0, 12)}).`);
  const tmp = tempName(file);
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}

/** Where workers cache code packages: `$TSFLOW_CACHE_DIR/code`, else `~/.cache/tsflow/code`. */
export function defaultCodeCache(): string {
  const base = process.env.TSFLOW_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "tsflow");
  return path.join(base, "code");
}

function linkSharedPackages(cacheDir: string): void {
  const modules = path.join(cacheDir, "node_modules");
  mkdirSync(modules, { recursive: true });
  const present = new Set(readdirSync(modules));
  for (const name of SHARED_PACKAGES) {
    if (present.has(name)) continue;
    try {
      symlinkSync(packageRoot(name), path.join(modules, name), "dir");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

const require = createRequire(import.meta.url);

// The folder of a package as this copy of tsflow resolves it (tsflow itself: this package's root).
function packageRoot(name: string): string {
  const start = name === "tsflow" ? fileURLToPath(import.meta.url) : require.resolve(name);
  for (let dir = path.dirname(start); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === name) return dir;
  }
  throw new Error(`cannot find the folder of the package '${name}' from ${start}`);
}
