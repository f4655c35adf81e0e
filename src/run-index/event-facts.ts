/**
 * Folding a run's typed journal events into its index row without reading the run's files: what the
 * run index does for the runs a teammate created or finished since the last sync (see
 * `store/journal.ts` for the events). A run the events cannot settle is re-read from the datastore:
 * an untyped event, a `failed` status (a lost end task writes its outcome without an event), an `ok`
 * status with no end outcome known, or a run neither known nor announced by a `run` event.
 */
import type { CreatedFacts, EndedFacts, JournalEvent } from "../store/journal.js";
import type { RunFacts } from "./run-row.js";

/** What the fresh events of one run said. */
export interface RunNews {
  flow: string;
  runId: string;
  /** An event asked for a re-read (no kind, or a kind that cannot be folded). */
  reread: boolean;
  created: CreatedFacts | undefined;
  ended: EndedFacts[];
  /** The runtime recorded the run's status as successful. */
  ok: boolean;
  /** A new tag revision was written: the run's user tags must be read. */
  tags: boolean;
}

/**
 * Groups events by run (`flow/runId`). A `run` or `end` event without its facts (its body was gone or
 * damaged) asks for a re-read; so does a `failed` one, since a lost end task records its outcome
 * without an event.
 */
export function groupNews(events: readonly JournalEvent[]): Map<string, RunNews> {
  const out = new Map<string, RunNews>();
  for (const e of events) {
    const key = `${e.flow}/${e.runId}`;
    let news = out.get(key);
    if (!news) out.set(key, (news = { flow: e.flow, runId: e.runId, reread: false, created: undefined, ended: [], ok: false, tags: false }));
    switch (e.kind) {
      case "new":
        break;
      case "run":
        if (e.created) news.created = e.created;
        else news.reread = true;
        break;
      case "end":
        if (e.ended) news.ended.push(e.ended);
        else news.reread = true;
        break;
      case "ok":
        news.ok = true;
        break;
      case "tags":
        news.tags = true;
        break;
      default:
        news.reread = true;
    }
  }
  return out;
}

/** True when the event alone asks for a re-read of its run, whatever its body says. */
export function asksReread(e: JournalEvent): boolean {
  return e.kind === undefined || e.kind === "failed";
}

/**
 * The run's facts after `news`, from what the index knew of it (`known`; undefined when nothing) and
 * its current user tags when `news.tags` (read by the caller); undefined when the run must be re-read.
 * An outcome never goes back: a successful run stays so, and of the end task's attempts the newest wins.
 */
export function foldNews(news: RunNews, known: RunFacts | undefined, userTags?: readonly string[]): RunFacts | undefined {
  if (news.reread || (news.tags && userTags === undefined)) return undefined;
  const base = known ?? fromCreated(news);
  if (!base) return undefined;
  const facts: RunFacts = { ...base, userTags: [...(userTags ?? base.userTags)] };
  const newest = news.ended.reduce<EndedFacts | undefined>((a, b) => (a === undefined || b.attempt > a.attempt ? b : a), undefined);
  if (newest && !facts.successful) {
    facts.finished = true;
    facts.successful = newest.success;
    facts.status = newest.success ? "successful" : "failed";
    facts.finishedAt = newest.success ? newest.finishedAt : Math.max(facts.finishedAt ?? 0, newest.finishedAt);
  }
  if (news.ok && !facts.finished) return undefined; // the end task's event was lost: read its outcome
  facts.upstream = [...new Set([...facts.upstream, ...news.ended.flatMap((e) => e.upstream)])];
  return facts;
}

/** A new run's facts from its `run` event: running until an `end` event says otherwise. */
function fromCreated(news: RunNews): RunFacts | undefined {
  const c = news.created;
  if (!c) return undefined;
  return {
    flow: news.flow,
    runId: news.runId,
    createdAt: c.createdAt,
    user: c.user,
    systemTags: [...c.systemTags],
    userTags: [...c.userTags],
    successful: false,
    finished: false,
    finishedAt: null,
    status: "running",
    originRunId: c.originRunId,
    endStep: c.endStep,
    upstream: [],
  };
}

/**
 * The event named `head` with the facts of its body (`body`, as parsed JSON): a body that does not
 * describe the same run, or whose facts are malformed, adds nothing (the run is re-read then).
 */
export function withBody(head: JournalEvent, body: unknown): JournalEvent {
  if (!isObject(body) || body.flow !== head.flow || body.runId !== head.runId) return head;
  if (head.kind === "run" && isCreated(body.created)) return { ...head, created: body.created };
  if (head.kind === "end" && isEnded(body.ended)) return { ...head, ended: body.ended };
  return head;
}

function isCreated(c: unknown): c is CreatedFacts {
  return (
    isObject(c) &&
    typeof c.createdAt === "number" &&
    typeof c.user === "string" &&
    isStrings(c.systemTags) &&
    (c.originRunId === null || typeof c.originRunId === "string") &&
    typeof c.endStep === "string" &&
    isStrings(c.userTags)
  );
}

function isEnded(e: unknown): e is EndedFacts {
  return isObject(e) && typeof e.attempt === "number" && typeof e.success === "boolean" && typeof e.finishedAt === "number" && isStrings(e.upstream);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
