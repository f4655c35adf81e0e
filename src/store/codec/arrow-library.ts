/**
 * Which copy of apache-arrow made a table. A process can hold several: tsflow's bundle imports the
 * package's ES module build, a flow file loaded through tsx's CommonJS hooks (or a user's own
 * `require`) gets its CommonJS build, and a user may install another version. The copies share the
 * registered symbols (`isArrowTable` and `instanceof Table` hold across them) but not their type
 * classes: one copy's IPC writer cannot recognise another copy's `DataType`s and writes them as
 * nothing, which is how damaged files came to be stored (issue 15). So a table is always written by
 * the writer of the copy that made it.
 */
import { createRequire } from "node:module";
import * as own from "apache-arrow";
import { refusal, renderPath, type ArtifactContext } from "./refusal.js";

/** The apache-arrow module: tsflow's own copy or another one loaded in this process. */
export type ArrowLibrary = typeof own;

const require = createRequire(import.meta.url);

/** tsflow's own copy of apache-arrow (its ES module build). */
export const ownArrow: ArrowLibrary = own;

/**
 * Finds the copy of apache-arrow that made `table`: tsflow's own, or a copy loaded through
 * `require` (a CommonJS build, the package's or another version), found in the module cache by its
 * `Table` class.
 * @param table - an object for which `isArrowTable` holds.
 * @param ctx - the artifact and step, for the refusal.
 * @throws ArtifactError when the copy is loaded some other way (an ES module build of another
 *   installation), which tsflow cannot reach to write the table with.
 */
export function arrowLibraryOf(table: object, ctx: ArtifactContext): ArrowLibrary {
  const ctor = (Object.getPrototypeOf(table) as { constructor?: unknown } | null)?.constructor;
  if (ctor === own.Table) return own;
  for (const entry of Object.values(require.cache)) {
    const lib = entry?.exports as Partial<ArrowLibrary> | undefined;
    if (lib && lib.Table === ctor && typeof lib.RecordBatchFileWriter === "function") return lib as ArrowLibrary;
  }
  throw refusal(
    ctx,
    renderPath(ctx, []),
    "is a Table made by a copy of apache-arrow that tsflow cannot write with (an ES module build of another installation)",
    "Import apache-arrow from the installation tsflow uses (one version in the project: `npm ls apache-arrow`, " +
      "`npm dedupe`), or rebuild the table with that copy before storing.",
  );
}
