/** `tsflow show <pathspec>`: a run, step, task or artifact, read through the client. */
import { inspect } from "node:util";
import {
  DataArtifact,
  Flow,
  getNamespace,
  listRuns,
  Run,
  Step,
  Task,
  type DataArtifactObject,
  type FlowObject,
  type RunObject,
  type StepObject,
  type TaskObject,
} from "../../client/index.js";
import { InvalidPathspecError } from "../../util/errors.js";
import { printJson, printTable } from "../output.js";
import { localTime, namespaceLabel, runRow } from "./runs.js";
import { showLineage } from "./show-lineage.js";

type Out = (s: string) => void;

/** Prints the object a pathspec names (`--json`: its summary as JSON). */
export async function showObject(pathspec: string, json: boolean, out: Out = (s) => process.stdout.write(s)): Promise<void> {
  const parts = checkPathspec(pathspec);
  const object = await lookup(pathspec, parts.length);
  if (json) return printJson(object.toJSON());
  out(`${object}\n`);
  out(`  created    ${localTime(object.createdAt)}\n  tags       ${object.tags.join(", ") || "-"}\n`);
  if (parts.length === 1) await showFlowRuns(object as FlowObject, out);
  if (parts.length === 2) await showRun(object as RunObject, out);
  if (parts.length === 3) await showStep(object as StepObject, out);
  if (parts.length === 4) await showTask(object as TaskObject, out);
  if (parts.length === 5) await showArtifact(object as DataArtifactObject, out);
}

// A path (absolute, or with '.' or '..' parts) is not a pathspec: say so before looking anything up.
function checkPathspec(pathspec: string): string[] {
  const parts = pathspec.split("/");
  if (pathspec.startsWith("/") || parts.some((p) => p === "." || p === "..")) {
    throw new InvalidPathspecError(
      `'${pathspec}' is a path, not a pathspec: give Flow[/RunId[/Step[/TaskId[/Artifact]]]] (names without '.' or '..' parts), or the path of a flow file (.ts).`,
    );
  }
  return parts;
}

const RECENT_RUNS = 10;

async function showFlowRuns(flow: FlowObject, out: Out): Promise<void> {
  const ns = getNamespace();
  const runs = await listRuns(flow.id, { namespace: ns, limit: RECENT_RUNS });
  out("\n");
  printTable(["RUN", "CREATED", "STATUS", "USER", "TAGS"], runs.map(runRow), out);
  out(`\n${runs.length} most recent run(s) of ${flow.id} in ${namespaceLabel(ns)}; tsflow runs ${flow.id} --limit N lists more\n`);
}

async function lookup(pathspec: string, depth: number) {
  switch (depth) {
    case 1:
      return Flow(pathspec);
    case 2:
      return Run(pathspec);
    case 3:
      return Step(pathspec);
    case 4:
      return Task(pathspec);
    case 5:
      return DataArtifact(pathspec);
    default:
      throw new InvalidPathspecError(`Expects a pathspec Flow/RunId[/Step[/TaskId[/Artifact]]], got '${pathspec}'.`);
  }
}

async function showRun(run: RunObject, out: Out): Promise<void> {
  out(`  status     ${run.status}\n  user       ${run.user}\n  finished   ${localTime(run.finishedAt)}\n`);
  if (run.originPathspec) out(`  resumed    from ${run.originPathspec}\n`);
  await showLaunchPins(run, out);
  const rows: string[][] = [];
  for await (const step of run) {
    for await (const task of step)
      rows.push([step.id, task.id, task.successful ? "ok" : task.finished ? "finished" : "failed/running", localTime(task.finishedAt)]);
  }
  out("\n");
  printTable(["STEP", "TASK", "OUTCOME", "FINISHED"], rows, out);
  const end = await run.endTask;
  if (end) out(`\nend artifacts: ${Object.keys(end.artifacts).join(", ") || "-"}\n`);
  await showLineage(run, out);
}

// Which runs latestSuccessfulRun gave the run's tasks, so its lineage can be explained.
async function showLaunchPins(run: RunObject, out: Out): Promise<void> {
  const launched = await run.launchPins();
  if (!launched) return out("  pins       -\n");
  const kept = launched.reusedFrom ? `, kept from ${launched.reusedFrom}` : "";
  out(`  pins       ${launched.pins.length} from ${launched.file}${kept}\n`);
  for (const p of launched.pins) out(`             ${p.pathspec} in ${p.namespace ?? "global"}\n`);
}

async function showStep(step: StepObject, out: Out): Promise<void> {
  const rows: string[][] = [];
  for await (const task of step) rows.push([task.id, String(task.index ?? "-"), task.successful ? "ok" : "failed", localTime(task.finishedAt)]);
  printTable(["TASK", "INDEX", "OUTCOME", "FINISHED"], rows, out);
}

async function showTask(task: TaskObject, out: Out): Promise<void> {
  out(`  outcome    ${task.successful ? "successful" : "not successful"} (attempt ${task.currentAttempt})\n`);
  if (task.exception) out(`  exception  ${task.exception.type}: ${task.exception.message}\n`);
  const rows = Object.values(task.artifacts).map((a) => [a.id, a.type, a.format, String(a.size), a.sha.slice(0, 12)]);
  out("\n");
  printTable(["ARTIFACT", "TYPE", "FORMAT", "BYTES", "SHA"], rows, out);
  const stdout = await task.stdout;
  if (stdout) out(`\nstdout:\n${stdout.replace(/^/gm, "  ")}`);
}

async function showArtifact(artifact: DataArtifactObject, out: Out): Promise<void> {
  out(`  type       ${artifact.type} (${artifact.format}, ${artifact.size} bytes, sha ${artifact.sha.slice(0, 12)})\n`);
  if (artifact.format === "arrow") return showArrowPreview(artifact, out);
  out(`\n${inspect(await artifact.data, { depth: 6, colors: false, maxArrayLength: 50 })}\n`);
}

// A table is shown as its schema and first rows, read from the stored file without loading it.
async function showArrowPreview(artifact: DataArtifactObject, out: Out): Promise<void> {
  const { schema, numRows, rows, numBatches } = await artifact.preview(PREVIEW_ROWS);
  out(`  schema     ${schema.map((f) => `${f.name}: ${f.type}`).join(", ") || "(no columns)"}\n`);
  out(
    `  rows       ${numRows} in ${numBatches} record batch${numBatches === 1 ? "" : "es"}${numRows > rows.length ? ` (the first ${rows.length} below)` : ""}\n\n`,
  );
  if (schema.length === 0 || rows.length === 0) return;
  printTable(
    schema.map((f) => f.name),
    rows.map((row) => schema.map((f) => cellText(row[f.name]))),
    out,
  );
}

const PREVIEW_ROWS = 10;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}
