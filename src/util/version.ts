/** The tsflow version, read once from the package's own package.json. */
import { readFileSync } from "node:fs";

function findVersion(): string {
  for (let url = new URL("./", import.meta.url); url.pathname !== "/"; url = new URL("../", url)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "tsflow" && pkg.version) return pkg.version;
    } catch {
      // not this folder: keep walking up
    }
  }
  return "0.0.0";
}

/** The version of this copy of tsflow (`tsflow_version:<v>` system tag). */
export const VERSION: string = findVersion();
