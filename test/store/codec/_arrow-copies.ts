/**
 * Other copies of apache-arrow than tsflow's own (its ES module build), as users load them: the
 * package's CommonJS build (what a flow file loaded through tsx's CommonJS hooks imports) and the ES
 * module build of a second installation (copied into a temporary node_modules).
 */
import { cp, mkdir, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

type Arrow = typeof import("apache-arrow");

const require = createRequire(import.meta.url);

/** The package's CommonJS build. */
export const cjsArrow = require("apache-arrow") as Arrow;

/**
 * Installs a second copy of apache-arrow under `dir/node_modules` and imports its ES module build.
 * @param dir - a temporary folder.
 */
export async function importSecondInstallation(dir: string): Promise<Arrow> {
  const pkg = dirname(require.resolve("apache-arrow")); // its "exports" hide package.json
  const modules = join(dir, "node_modules");
  await mkdir(modules, { recursive: true });
  await cp(pkg, join(modules, "apache-arrow"), { recursive: true });
  for (const dep of ["flatbuffers", "tslib", "json-with-bigint"]) {
    await symlink(join(dirname(pkg), dep), join(modules, dep), "dir"); // hoisted beside apache-arrow
  }
  return (await import(pathToFileURL(join(modules, "apache-arrow", "Arrow.node.mjs")).href)) as Arrow;
}

/**
 * A table with one column of each type the README promises (Int, Float, Utf8, Bool, Timestamp,
 * Dictionary, List, Struct), nulls included, made with the given copy of apache-arrow.
 */
export function everyTypeTable(arrow: Arrow): import("apache-arrow").Table<any> {
  const { Bool, Dictionary, Field, Float64, Int32, List, Struct, Table, TimestampMillisecond, Utf8, vectorFromArray } = arrow;
  return new Table({
    int: vectorFromArray([1, 2, null], new Int32()),
    float: vectorFromArray([0.5, null, 2.5], new Float64()),
    text: vectorFromArray(["a", "名前", null], new Utf8()),
    flag: vectorFromArray([true, null, false], new Bool()),
    at: vectorFromArray([0, 1.7e12, null], new TimestampMillisecond()),
    city: vectorFromArray(["paris", null, "paris"], new Dictionary(new Utf8(), new Int32())),
    tags: vectorFromArray([[1, 2], [], null], new List(new Field("item", new Int32(), true))),
    point: vectorFromArray([{ x: 1, label: "a" }, null, { x: 3, label: null }],
      new Struct([new Field("x", new Int32(), true), new Field("label", new Utf8(), true)])),
  });
}
