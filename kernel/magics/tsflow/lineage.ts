/**
 * `%lineage <Flow/run>`: what a run read from other runs (and in which namespace), and which runs
 * read it, as an SVG graph with a table of the reads.
 */
import { describeNamespace, type RunLike, type TsflowApi, type UpstreamRunLike } from "../../tsflow/api.js";
import { flowOrRunCandidates } from "../../tsflow/candidates.js";
import { lineageSvg, type LineageNode } from "../../display/lineage-svg.js";
import { renderTable } from "../../display/table.js";
import type { Magic } from "../magic.js";
import { UsageError } from "../usage-error.js";

/** The `%lineage` magic. */
export function lineageMagic(api: TsflowApi): Magic {
  return {
    name: "lineage",
    kind: "line",
    summary: "Draw a run's lineage: the runs it read through the client, and the runs that read it.",
    usage: "%lineage <Flow/run> | <Flow>",
    help: "With a flow name alone, the flow's latest successful run in the current namespace (its pinned run, if pinned).",
    args: { positionals: { min: 1, max: 1 } },
    async run(call, ctx) {
      const target = call.args.positionals[0] as string;
      const run = target.includes("/") ? await api.Run(target) : await latestOf(api, target);
      const [upstream, consumers] = await Promise.all([run.lineage(), run.consumers()]);
      // Two displays: a front end shows the richest type of one bundle only, and HTML outranks SVG.
      for (const bundle of lineageBundles(run, upstream, consumers)) ctx.out.display(bundle);
    },
    completeArgs: ({ partial }) => flowOrRunCandidates(api, partial),
  };
}

async function latestOf(api: TsflowApi, flow: string): Promise<RunLike> {
  const run = await api.Flow(flow).latestSuccessfulRun;
  if (!run)
    throw new UsageError(
      `${flow} has no successful run in namespace ${describeNamespace(api.getNamespace())}: name a run, %lineage ${flow}/<run id>`,
      "%lineage <Flow/run> | <Flow>",
    );
  return run;
}

/** The picture and the table of a run's lineage, as two displays. */
export function lineageBundles(run: RunLike, upstream: UpstreamRunLike[], consumers: RunLike[]) {
  const center: LineageNode = { pathspec: run.pathspec, detail: detailOf(run) };
  const ups = upstream.map((u): LineageNode => ({ pathspec: u.pathspec, detail: u.run ? detailOf(u.run) : "no longer exists", label: readLabel(u) }));
  const downs = consumers.map((c): LineageNode => ({ pathspec: c.pathspec, detail: detailOf(c) }));
  const rows = [
    ...upstream.flatMap((u) =>
      u.reads.map((r) => ["read", u.pathspec, r.pathspec.split("/").slice(2).join("/"), r.task.split("/").slice(2).join("/"), describeNamespace(r.namespace)]),
    ),
    ...consumers.map((c) => ["read by", c.pathspec, "", "", identityOf(c)]),
  ];
  const table = renderTable({
    columns: ["", "run", "artifact", "by task", "namespace"],
    rows,
    caption: `Lineage of ${run} · ${upstream.length} upstream, ${consumers.length} consumer${consumers.length === 1 ? "" : "s"}`,
  });
  const picture = `[lineage of ${run}: ${upstream.length} upstream, ${consumers.length} consumer${consumers.length === 1 ? "" : "s"}]`;
  return [{ "image/svg+xml": lineageSvg(center, ups, downs), "text/plain": picture }, table];
}

function readLabel(u: UpstreamRunLike): string {
  const names = [...new Set(u.reads.map((r) => r.pathspec.split("/").at(-1)))].join(", ");
  const spaces = [...new Set(u.reads.map((r) => describeNamespace(r.namespace)))].join(", ");
  return `${names} (in ${spaces})`;
}

function identityOf(run: RunLike): string {
  return run.tags.find((t) => t.startsWith("user:") || t.startsWith("production:")) ?? "";
}

function detailOf(run: RunLike): string {
  return [identityOf(run), run.successful ? "successful" : "not successful"].filter(Boolean).join(" · ");
}
