/** `tsflow diff A B [--step S] [--json]`: what changed between two runs (see `diffRuns`). */
import type { Command } from "commander";
import { namespace } from "../../client/index.js";
import { diffRuns, type ArtifactDiff, type RunDiff } from "../../client/diff.js";
import { printTable } from "../output.js";
import { jsonSafe } from "../../util/json-text.js";
import { namespaceOption, positiveInt, useRoot } from "./common.js";

interface DiffOpts {
  step?: string;
  json?: boolean;
  namespace?: string;
  global?: boolean;
  rows?: number;
}

type Out = (s: string) => void;

/** Registers `diff`. */
export function registerDiff(program: Command): void {
  program
    .command("diff")
    .argument("<a>", "the first run, Flow/RunId")
    .argument("<b>", "the second run, Flow/RunId")
    .description("compare two runs: parameters, user tags, graph, and the artifacts of the end step (or --step)")
    .option("--step <name>", "compare the artifacts of this step instead of the end step")
    .option("--rows <n>", "differing rows shown per Arrow table (default 5)", positiveInt)
    .option("--namespace <ns>", "look the runs up in this namespace")
    .option("--global", "look the runs up in every namespace")
    .option("--json", "print the RunDiff as JSON")
    .action(async (a: string, b: string, o: DiffOpts) => {
      useRoot(program);
      const previous = namespace(namespaceOption(o));
      let diff: RunDiff;
      try {
        diff = await diffRuns(a, b, { ...(o.step !== undefined && { step: o.step }), ...(o.rows !== undefined && { maxRows: o.rows }) });
      } finally {
        namespace(previous);
      }
      if (o.json) return void process.stdout.write(`${JSON.stringify(diff, jsonSafe, 2)}\n`);
      printDiff(diff);
    });
}

/** Prints a `RunDiff` for people: one table per section, unchanged entries summarised. */
export function printDiff(diff: RunDiff, out: Out = (s) => process.stdout.write(s)): void {
  const { added, removed, changed, same } = diff.counts;
  out(`${diff.a} -> ${diff.b}: ${changed} changed, ${added} added, ${removed} removed, ${same} same\n`);
  section(
    out,
    "parameters",
    diff.parameters.map((p) => [p.name, p.status, show(p.a), show(p.b)]),
    ["PARAMETER", "STATUS", "A", "B"],
  );
  section(
    out,
    "user tags",
    diff.tags.map((t) => [t.tag, t.status]),
    ["TAG", "STATUS"],
  );
  section(
    out,
    `graph (${diff.graph.status})`,
    diff.graph.steps.map((s) => [s.name, s.status, s.a ?? "", s.b ?? ""]),
    ["STEP", "STATUS", "A", "B"],
  );
  section(
    out,
    `artifacts of step ${diff.step}`,
    diff.artifacts.map((x) => [x.name, x.status, x.a?.type ?? "", x.b?.type ?? ""]),
    ["ARTIFACT", "STATUS", "A", "B"],
  );
  for (const x of diff.artifacts) if (x.status === "changed") out(detail(x));
}

function section(out: Out, title: string, rows: string[][], headers: string[]): void {
  out(`\n${title}:\n`);
  if (rows.length === 0) out("  (none)\n");
  else printTable(headers, rows, (s) => out(s.replace(/^/gm, "  ")));
}

function detail(x: ArtifactDiff): string {
  const lines = [`\n${x.name}:`];
  for (const c of x.value?.changes ?? []) lines.push(`  ${c.path}  ${c.kind}  ${show(c.a)} -> ${show(c.b)}`);
  if (x.value?.truncated) lines.push("  ... more changes not shown");
  const t = x.table;
  if (t) {
    for (const c of t.schema.added) lines.push(`  column added    ${c.name} (${c.type})`);
    for (const c of t.schema.removed) lines.push(`  column removed  ${c.name} (${c.type})`);
    for (const c of t.schema.changed) lines.push(`  column changed  ${c.name} (${c.a} -> ${c.b})`);
    lines.push(`  rows ${t.rows.a} -> ${t.rows.b}; ${t.differingRows} of the first ${t.comparedRows} differ`);
    for (const r of t.firstDifferences) lines.push(`  row ${r.row} [${r.columns.join(", ")}]: ${show(pick(r.a, r.columns))} -> ${show(pick(r.b, r.columns))}`);
  }
  if (!x.value && !t) lines.push(`  stored as ${x.a?.format} -> ${x.b?.format}`);
  return `${lines.join("\n")}\n`;
}

function pick(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}

function show(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value, jsonSafe) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
