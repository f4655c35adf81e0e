/**
 * Where the datastore root is: `--datastore-root` (an explicit option), else `TSFLOW_DATASTORE_ROOT`,
 * else the nearest `.tsflow` folder in the working directory or one of its parents, else `./.tsflow`
 * (created on first write, announced once on stderr).
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { Datastore } from "./datastore.js";
import { LocalStorage } from "./local-storage.js";
import { DatastoreError } from "../util/errors.js";

/** The folder name of a default datastore root. */
export const DEFAULT_ROOT_NAME = ".tsflow";

const opened = new Map<string, Datastore>();
// Information, not a problem: stdout, as Metaflow prints it.
let announce: (message: string) => void = (m) => process.stdout.write(`${m}\n`);

/** Resolves the datastore root directory to use, without creating it. */
export function resolveDatastoreRoot(explicit?: string, cwd = process.cwd()): string {
  const given = explicit ?? process.env.TSFLOW_DATASTORE_ROOT;
  if (given) return path.resolve(cwd, given);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEFAULT_ROOT_NAME);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(cwd, DEFAULT_ROOT_NAME);
}

/**
 * Opens (and caches per process) the datastore at a root; `create` makes the folder when it is
 * missing and says so once.
 */
export function openDatastore(root?: string, options: { create?: boolean } = {}): Datastore {
  const dir = resolveDatastoreRoot(root);
  if (options.create && !existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new DatastoreError(`Could not create the datastore root ${dir} (${(err as NodeJS.ErrnoException).code}). Choose a --datastore-root you can write to, or create it with the right permissions.`, { cause: err });
    }
    announce(`Creating local datastore in ${dir}`);
  }
  let ds = opened.get(dir);
  if (!ds) opened.set(dir, (ds = new Datastore(new LocalStorage(dir))));
  return ds;
}

/** Replaces where the one-time "Creating local datastore" notice goes (the kernel shows it in a cell). */
export function setRootAnnouncer(fn: (message: string) => void): void {
  announce = fn;
}
