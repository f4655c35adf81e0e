/** `tsflow datastore check`: does the datastore root (local or s3://) work, and if not, what exactly is wrong. */
import type { Command } from "commander";
import { checkDatastore } from "../../store/check.js";
import { openDatastore } from "../../store/root.js";
import { EXIT, printJson } from "../output.js";

/** Registers `datastore check`; `setExit` receives a non-zero code when a step fails. */
export function registerDatastore(program: Command, setExit: (code: number) => void): void {
  const cmd = program.command("datastore").description("check the datastore root");
  cmd
    .command("check")
    .description("list the root, write a probe create-only, read it back, delete it; say what is wrong")
    .option("--json", "print JSON for scripts")
    .action(async (o: { json?: boolean }) => {
      const report = await checkDatastore(openDatastore(program.opts().datastoreRoot));
      if (!report.ok) setExit(EXIT.runFailed);
      if (o.json) return printJson(report);
      process.stdout.write(`Checking ${report.location}${report.endpoint ? ` at ${report.endpoint}` : ""}\n`);
      for (const s of report.steps) {
        process.stdout.write(`  ${s.ok ? "ok  " : "FAIL"}  ${s.name.padEnd(16)} ${String(s.ms).padStart(5)} ms${s.problem ? `\n        ${s.problem}` : ""}\n`);
      }
      process.stdout.write(
        report.ok
          ? "The datastore root works: runs can be written and shared here.\n"
          : "The datastore root does not work: fix the problem above and run tsflow datastore check again.\n",
      );
    });
}
