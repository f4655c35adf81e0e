/** `%runs <Flow> [--tag T]... [--limit N]`: the newest runs of a flow in the current namespace. */
import { describeNamespace, type TsflowApi } from "../../tsflow/api.js";
import { flowCandidates, tagCandidates } from "../../tsflow/candidates.js";
import { hintFor } from "../../tsflow/elsewhere.js";
import { listingBundle } from "../../display/tsflow-formatters.js";
import type { Magic } from "../magic.js";

const DEFAULT_LIMIT = 20;

/** The `%runs` magic. */
export function runsMagic(api: TsflowApi): Magic {
  return {
    name: "runs",
    kind: "line",
    summary: "List the newest runs of a flow in the current namespace (filter by tags).",
    usage: "%runs <Flow> [--tag T]... [--limit N]",
    args: { options: { tag: { type: "string", repeat: true }, limit: { type: "integer" } }, positionals: { min: 1, max: 1 } },
    async run(call, ctx) {
      const flow = call.args.positionals[0] as string;
      const tags = (call.args.options["tag"] as string[] | undefined) ?? [];
      const limit = (call.args.options["limit"] as number | undefined) ?? DEFAULT_LIMIT;
      const runs = await api.listRuns(flow, { tags, limit });
      const where = `namespace ${describeNamespace(api.getNamespace())}${tags.length ? ` with tags ${tags.join(", ")}` : ""}`;
      if (runs.length > 0) {
        ctx.out.display(listingBundle(runs, `Runs of ${flow} in ${where}`, runs.length === limit ? `the newest ${limit}; --limit N shows more` : undefined));
        return;
      }
      const hint = await hintFor(api, flow);
      ctx.out.print(`${[`No runs of ${flow} in ${where}.`, ...hint].join("\n")}\n`);
    },
    async completeArgs({ words }) {
      const last = words[words.length - 1];
      if (last === "--tag") return tagCandidates(api);
      if (last === "--limit") return [];
      const hasFlow = words.some((w, i) => !w.startsWith("--") && !["--tag", "--limit"].includes(words[i - 1] ?? ""));
      return hasFlow ? ["--tag", "--limit"] : flowCandidates(api);
    },
  };
}
