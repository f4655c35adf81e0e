/** `%diff <pathspec-a> <pathspec-b> [--step S] [--rows N]`: what changed between two runs, as one table. */
import type { TsflowApi } from "../../tsflow/api.js";
import { pathspecCandidates } from "../../tsflow/candidates.js";
import { runDiffBundle } from "../../display/run-diff.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%diff <Flow/runA> <Flow/runB> [--step <step>] [--rows <n>] [-o <variable>]";

/** The `%diff` magic. */
export function diffMagic(api: TsflowApi): Magic {
  return {
    name: "diff",
    kind: "line",
    summary: "Compare two runs: parameters, user tags, graph and the end step's artifacts (changes highlighted).",
    usage,
    help: "Runs are looked up in the current namespace. --step compares another step's artifacts; --rows sets how many differing rows an Arrow table shows (5); -o binds the RunDiff for later cells.",
    args: { options: { step: { type: "string" }, rows: { type: "integer" }, output: { type: "string", short: "o" } }, positionals: { min: 2, max: 2 } },
    async run(call, ctx) {
      const [a, b] = call.args.positionals as [string, string];
      for (const p of [a, b]) if (p.split("/").length !== 2) throw new UsageError(`'${p}' is not a run pathspec: write Flow/RunId`, usage);
      const step = call.args.options["step"] as string | undefined;
      const rows = call.args.options["rows"] as number | undefined;
      if (rows !== undefined && rows < 1) throw new UsageError("--rows needs a positive number", usage);
      const diff = await api.diffRuns(a, b, { ...(step !== undefined && { step }), ...(rows !== undefined && { maxRows: rows }) });
      const name = call.args.options["output"] as string | undefined;
      if (name) await ctx.bind(name, diff, 'import("tsflow").RunDiff');
      ctx.out.display(runDiffBundle(diff));
    },
    completeArgs: ({ words, partial }) => (words[words.length - 1] === "--step" ? [] : pathspecCandidates(api, partial)),
  };
}
