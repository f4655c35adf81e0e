/** `%tag add|remove|replace <run> <tag> [<new tag>]`: edits the user tags of a run. */
import type { TsflowApi } from "../../tsflow/api.js";
import { runCandidates, flowCandidates, tagCandidates } from "../../tsflow/candidates.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

const usage = "%tag add|remove|replace <Flow/run> <tag> [<new tag>]";
const ACTIONS = ["add", "remove", "replace"];

/** The `%tag` magic. */
export function tagMagic(api: TsflowApi): Magic {
  return {
    name: "tag",
    kind: "line",
    summary: "Add, remove or replace a user tag of a run.",
    usage,
    args: { positionals: { min: 3, max: 4 } },
    async run(call, ctx) {
      const [action, pathspec, tag, replacement] = call.args.positionals as [string, string, string, string | undefined];
      if (!ACTIONS.includes(action)) throw new UsageError(`unknown action '${action}': use add, remove or replace`, usage);
      if ((action === "replace") !== (replacement !== undefined))
        throw new UsageError(action === "replace" ? "replace needs the old and the new tag" : `${action} takes one tag`, usage);
      const run = await api.Run(pathspec);
      if (action === "add") await run.addTag(tag);
      else if (action === "remove") await run.removeTag(tag);
      else await run.replaceTag(tag, replacement as string);
      const after = await api.Run(pathspec);
      ctx.out.print(`${after} user tags: ${after.userTags.join(", ") || "(none)"}\n`);
    },
    async completeArgs({ words, partial }) {
      if (words.length === 0) return ACTIONS;
      if (words.length === 1)
        return partial.includes("/") ? runCandidates(api, partial.split("/")[0] as string) : (await flowCandidates(api)).map((f) => `${f}/`);
      if (words.length === 2 && words[0] !== "add") {
        try {
          return (await api.Run(words[1] as string)).userTags;
        } catch {
          return [];
        }
      }
      return tagCandidates(api);
    },
  };
}
