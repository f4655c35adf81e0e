/**
 * Rich displays of tsflow values: a client object (`Run`, `Flow`, `Step`, `Task`, `DataArtifact`) as a
 * field table captioned with the namespace it was read in (an Arrow artifact adds a preview read
 * without loading the table), a list of them as a listing table, a SQL result as a table, and an Arrow
 * table or preview as schema, row count and first rows.
 */
import { describeNamespace, isClientObject, isFlowClass, type ClientObjectLike, type DataArtifactLike, type FlowClass, type TsflowApi } from "../tsflow/api.js";
import type { Formatter, MimeBundle } from "./mime-bundle.js";
import { renderTable } from "./table.js";
import { graphSvg } from "./graph-svg.js";
import { arrowPreviewBundle, isArrowPreview, isArrowTable, previewOfTable, PREVIEW_ROWS } from "./arrow-preview.js";
import { escapeHtml } from "./html.js";
import { isRunDiff, runDiffBundle } from "./run-diff.js";

const HIDDEN_FIELDS = new Set(["kind", "pathspec", "id", "namespace", "userTags", "systemTags"]);

/** The formatter for tsflow values (given the library); undefined for anything else. */
export const tsflowFormatter =
  (api: Pick<TsflowApi, "FlowSpec" | "flowGraph">): Formatter =>
  (value) => {
    if (isFlowClass(api, value)) return flowClassBundle(api, value as Function);
    if (isArrowArtifact(value)) return arrowArtifactBundle(value);
    if (isClientObject(value)) return objectBundle(value);
    if (Array.isArray(value) && value.length > 0 && value.every(isClientObject)) return listingBundle(value);
    if (isSqlResult(value)) return renderTable({ columns: value.columns, rows: value.rows, footer: `${value.rows.length} rows` });
    if (isArrowTable(value)) return arrowPreviewBundle(previewOfTable(value));
    if (isArrowPreview(value)) return arrowPreviewBundle(value);
    if (isRunDiff(value)) return runDiffBundle(value);
    return undefined;
  };

/** True for a `DataArtifact` stored as an Arrow table. */
export function isArrowArtifact(value: unknown): value is DataArtifactLike {
  const artifact = value as Partial<DataArtifactLike>;
  return isClientObject(value) && value.kind === "DataArtifact" && artifact.format === "arrow" && typeof artifact.preview === "function";
}

/** An Arrow artifact: its fields, then a preview read from the stored file (the table is not loaded). */
export async function arrowArtifactBundle(artifact: DataArtifactLike): Promise<MimeBundle> {
  const fields = objectBundle(artifact);
  let preview: MimeBundle;
  try {
    preview = arrowPreviewBundle(await artifact.preview(PREVIEW_ROWS));
  } catch (err) {
    const why = `No preview: ${(err as Error)?.message ?? String(err)}`;
    preview = { "text/html": `<div class="tsflow-footer"><small>${escapeHtml(why)}</small></div>`, "text/plain": why };
  }
  return { "text/html": `${fields["text/html"]}${preview["text/html"]}`, "text/plain": `${fields["text/plain"]}\n\n${preview["text/plain"]}` };
}

/** A flow class: its step graph as a picture, or what is wrong with it. */
export function flowClassBundle(api: Pick<TsflowApi, "flowGraph">, flowClass: Function): MimeBundle {
  let steps: ReturnType<TsflowApi["flowGraph"]>["steps"];
  try {
    steps = api.flowGraph(flowClass as FlowClass).steps;
  } catch (err) {
    const e = err as { headline?: string; message?: string };
    return { "text/plain": `[class ${flowClass.name}] ${e.headline ?? "Invalid graph"}: ${e.message ?? String(err)}` };
  }
  const text = `[class ${flowClass.name}: ${steps.map((s) => `${s.name} -> ${s.next.join(", ") || "(end)"}`).join("; ")}]`;
  return { "image/svg+xml": graphSvg(flowClass.name, steps), "text/plain": text };
}

/** One object: its fields, captioned `Run('F/1') · namespace user:alice`; empty fields are left out. */
export function objectBundle(obj: ClientObjectLike): MimeBundle {
  const json = obj.toJSON();
  const fields = Object.keys(json).filter((k) => !HIDDEN_FIELDS.has(k) && k !== "tags" && !isEmpty(json[k]));
  const rows = [...fields.map((k) => [k, readable(json[k])]), ["user tags", readable(json.userTags)], ["system tags", readable(json.systemTags)]];
  const pinned = pinNote(obj);
  return renderTable({
    columns: ["field", "value"],
    rows,
    caption: `${obj} · read in namespace ${describeNamespace(obj.namespace)}${pinned ? ` · ${pinned}` : ""}`,
  });
}

const PIN_STATUS = Symbol.for("tsflow.pin.status");

/** `pinned to run X; N newer runs exist` for a run returned through a pin (`pinStatus`), else undefined. */
export function pinNote(obj: object): string | undefined {
  const status = (obj as { [PIN_STATUS]?: { pin: { runId: string }; newerRuns: number } })[PIN_STATUS];
  if (!status) return undefined;
  const n = status.newerRuns;
  return `pinned to run ${status.pin.runId}; ${n} newer run${n === 1 ? "" : "s"} exist${n === 1 ? "s" : ""}`;
}

// A listing is read at a glance: the id, a readable time, status, user and user tags; fields that
// repeat `status` and columns empty in every row are left out.
const LISTING_HIDDEN = new Set([...HIDDEN_FIELDS, "tags", "successful", "finished"]);

/** Several objects of one kind: one row each. */
export function listingBundle(objects: ClientObjectLike[], caption?: string, footer?: string): MimeBundle {
  const first = objects[0] as ClientObjectLike;
  const jsons = objects.map((o) => o.toJSON());
  const hidden = "status" in jsons[0]! ? LISTING_HIDDEN : HIDDEN_FIELDS;
  const fields = [...Object.keys(jsons[0]!).filter((k) => !hidden.has(k)), "userTags"].filter((f) => jsons.some((j) => !isEmpty(j[f])));
  const rows = jsons.map((json) => [json.id, ...fields.map((f) => readable(json[f]))]);
  const title = caption ?? `${objects.length} ${first.kind}${objects.length === 1 ? "" : "s"} · read in namespace ${describeNamespace(first.namespace)}`;
  const columns = [first.kind, ...fields.map((f) => (f === "userTags" ? "user tags" : f))];
  return renderTable({ columns, rows, caption: title, ...(footer ? { footer } : {}) });
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A value as people read it: local `YYYY-MM-DD HH:MM:SS` times, lists joined with commas. */
function readable(v: unknown): unknown {
  if (typeof v === "string" && ISO.test(v)) return localTime(new Date(v));
  if (v instanceof Date) return localTime(v);
  if (Array.isArray(v)) return v.join(", ");
  return v ?? "";
}

function localTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function isSqlResult(v: unknown): v is { columns: string[]; rows: unknown[][] } {
  const r = v as { columns?: unknown; rows?: unknown } | null;
  return typeof r === "object" && r !== null && Object.keys(r).length === 2 && Array.isArray(r.columns) && Array.isArray(r.rows);
}
