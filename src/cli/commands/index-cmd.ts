/** `tsflow index rebuild|status`: the DuckDB run index, derived from the datastore. */
import type { Command } from "commander";
import { indexStatus, rebuildIndex } from "../../client/elsewhere.js";
import { getDatastoreRoot } from "../../client/index.js";
import { printJson } from "../output.js";
import { useRoot } from "./common.js";

/** Registers `index`. */
export function registerIndex(program: Command): void {
  const index = program.command("index").description("the run index (derived from the datastore; safe to delete)");
  index
    .command("rebuild")
    .description("rebuild the run index from the datastore's files")
    .action(async () => {
      useRoot(program);
      const r = await rebuildIndex();
      process.stdout.write(`Rebuilt the run index of ${getDatastoreRoot()}: ${r.runs} runs in ${r.ms} ms\n`);
    });
  index
    .command("status")
    .description("runs, flows and pending changes in the run index")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      useRoot(program);
      const s = await indexStatus();
      if (o.json) return printJson(s);
      process.stdout.write(
        `root            ${getDatastoreRoot()}\nruns            ${s.runs}\nflows           ${s.flows}\npending events  ${s.journalEvents}\nsnapshot        ${s.snapshotBytes} bytes${s.snapshotAt ? `, ${s.snapshotAt.toISOString()}` : ""}\n`,
      );
    });
}
