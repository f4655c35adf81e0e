/**
 * `%pin [<Flow> | <Flow/run>]` and `%unpin <Flow>`: pinned runs for a reproducible notebook. A pin
 * is kept in the notebook's pin file (see `tsflow/pin-location.ts`) and applies to
 * `latestSuccessfulRun` of the flow in the namespace it was made in.
 */
import { describeNamespace, type PinLike, type TsflowApi } from "../../tsflow/api.js";
import { flowOrRunCandidates } from "../../tsflow/candidates.js";
import { renderTable } from "../../display/table.js";
import type { Magic } from "../magic.js";

/** The `%pin` magic: pins a flow (or a run), or lists the pins. */
export function pinMagic(api: TsflowApi): Magic {
  return {
    name: "pin",
    kind: "line",
    summary: "Pin a flow's latestSuccessfulRun (or a run by pathspec) in this notebook; alone, list the pins.",
    usage: "%pin [<Flow> | <Flow/run>]",
    help: "The pin is written to the notebook's pin file and applies in the current namespace; %unpin removes it.",
    args: { positionals: { min: 0, max: 1 } },
    async run(call, ctx) {
      const target = call.args.positionals[0];
      if (target === undefined) {
        ctx.out.display(pinsBundle(await api.listPins(), api.getPinFile()));
        return;
      }
      const made = await api.pin(target);
      ctx.out.print(`Pinned ${made.flow} to run ${made.pathspec} in namespace ${describeNamespace(made.namespace)} (${api.getPinFile()}).\n`);
    },
    completeArgs: ({ partial }) => flowOrRunCandidates(api, partial),
  };
}

/** The `%unpin` magic: removes a flow's pin in the current namespace. */
export function unpinMagic(api: TsflowApi): Magic {
  return {
    name: "unpin",
    kind: "line",
    summary: "Remove a flow's pin in the current namespace.",
    usage: "%unpin <Flow>",
    args: { positionals: { min: 1, max: 1 } },
    async run(call, ctx) {
      const removed = await api.unpin(call.args.positionals[0] as string);
      ctx.out.print(`Unpinned ${removed.flow} in namespace ${describeNamespace(removed.namespace)} (it was pinned to run ${removed.pathspec}).\n`);
    },
    async completeArgs() {
      try {
        return [...new Set((await api.listPins()).map((p) => p.flow))];
      } catch {
        return [];
      }
    },
  };
}

function pinsBundle(pins: PinLike[], file: string | null) {
  const caption = `${pins.length} pin${pins.length === 1 ? "" : "s"} in ${file ?? "(pins are off)"}`;
  const rows = pins.map((p) => [p.flow, describeNamespace(p.namespace), p.pathspec, p.pinnedAt.toISOString().replace("T", " ").slice(0, 19)]);
  return renderTable({
    columns: ["flow", "namespace", "run", "pinned at (UTC)"],
    rows,
    caption,
    ...(pins.length ? {} : { footer: "nothing is pinned: %pin <Flow> pins its latest successful run" }),
  });
}
