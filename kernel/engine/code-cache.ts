/**
 * Loads a large CommonJS file (the TypeScript compiler, 9 MB) with V8's code cache, so a kernel
 * start does not compile it again: the cache is written after the kernel's warm-up compile, when
 * V8 has compiled the functions a compile needs, and reused while the file, Node and the CPU
 * architecture stay the same (V8 rejects a cache that does not match; the file is then compiled as
 * usual and the cache rewritten). Node 22 has this built in (`module.enableCompileCache`); Node 20,
 * which tsflow supports, does not.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { Module, createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { log } from "../log.js";

/** A module loaded through the code cache. */
export interface CachedModule {
  /** What the module exports. */
  exports: unknown;
  /** True when V8 accepted the cached code (nothing was compiled from source). */
  fromCache: boolean;
  /** Writes the code cache if it was missing or rejected (call after warm-up); never throws. */
  save(): void;
}

/** Where the kernel keeps its code caches: `$TSFLOW_KERNEL_CACHE`, else `$XDG_CACHE_HOME/tsflow/kernel`, else `~/.cache/tsflow/kernel`. */
export function kernelCacheDir(): string {
  const env = process.env;
  if (env["TSFLOW_KERNEL_CACHE"]) return env["TSFLOW_KERNEL_CACHE"];
  return join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "tsflow", "kernel");
}

/**
 * Requires `file` (an absolute path to a CommonJS module) through the code cache in `cacheDir`, and
 * registers it in `require.cache`, so a later `require` of the same file (by another package) gets
 * this instance.
 */
export function requireWithCodeCache(file: string, cacheDir: string): CachedModule {
  const source = fs.readFileSync(file, "utf8");
  const stat = fs.statSync(file);
  const key = createHash("sha256")
    .update([file, stat.size, stat.mtimeMs, process.version, process.arch, process.versions.v8].join("\0"))
    .digest("hex")
    .slice(0, 32);
  const cacheFile = join(cacheDir, `${key}.v8cache`);
  const cachedData = readIfPresent(cacheFile);
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData && { cachedData }) });
  const fresh = !cachedData || script.cachedDataRejected === true;
  const mod = new Module(file, undefined);
  mod.filename = file;
  // The lookup paths of a module in `dir` (an internal of Node's loader, stable since Node 0.x).
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const requireFromFile = createRequire(file);
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, requireFromFile, mod, file, dirname(file));
  mod.loaded = true;
  (Module as unknown as { _cache: Record<string, Module> })._cache[file] = mod;
  return {
    exports: mod.exports,
    fromCache: !fresh,
    save() {
      if (!fresh) return;
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cacheFile}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch (err) {
        log("info", `could not write the code cache ${cacheFile}: ${(err as Error).message}`);
      }
    },
  };
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
