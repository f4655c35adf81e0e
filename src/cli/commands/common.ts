/** Option helpers shared by the CLI's commands. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { getNamespace, useDatastore } from "../../client/index.js";
import { resolveDatastoreRoot } from "../../store/root.js";
import { DatastoreError, UsageError } from "../../util/errors.js";
import { assertNamespace } from "../../util/validate.js";

/** Collects a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parses a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`Expected a positive integer, got '${value}'.`);
  return n;
}

/**
 * The `--datastore-root` of a command that reads (undefined: the default root). A root given
 * explicitly, by the option or `TSFLOW_DATASTORE_ROOT`, must exist: only `run` and `deploy` create one.
 * @throws DatastoreError when it does not.
 */
export function readRoot(program: Command): string | undefined {
  const root = (program.opts() as { datastoreRoot?: string }).datastoreRoot;
  const given = root ?? process.env.TSFLOW_DATASTORE_ROOT;
  // Only a local folder can be checked here; a URL root (s3://...) says for itself whether it exists.
  if (given && !given.includes("://") && !existsSync(resolveDatastoreRoot(given))) {
    const how = root === undefined ? "TSFLOW_DATASTORE_ROOT" : "--datastore-root";
    throw new DatastoreError(
      `The datastore root ${resolveDatastoreRoot(given)} (${how}) does not exist: check the path, or create it by running a flow there with tsflow run.`,
    );
  }
  return root;
}

/** Points the client at `--datastore-root` when it was given; checks it exists (see `readRoot`). */
export function useRoot(program: Command): void {
  const root = readRoot(program);
  if (root) useDatastore(root);
}

/** The namespace `--namespace NS` / `--global` select, else the current (default) one. */
export function namespaceOption(opts: { namespace?: string; global?: boolean }): string | null {
  if (opts.global && opts.namespace !== undefined) throw new UsageError("Give --namespace or --global, not both.");
  if (opts.global) return null;
  return opts.namespace !== undefined ? assertNamespace(opts.namespace) : getNamespace();
}
