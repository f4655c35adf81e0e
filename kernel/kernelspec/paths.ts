/**
 * Where Jupyter looks for kernelspecs, computed the way jupyter_core does it but without Python:
 * `$JUPYTER_PATH` entries, the user data dir, then the system dirs.
 */
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** The environment and platform the paths depend on (injectable for tests). */
export interface PathContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

const here = (): PathContext => ({ env: process.env, platform: process.platform, home: homedir() });

/** The per-user Jupyter data dir (what `--user` installs into). */
export function userDataDir(ctx: PathContext = here()): string {
  if (ctx.env["JUPYTER_DATA_DIR"]) return ctx.env["JUPYTER_DATA_DIR"];
  if (ctx.platform === "darwin") return join(ctx.home, "Library", "Jupyter");
  if (ctx.platform === "win32") return join(ctx.env["APPDATA"] ?? join(ctx.home, "AppData", "Roaming"), "jupyter");
  return join(ctx.env["XDG_DATA_HOME"] || join(ctx.home, ".local", "share"), "jupyter");
}

/** The Jupyter data dir under an installation prefix (what `--prefix DIR` installs into). */
export function prefixDataDir(prefix: string): string {
  return join(prefix, "share", "jupyter");
}

/** Every data dir Jupyter searches, in its order of precedence. */
export function jupyterDataPath(ctx: PathContext = here()): string[] {
  const fromEnv = (ctx.env["JUPYTER_PATH"] ?? "").split(delimiter).filter(Boolean);
  const system = ctx.platform === "win32" ? [join(ctx.env["PROGRAMDATA"] ?? "C:\\ProgramData", "jupyter")] : ["/usr/local/share/jupyter", "/usr/share/jupyter"];
  return [...new Set([...fromEnv, userDataDir(ctx), ...system])];
}

/** The folder holding one kernelspec. */
export function kernelDir(dataDir: string, name: string): string {
  return join(dataDir, "kernels", name);
}
