/** `%run <FlowClass> [--<param> value]... [--tag T]...`: runs a flow class defined in an earlier cell. */
import { isFlowClass, type ParameterInfoLike, type TsflowApi } from "../../tsflow/api.js";
import { tagCandidates } from "../../tsflow/candidates.js";
import { attachRunDisplay } from "../../tsflow/run-display.js";
import type { ArgCompletionRequest, Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%run <FlowClass> [--<parameter> <value>]... [--tag <tag>]...";

/** The `%run` magic. */
export function runMagic(api: TsflowApi): Magic {
  return {
    name: "run",
    kind: "line",
    summary: "Run a flow class defined in this notebook; shows live progress and returns the Run.",
    usage,
    help: "Parameters are given as --<name> <value> (parsed as on the command line). Interrupt the kernel to stop the run: it is recorded as failed and can be resumed.",
    args: { options: { tag: { type: "string", repeat: true } }, positionals: { min: 1, max: 1 }, allowExtra: true },
    async run(call, ctx) {
      const name = call.args.positionals[0] as string;
      const flowClass = ctx.locals[name];
      if (!isFlowClass(api, flowClass))
        throw new UsageError(
          `no flow class named '${name}' in this notebook: define 'class ${name} extends FlowSpec { ... }' in a cell and run that cell first`,
          usage,
        );
      const display = attachRunDisplay(ctx.out, name);
      try {
        const run = await api.runFlow(flowClass, {
          params: call.args.extra,
          tags: (call.args.options["tag"] as string[] | undefined) ?? [],
          signal: ctx.signal,
          onEvent: display.onEvent,
        });
        display.close();
        await ctx.out.result(run);
      } finally {
        display.close();
      }
    },
    completeArgs: (request) => completeRunArgs(api, request),
  };
}

/**
 * Candidates for `%run`: the flow classes of the notebook, then the class's `--<param>` options not
 * given yet and `--tag`; after `--tag`, the tags in use; after a boolean parameter, `true`/`false`.
 */
async function completeRunArgs(api: TsflowApi, { words, locals }: ArgCompletionRequest): Promise<string[]> {
  if (words.length === 0) return Object.keys(locals).filter((k) => isFlowClass(api, locals[k]));
  const last = words[words.length - 1] as string;
  if (last === "--tag") return tagCandidates(api);
  const params = parametersOf(api, locals[words[0] as string]);
  const awaitingValue = params.find((p) => `--${p.name}` === last);
  if (awaitingValue) return awaitingValue.type === "boolean" ? ["true", "false"] : [];
  const given = new Set(words.map((w) => w.split("=")[0]));
  return [...params.map((p) => `--${p.name}`).filter((option) => !given.has(option)), "--tag"];
}

// Completion never fails: a class that cannot be constructed just offers no parameters.
function parametersOf(api: TsflowApi, flowClass: unknown): ParameterInfoLike[] {
  if (!isFlowClass(api, flowClass)) return [];
  try {
    return api.flowParameters(flowClass);
  } catch {
    return [];
  }
}
