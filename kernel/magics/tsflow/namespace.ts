/** `%namespace [NS | --global | --default]`: shows or switches the client's namespace. */
import { describeNamespace, type TsflowApi } from "../../tsflow/api.js";
import { namespaceCandidates } from "../../tsflow/candidates.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%namespace [<namespace> | --global | --default]";

/** Reads the namespace argument of `%namespace` / `%%with_namespace`: a tag, null (global), or the default. */
export function namespaceArg(api: TsflowApi, positionals: string[], options: Record<string, unknown>, magicUsage: string): string | null | undefined {
  const given = [positionals.length > 0, options["global"] === true, options["default"] === true].filter(Boolean).length;
  if (given > 1) throw new UsageError("give one of <namespace>, --global or --default", magicUsage);
  if (options["global"]) return null;
  if (options["default"]) return api.defaultNamespace();
  return positionals[0];
}

/** The `%namespace` magic. */
export function namespaceMagic(api: TsflowApi): Magic {
  return {
    name: "namespace",
    kind: "line",
    summary: "Show the current namespace, or switch it (a tag such as user:alice, --global, --default).",
    usage,
    help: "Lookups (Flow, Run, listings, %runs) only see runs tagged with the current namespace. --global sees every run; --default goes back to your own user:<name> namespace.",
    args: { options: { global: { type: "flag" }, default: { type: "flag" } }, positionals: { min: 0, max: 1 } },
    run(call, ctx) {
      const { positionals, options } = call.args;
      if (positionals.length === 0 && !options["global"] && !options["default"]) {
        ctx.out.print(`Current namespace: ${describeNamespace(api.getNamespace())}\n`);
        return;
      }
      const target = namespaceArg(api, positionals, options, usage);
      const now = api.namespace(target === undefined ? null : target);
      ctx.out.print(`Namespace switched to ${describeNamespace(now)}\n`);
    },
    completeArgs: async () => ["--global", "--default", ...(await namespaceCandidates(api))],
  };
}
