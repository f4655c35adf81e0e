/**
 * The module hooks `tsflow exec` loads a user's script through (Node's `module.register`; this file
 * runs in Node's hooks thread). `.ts`, `.mts` and `.tsx` files are ES modules compiled by esbuild,
 * as tsx compiles flow files, and kept in an on-disk cache by content, so a script that did not
 * change is not compiled again; the bare specifier `tsflow` resolves to the library the CLI already
 * loaded, also for a script outside any project that installs tsflow.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** What the CLI hands the hooks. */
export interface ScriptHooksData {
  /** The URL of the library's entry (the loaded one). */
  library: string;
  /** Where compiled scripts are cached. */
  cacheDir: string;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean };

const TYPESCRIPT = /\.m?tsx?$/;
const COMPILER_VERSION = "esbuild-esm-1";
let data: ScriptHooksData;

/** Receives the CLI's data once, before any hook runs. */
export function initialize(given: ScriptHooksData): void {
  data = given;
}

/** `tsflow` is the loaded library; in TypeScript files, `./x.js` may name `./x.ts` (NodeNext style). */
export async function resolve(specifier: string, context: ResolveContext, next: (s: string, c: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  if (specifier === "tsflow") return { url: data.library, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (err) {
    const fromTs = context.parentURL !== undefined && TYPESCRIPT.test(context.parentURL);
    if (!fromTs || !/^\.\.?\//.test(specifier) || !/\.m?jsx?$/.test(specifier)) throw err;
    return next(specifier.replace(/\.(m?)js(x?)$/, ".$1ts$2"), context).catch(() => Promise.reject(err));
  }
}

/** Compiles TypeScript files to ES modules; everything else loads as Node loads it. */
export async function load(url: string, context: object, next: (u: string, c: object) => Promise<Loaded>): Promise<Loaded> {
  if (!url.startsWith("file:") || !TYPESCRIPT.test(url)) return next(url, context);
  const file = fileURLToPath(url);
  return { format: "module", source: await compiled(file), shortCircuit: true };
}

async function compiled(file: string): Promise<string> {
  const [source, tsconfig] = await Promise.all([readFile(file, "utf8"), nearestTsconfig(path.dirname(file))]);
  const key = createHash("sha256")
    .update(`${COMPILER_VERSION}\0${file}\0${tsconfig ?? ""}\0${source}`)
    .digest("hex");
  const cached = path.join(data.cacheDir, `${key}.mjs`);
  const hit = await readFile(cached, "utf8").catch(() => undefined);
  if (hit !== undefined) return hit;
  const { transform } = await import("esbuild");
  const { code } = await transform(source, {
    loader: file.endsWith("x") ? "tsx" : "ts",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcefile: file,
    sourcemap: "inline",
    ...(tsconfig ? { tsconfigRaw: tsconfig } : {}),
  });
  await store(cached, code);
  return code;
}

// A cache that cannot be written only costs the next run a compile.
async function store(file: string, code: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, code);
    await rename(tmp, file);
  } catch {
    // not cached
  }
}

// The compiler options that change the output (decorators, class fields, JSX) come from the
// script's nearest tsconfig.json, as tsx reads it.
async function nearestTsconfig(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    const text = await readFile(path.join(d, "tsconfig.json"), "utf8").catch(() => undefined);
    if (text !== undefined) return text;
    if (path.dirname(d) === d) return undefined;
  }
}
