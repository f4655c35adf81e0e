/** `%%with_namespace NS`: runs the cell in another namespace, then switches back. */
import type { TsflowApi } from "../../tsflow/api.js";
import { namespaceCandidates } from "../../tsflow/candidates.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";
import { namespaceArg } from "./namespace.js";

const usage = "%%with_namespace <namespace> | --global | --default";

/** The `%%with_namespace` cell magic. */
export function withNamespaceMagic(api: TsflowApi): Magic {
  return {
    name: "with_namespace",
    kind: "cell",
    body: "typescript",
    summary: "Run this cell in another namespace; the current one is restored afterwards.",
    usage,
    help: "Objects read in the cell keep the namespace they were read in, also after the cell.",
    args: { options: { global: { type: "flag" }, default: { type: "flag" } }, positionals: { min: 0, max: 1 } },
    async run(call, ctx) {
      const target = namespaceArg(api, call.args.positionals, call.args.options, usage);
      if (target === undefined) throw new UsageError("missing namespace", usage);
      const previous = api.getNamespace();
      api.namespace(target);
      try {
        await ctx.runCode(call.code);
      } finally {
        api.namespace(previous);
      }
    },
    completeArgs: async () => ["--global", "--default", ...(await namespaceCandidates(api))],
  };
}
