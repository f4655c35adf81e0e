/** `%diff <pathspec-a> <pathspec-b> [--step S] [--rows N]`: what changed between two runs, as one table. */
import { isClientObject, type TsflowApi } from "../../tsflow/api.js";
import { pathspecCandidates } from "../../tsflow/candidates.js";
import { runDiffBundle } from "../../display/run-diff.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%diff <Flow/runA | $variable> <Flow/runB | $variable> [--step <step>] [--rows <n>] [-o <variable>]";

/** A run argument: a pathspec, or `$name` for a variable of an earlier cell holding a Run or a pathspec. */
function runArg(arg: string, locals: Readonly<Record<string, unknown>>): string {
  if (!arg.startsWith("$")) {
    if (arg.split("/").length !== 2) throw new UsageError(`'${arg}' is not a run pathspec: write Flow/RunId, or $variable for a Run of an earlier cell`, usage);
    return arg;
  }
  const name = arg.slice(1);
  if (!Object.hasOwn(locals, name)) throw new UsageError(`no variable named '${name}' is defined: assign a Run (or a pathspec) to it in a cell first`, usage);
  const value = locals[name];
  if (isClientObject(value) && value.kind === "Run") return value.pathspec;
  if (typeof value === "string") return runArg(value, locals);
  throw new UsageError(`$${name} is not a Run or a pathspec (it is ${value === null ? "null" : typeof value})`, usage);
}

/** The `%diff` magic. */
export function diffMagic(api: TsflowApi): Magic {
  return {
    name: "diff",
    kind: "line",
    summary: "Compare two runs: parameters, user tags, graph and the end step's artifacts (changes highlighted).",
    usage,
    help: "Runs are looked up in the current namespace; $name takes a Run (or pathspec) from a variable of an earlier cell. --step compares another step's artifacts; --rows sets how many differing rows an Arrow table shows (5); -o binds the RunDiff for later cells.",
    args: { options: { step: { type: "string" }, rows: { type: "integer" }, output: { type: "string", short: "o" } }, positionals: { min: 2, max: 2 } },
    async run(call, ctx) {
      const [a, b] = (call.args.positionals as [string, string]).map((p) => runArg(p, ctx.locals)) as [string, string];
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
