/**
 * Makes packages the kernel ships (tsflow, @types/node) visible to the cell compiler from any notebook
 * folder, without writing anything there: file-system calls for `<cwd>/node_modules/<name>/...` are
 * answered from the kernel's own install. This is how a notebook outside the project type-checks
 * `import { Flow } from "tsflow"` and finds `console` (tslab issue #61).
 */
import { posix } from "node:path";

/** The file-system calls of a TypeScript `System` that module and type-root resolution use. */
export interface SysLike {
  fileExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  directoryExists(path: string): boolean;
  getDirectories(path: string): string[];
}

/** A package to show under `<cwd>/node_modules/<name>`. */
export interface OverlayPackage {
  /** The package name, e.g. `tsflow` or `@types/node`. */
  name: string;
  /** The real directory holding the package (forward slashes). */
  root: string;
  /** When set, `package.json` is replaced by one whose `types` is this path (relative to root). */
  types?: string;
}

/** Patches `sys` in place so each package appears under `<cwd>/node_modules`. */
export function overlayPackages(sys: SysLike, cwd: string, packages: readonly OverlayPackage[]): void {
  const nodeModules = posix.join(cwd, "node_modules");
  const mounts = packages.map((p) => ({ ...p, at: posix.join(nodeModules, p.name) }));
  const virtualDirs = new Set<string>([nodeModules]);
  for (const m of mounts) for (let d = posix.dirname(m.at); d.startsWith(nodeModules); d = posix.dirname(d)) virtualDirs.add(d);
  const real = { fileExists: sys.fileExists, readFile: sys.readFile, directoryExists: sys.directoryExists, getDirectories: sys.getDirectories };

  const locate = (path: string): { mount: (typeof mounts)[number]; rel: string } | undefined => {
    for (const mount of mounts) {
      if (path === mount.at) return { mount, rel: "" };
      if (path.startsWith(`${mount.at}/`)) return { mount, rel: path.slice(mount.at.length + 1) };
    }
    return undefined;
  };
  const syntheticJson = (m: OverlayPackage): string => JSON.stringify({ name: m.name, version: "0.0.0", types: m.types });

  sys.fileExists = (path) => {
    const hit = locate(path);
    if (!hit) return real.fileExists.call(sys, path);
    if (hit.rel === "package.json" && hit.mount.types) return true;
    return real.fileExists.call(sys, posix.join(hit.mount.root, hit.rel));
  };
  sys.readFile = (path, encoding) => {
    const hit = locate(path);
    if (!hit) return real.readFile.call(sys, path, encoding);
    if (hit.rel === "package.json" && hit.mount.types) return syntheticJson(hit.mount);
    return real.readFile.call(sys, posix.join(hit.mount.root, hit.rel), encoding);
  };
  sys.directoryExists = (path) => {
    if (virtualDirs.has(path)) return true;
    const hit = locate(path);
    if (!hit) return real.directoryExists.call(sys, path);
    return real.directoryExists.call(sys, posix.join(hit.mount.root, hit.rel));
  };
  sys.getDirectories = (path) => {
    const hit = locate(path);
    if (hit) return real.getDirectories.call(sys, posix.join(hit.mount.root, hit.rel));
    const own = real.directoryExists.call(sys, path) ? real.getDirectories.call(sys, path) : [];
    const extra = mounts.filter((m) => posix.dirname(m.at) === path).map((m) => posix.basename(m.at));
    return [...new Set([...own, ...extra])];
  };
}

/** True when `<dir or an ancestor>/node_modules/@types/node` exists: then nothing needs to be overlaid. */
export function hasNodeTypes(sys: Pick<SysLike, "fileExists">, cwd: string): boolean {
  for (let dir = cwd; ; dir = posix.dirname(dir)) {
    if (sys.fileExists(posix.join(dir, "node_modules/@types/node/package.json"))) return true;
    if (posix.dirname(dir) === dir) return false;
  }
}
