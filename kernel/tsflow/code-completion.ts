/**
 * Completion inside the string argument of a lookup in cell code: flow names in `Flow("...")`,
 * `Flow/run` pathspecs in `Run("...")`, deeper segments in `Step`, `Task` and `DataArtifact`.
 */
import type { Completion } from "../engine/engine.js";
import type { TsflowApi } from "./api.js";
import { flowCandidates, pathspecCandidates } from "./candidates.js";

const LOOKUP_STRING = /\b(Flow|Run|Step|Task|DataArtifact)\(\s*(["'`])([^"'`\n]*)$/;

/** Completes the pathspec being typed in a lookup call, or undefined when the cursor is elsewhere. */
export async function completeLookupString(api: TsflowApi, code: string, cursor: number): Promise<Completion | undefined> {
  const match = LOOKUP_STRING.exec(code.slice(0, cursor));
  if (!match) return undefined;
  const partial = match[3] as string;
  const candidates = match[1] === "Flow" ? await flowCandidates(api) : await pathspecCandidates(api, partial);
  return { start: cursor - partial.length, end: cursor, matches: candidates.filter((c) => c.startsWith(partial)).sort() };
}
