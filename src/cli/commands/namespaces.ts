/** `tsflow namespace` (your default namespace) and `tsflow namespaces` (every namespace, with run counts). */
import type { Command } from "commander";
import { defaultNamespace, listNamespaces } from "../../client/index.js";
import { printJson, printTable } from "../output.js";
import { useRoot } from "./common.js";

/** Registers `namespace` and `namespaces`. */
export function registerNamespaces(program: Command): void {
  program
    .command("namespace")
    .description("print your default namespace: user:<you>, or production:<token> with TSFLOW_PRODUCTION_TOKEN")
    .action(() => {
      process.stdout.write(`${defaultNamespace()}\n`);
    });
  program
    .command("namespaces")
    .description("list every namespace (tag) that has runs, with run counts")
    .option("--json", "print JSON for scripts")
    .action(async (opts: { json?: boolean }) => {
      useRoot(program);
      const all = await listNamespaces();
      if (opts.json) return printJson(all);
      printTable(
        ["NAMESPACE", "RUNS"],
        all.map((n) => [n.namespace, String(n.runs)]),
      );
    });
}
