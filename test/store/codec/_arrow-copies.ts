/**
 * Other copies of apache-arrow than tsflow's own (its ES module build), as users load them: the
 * package's CommonJS build (what a flow file loaded through tsx's CommonJS hooks imports) and the ES
 * module build of a second installation (copied into a temporary node_modules).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { installArrowCopy } from "../../_helpers/arrow-copy.js";

type Arrow = typeof import("apache-arrow");

const require = createRequire(import.meta.url);

/** The package's CommonJS build. */
export const cjsArrow = require("apache-arrow") as Arrow;

/**
 * Installs a second copy of apache-arrow under `dir/node_modules` and imports its ES module build.
 * @param dir - a temporary folder.
 */
export async function importSecondInstallation(dir: string): Promise<Arrow> {
  const copy = await installArrowCopy(join(dir, "node_modules"));
  return (await import(pathToFileURL(join(copy, "Arrow.node.mjs")).href)) as Arrow;
}

export { everyTypeTable } from "../../_fixtures/arrow/every-type-table.js";
