/** `tsflow tag add|remove|replace|list`: a run's user tags (system tags never change). */
import type { Command } from "commander";
import { listRuns, Run, namespace, type RunObject } from "../../client/index.js";
import { printJson, printTable } from "../output.js";
import { namespaceOption, useRoot } from "./common.js";

interface NsOpts {
  namespace?: string;
  global?: boolean;
  json?: boolean;
}

/** Registers `tag` and its subcommands. */
export function registerTag(program: Command): void {
  const tag = program.command("tag").description("add, remove, replace or list a run's user tags");
  const withNs = (c: Command) =>
    c
      .option("--namespace <ns>", "look the run up in this namespace")
      .option("--global", "look the run up in the global namespace")
      .option("--json", "print JSON");
  withNs(tag.command("add").argument("<run>", "Flow/RunId").argument("<tags...>").description("add user tags to a run")).action(
    async (run: string, tags: string[], o: NsOpts) => edit(program, run, o, (r) => r.addTags(tags)),
  );
  withNs(tag.command("remove").argument("<run>", "Flow/RunId").argument("<tags...>").description("remove user tags from a run")).action(
    async (run: string, tags: string[], o: NsOpts) => edit(program, run, o, (r) => r.removeTags(tags)),
  );
  withNs(tag.command("replace").argument("<run>", "Flow/RunId").argument("<old>").argument("<new>").description("replace a user tag atomically")).action(
    async (run: string, old: string, add: string, o: NsOpts) => edit(program, run, o, (r) => r.replaceTag(old, add)),
  );
  withNs(
    tag.command("list").argument("<target>", "Flow/RunId, or Flow for all its runs").description("list tags (global namespace unless --namespace)"),
  ).action(async (target: string, o: NsOpts) => list(program, target, o));
}

async function open(program: Command, pathspec: string, o: NsOpts): Promise<RunObject> {
  useRoot(program);
  const ns = namespaceOption(o);
  const previous = namespace(ns);
  try {
    return await Run(pathspec);
  } finally {
    namespace(previous);
  }
}

async function edit(program: Command, pathspec: string, o: NsOpts, change: (run: RunObject) => Promise<void>): Promise<void> {
  const run = await open(program, pathspec, o);
  await change(run);
  if (o.json) return printJson({ pathspec: run.pathspec, userTags: run.userTags, systemTags: run.systemTags });
  process.stdout.write("Operation successful. New tags:\n");
  printTags([run]);
}

async function list(program: Command, target: string, o: NsOpts): Promise<void> {
  const global = o.namespace === undefined ? { ...o, global: true } : o;
  const runs = target.includes("/") ? [await open(program, target, global)] : await listRuns(target, { namespace: namespaceOption(global) });
  if (o.json) return printJson(runs.map((r) => ({ pathspec: r.pathspec, userTags: r.userTags, systemTags: r.systemTags })));
  printTags(runs);
}

function printTags(runs: RunObject[]): void {
  printTable(
    ["RUN", "USER TAGS (editable)", "SYSTEM TAGS"],
    runs.map((r) => [r.pathspec, r.userTags.join(", ") || "-", r.systemTags.join(", ")]),
  );
}
