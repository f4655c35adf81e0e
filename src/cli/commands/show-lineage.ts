/** The lineage part of `tsflow show Flow/Run`: the runs it read through the client, and the runs that read it. */
import type { RunObject } from "../../client/index.js";
import { printTable } from "../output.js";

type Out = (s: string) => void;

/** Prints what the run read (run, artifact, reading task, namespace) and which runs read it. */
export async function showLineage(run: RunObject, out: Out): Promise<void> {
  const [upstream, consumers] = await Promise.all([run.lineage(), run.consumers()]);
  out("\nread from other runs:");
  if (upstream.length === 0) out(" -\n");
  else {
    out("\n");
    const rows = upstream.flatMap((u) =>
      u.reads.map((r) => [
        u.pathspec,
        r.pathspec.split("/").slice(2).join("/"),
        r.task.split("/").slice(2).join("/"),
        r.namespace ?? "global",
        u.run ? "" : "(deleted)",
      ]),
    );
    printTable(["RUN", "ARTIFACT", "BY TASK", "NAMESPACE", ""], rows, out);
  }
  out(upstream.length ? "\nread by:" : "read by:");
  if (consumers.length === 0) out(" -\n");
  else {
    out("\n");
    printTable(
      ["RUN", "USER", "STATUS"],
      consumers.map((c) => [c.pathspec, c.user, c.status]),
      out,
    );
  }
}
