/** A second installation of apache-arrow, as a user's own version would be: a real copy, not a link. */
import { cp, mkdir, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * Copies this checkout's apache-arrow into `modules` (a node_modules folder) and links its
 * dependencies beside it.
 * @returns the copy's folder.
 */
export async function installArrowCopy(modules: string): Promise<string> {
  const pkg = dirname(require.resolve("apache-arrow")); // its "exports" hide package.json
  const copy = join(modules, "apache-arrow");
  await mkdir(modules, { recursive: true });
  await cp(pkg, copy, { recursive: true });
  for (const dep of ["flatbuffers", "tslib", "json-with-bigint"]) {
    await symlink(join(dirname(pkg), dep), join(modules, dep), "dir"); // hoisted beside apache-arrow
  }
  return copy;
}
