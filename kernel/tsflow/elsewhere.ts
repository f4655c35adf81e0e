/**
 * The hint for a lookup that found nothing in the current namespace: how many runs of that flow (or
 * that run) exist in which other namespaces, and the magic that switches there (Metaflow #327, #1223).
 */
import { describeNamespace, type TsflowApi } from "./api.js";

const CODES = new Set(["NOT_FOUND", "NAMESPACE_MISMATCH"]);
const PATHSPEC = /\b(?:Flow|Run|Step|Task|DataArtifact)\('([^']+)'/;
const SOURCE_LOOKUP = /\b(?:Flow|Run|Step|Task|DataArtifact)\(\s*["'`]([^"'`]+)["'`]/g;
const MAGIC_LOOKUP = /^\s*%(?:show|runs|tag\s+\w+)\s+(\S+)/m;
const IDENTITY_TAG = /^(user|production):/;

/**
 * Extra lines for the error, or [] when the error is not a lookup miss or nothing exists elsewhere.
 * The pathspec comes from the message, else from the last lookup written in the cell.
 */
export async function elsewhereHint(api: TsflowApi, err: unknown, source = ""): Promise<string[]> {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code !== "string" || !CODES.has(e.code) || typeof e.message !== "string") return [];
  const pathspec = PATHSPEC.exec(e.message)?.[1] ?? [...source.matchAll(SOURCE_LOOKUP)].at(-1)?.[1] ?? MAGIC_LOOKUP.exec(source)?.[1];
  if (!pathspec) return [];
  const [flow, runId] = pathspec.split("/");
  return hintFor(api, flow as string, runId);
}

/** The hint lines for runs of `flow` (or the run `runId`) outside the current namespace. */
export async function hintFor(api: TsflowApi, flow: string, runId?: string): Promise<string[]> {
  const current = api.getNamespace();
  let places: Awaited<ReturnType<TsflowApi["listNamespacesOf"]>>;
  try {
    places = await api.listNamespacesOf(flow, runId);
  } catch {
    return [];
  }
  const sorted = places.filter((p) => IDENTITY_TAG.test(p.namespace) && p.namespace !== current).map((p) => [p.namespace, p.runs] as const);
  if (sorted.length === 0) return [];
  const total = runId !== undefined ? 1 : sorted.reduce((n, [, c]) => n + c, 0);
  const where = sorted.map(([ns, c]) => `${ns} (${c} run${c === 1 ? "" : "s"})`).join(", ");
  const what = runId !== undefined ? `Run('${flow}/${runId}')` : `${total} run${total === 1 ? "" : "s"} of ${flow}`;
  return [
    `Found ${what} in other namespaces: ${where}; the current namespace is ${describeNamespace(current)}.`,
    `Use %namespace ${sorted[0]?.[0]} to switch there, or %namespace --global to see every namespace.`,
  ];
}
