/**
 * `%show <pathspec>`: a flow, run, step, task or artifact as a table. An artifact also shows its value;
 * an Arrow artifact a preview (schema, row count, first rows) read without loading the table.
 */
import type { ClientObjectLike, DataArtifactLike, TsflowApi } from "../../tsflow/api.js";
import { pathspecCandidates } from "../../tsflow/candidates.js";
import { objectBundle } from "../../display/tsflow-formatters.js";
import { PREVIEW_ROWS } from "../../display/arrow-preview.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%show <Flow>[/<run>[/<step>[/<task>[/<artifact>]]]]";

/** Looks up the client object a pathspec names, by its number of parts. */
export function lookupPathspec(api: TsflowApi, pathspec: string): Promise<ClientObjectLike> {
  const lookups = [api.Flow, api.Run, api.Step, api.Task, api.DataArtifact];
  const lookup = lookups[pathspec.split("/").length - 1];
  if (!lookup || pathspec === "")
    throw new UsageError(`'${pathspec}' is not a pathspec: use Flow, Flow/run, Flow/run/step, Flow/run/step/task or Flow/run/step/task/artifact`, usage);
  return lookup(pathspec);
}

/** The `%show` magic. */
export function showMagic(api: TsflowApi): Magic {
  return {
    name: "show",
    kind: "line",
    summary: "Show a flow, run, step, task or artifact by its pathspec (an Arrow artifact as a preview).",
    usage,
    args: { positionals: { min: 1, max: 1 } },
    async run(call, ctx) {
      const obj = await lookupPathspec(api, call.args.positionals[0] as string);
      if (obj.kind !== "DataArtifact") return ctx.out.result(obj);
      ctx.out.display(objectBundle(obj));
      const artifact = obj as DataArtifactLike;
      await ctx.out.result(artifact.format === "arrow" ? await artifact.preview(PREVIEW_ROWS) : await artifact.data);
    },
    completeArgs: ({ partial }) => pathspecCandidates(api, partial),
  };
}
