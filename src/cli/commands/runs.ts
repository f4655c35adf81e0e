/** `tsflow runs <Flow>`: a flow's runs in a namespace, newest first. */
import type { Command } from "commander";
import { getNamespace, listRuns, type RunObject } from "../../client/index.js";
import { listNamespacesOf } from "../../client/elsewhere.js";
import { NamespaceMismatchError, NotFoundError } from "../../util/errors.js";
import { printJson, printTable } from "../output.js";
import { collect, namespaceOption, positiveInt, useRoot } from "./common.js";

/** Registers `runs`. */
export function registerRuns(program: Command): void {
  program
    .command("runs")
    .argument("<flow>", "the flow name")
    .description("list a flow's runs in your namespace (or another), newest first")
    .option("--namespace <ns>", "read in this namespace (any tag works as a namespace)")
    .option("--global", "read in the global namespace: every run")
    .option("--tag <tag>", "only runs with this tag (repeatable; all must match)", collect, [])
    .option("--limit <n>", "at most this many runs", positiveInt, 20)
    .option("--json", "print JSON for scripts")
    .action(async (flow: string, opts: { namespace?: string; global?: boolean; tag: string[]; limit: number; json?: boolean }) => {
      useRoot(program);
      const ns = namespaceOption(opts);
      const runs = await listRuns(flow, { namespace: ns, tags: opts.tag, limit: opts.limit });
      if (opts.json) return printJson(runs.map((r) => r.toJSON()));
      if (runs.length === 0) return reportNone(flow, ns);
      printTable(["RUN", "CREATED", "STATUS", "USER", "TAGS"], runs.map(runRow));
      process.stdout.write(`\n${runs.length} run(s) of ${flow} in ${namespaceLabel(ns)}\n`);
    });
}

/** A run as a row of the runs table: id, created, status, user, user tags. */
export function runRow(run: RunObject): string[] {
  return [run.id, localTime(run.createdAt), run.status, run.user, run.userTags.join(",")];
}

/** A date as local `YYYY-MM-DD HH:MM:SS`. */
export function localTime(date: Date | null): string {
  if (!date) return "-";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** A namespace as messages name it: `namespace 'user:bob'` (Metaflow's quoting: `''` for ""), or the global namespace. */
export function namespaceLabel(ns: string | null): string {
  return ns === null ? "the global namespace" : `namespace '${ns}'`;
}

async function reportNone(flow: string, ns: string | null): Promise<void> {
  const elsewhere = await listNamespacesOf(flow);
  if (elsewhere.length === 0) throw new NotFoundError(`Flow('${flow}') does not exist: no run of it is in this datastore.`);
  const where = elsewhere
    .slice(0, 5)
    .map((e) => `${e.namespace} (${e.runs})`)
    .join(", ");
  const current = ns ?? getNamespace();
  throw new NamespaceMismatchError(
    current,
    `No runs of ${flow} in ${namespaceLabel(current)}. It has runs in: ${where}. Read them with --namespace ${elsewhere[0]!.namespace} or --global.`,
  );
}
