/** Option helpers shared by the CLI's commands. */
import type { Command } from "commander";
import { getNamespace, useDatastore } from "../../client/index.js";
import { UsageError } from "../../util/errors.js";
import { assertNamespace } from "../../util/validate.js";

/** Collects a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parses a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`Expected a positive integer, got '${value}'.`);
  return n;
}

/** Points the client at `--datastore-root` when it was given. */
export function useRoot(program: Command): void {
  const root = (program.opts() as { datastoreRoot?: string }).datastoreRoot;
  if (root) useDatastore(root);
}

/** The namespace `--namespace NS` / `--global` select, else the current (default) one. */
export function namespaceOption(opts: { namespace?: string; global?: boolean }): string | null {
  if (opts.global && opts.namespace !== undefined) throw new UsageError("Give --namespace or --global, not both.");
  if (opts.global) return null;
  return opts.namespace !== undefined ? assertNamespace(opts.namespace) : getNamespace();
}
