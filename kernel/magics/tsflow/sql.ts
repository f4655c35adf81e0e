/** `%%sql [-o name] [--global | --namespace NS]`: a read-only query over the run index. */
import type { TsflowApi } from "../../tsflow/api.js";
import { namespaceCandidates } from "../../tsflow/candidates.js";
import { completeSql } from "../../tsflow/sql-completion.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%%sql [-o <variable>] [--global | --namespace <namespace>]";

/** The `%%sql` cell magic. */
export function sqlMagic(api: TsflowApi): Magic {
  return {
    name: "sql",
    kind: "cell",
    summary: "Query the run index with SQL (views runs, steps, tasks, tags, artifacts, artifact_values; artifact('Flow', 'name')), read-only.",
    usage,
    help: "Scoped to the current namespace unless --global or --namespace is given. artifact('Flow', 'name') is an Arrow artifact's rows across the flow's runs (with run_id, step, task_id); artifact_values holds JSON artifact values. -o <variable> also binds the result ({ columns, rows }) for later cells. Statements that write or reach outside the index are refused.",
    args: { options: { output: { type: "string", short: "o" }, global: { type: "flag" }, namespace: { type: "string" } }, positionals: { min: 0, max: 0 } },
    async run(call, ctx) {
      const { options } = call.args;
      if (options["global"] && options["namespace"] !== undefined) throw new UsageError("give either --global or --namespace", usage);
      if (call.body.trim() === "") throw new UsageError("the cell has no query: write SQL below the %%sql line", usage);
      const namespace = options["global"] ? null : ((options["namespace"] as string | undefined) ?? api.getNamespace());
      const result = await api.querySql(call.body, { namespace });
      const name = options["output"] as string | undefined;
      if (name) await ctx.bind(name, result, "{ columns: string[]; rows: unknown[][] }");
      await ctx.out.result(result);
    },
    completeArgs: async ({ words }) => (words[words.length - 1] === "--namespace" ? namespaceCandidates(api) : ["-o", "--global", "--namespace"]),
    completeBody: ({ body, cursor }) => completeSql(body, cursor),
  };
}
