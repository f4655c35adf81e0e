/** `%run <FlowClass> [--<param> value]... [--tag T]...`: runs a flow class defined in an earlier cell. */
import type { TsflowApi } from "../../tsflow/api.js";
import { attachRunDisplay } from "../../tsflow/run-display.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%run <FlowClass> [--<parameter> <value>]... [--tag <tag>]...";

/** The `%run` magic. */
export function runMagic(api: TsflowApi): Magic {
  const isFlowClass = (v: unknown): boolean => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof api.FlowSpec;
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
      if (!isFlowClass(flowClass)) throw new UsageError(`no flow class named '${name}' in this notebook: define 'class ${name} extends FlowSpec { ... }' in a cell and run that cell first`, usage);
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
    completeArgs: ({ words, locals }) => (words.length === 0 ? Object.keys(locals).filter((k) => isFlowClass(locals[k])) : ["--tag"]),
  };
}
