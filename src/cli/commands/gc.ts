/** `tsflow gc`: removes the temporary files that interrupted writes left in the datastore. */
import type { Command } from "commander";
import { collectGarbage, parseDuration } from "../../store/gc.js";
import { openDatastore } from "../../store/root.js";
import { UsageError } from "../../util/errors.js";
import { printJson } from "../output.js";
import { readRoot } from "./common.js";

/** Registers `gc`. */
export function registerGc(program: Command): void {
  program
    .command("gc")
    .description(
      "remove temporary files left by interrupted writes (never a run, an artifact or a record); on an s3:// root, also trim your local artifact cache to its size limit",
    )
    .option("--older-than <duration>", "only files last written longer ago than this: 90s, 30m, 24h, 7d", "24h")
    .option("--dry-run", "list what would be removed, remove nothing")
    .option("--json", "print JSON for scripts")
    .action(async (o: { olderThan: string; dryRun?: boolean; json?: boolean }) => {
      const olderThanMs = parseDuration(o.olderThan);
      if (olderThanMs === undefined) throw new UsageError(`'${o.olderThan}' is not a duration: give a number and a unit, such as 90s, 30m, 24h or 7d.`);
      const ds = openDatastore(readRoot(program));
      const report = await collectGarbage(ds, { olderThanMs, dryRun: o.dryRun ?? false });
      if (o.json) return printJson({ ...report, dryRun: o.dryRun ?? false });
      const verb = o.dryRun ? "would remove" : "removed";
      for (const f of report.files) process.stdout.write(`${verb}  ${f.key}  (${f.bytes} bytes)\n`);
      process.stdout.write(
        `${o.dryRun ? "Would remove" : "Removed"} ${report.files.length} temporary file(s), ${report.bytes} bytes, older than ${o.olderThan} in ${ds.storage.location}\n`,
      );
      if (report.uploads?.length)
        process.stdout.write(
          `${o.dryRun ? "Would abort" : "Aborted"} ${report.uploads.length} unfinished multipart upload(s) of killed writers: ${report.uploads.join(", ")}\n`,
        );
      const c = report.cache;
      if (c)
        process.stdout.write(
          `Artifact cache ${c.dir}: ${verb} ${c.files.length} file(s), ${c.bytes} bytes; ${c.keptBytes} bytes kept (limit ${c.maxBytes}, TSFLOW_CACHE_MAX)\n`,
        );
    });
}
