/**
 * The per-user cache folder of a datastore root that is not on a local file system (an `s3://`
 * root): the run index's copy of the shared snapshot, its sync cursor, and the artifacts read from
 * the root. Everything in it is derived and can be deleted at any time.
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import * as path from "node:path";

/**
 * The base cache folder: `TSFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/tsflow`, else `~/.cache/tsflow`.
 * @param env the environment to read.
 */
export function cacheBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSFLOW_CACHE_DIR) return path.resolve(env.TSFLOW_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), ".cache"), "tsflow");
}

/**
 * The cache folder of one datastore root: `<base>/<first 16 hex of sha256(location)>`, so roots
 * never share a cache and the same root always finds its own.
 * @param location the root's `Storage.location` (a URL such as `s3://bucket/prefix`).
 */
export function rootCacheDir(location: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash("sha256").update(location).digest("hex").slice(0, 16);
  return path.join(cacheBaseDir(env), hash);
}
