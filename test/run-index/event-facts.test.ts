// Folding typed journal events into a run's index row (src/run-index/event-facts.ts): pure rules,
// checked against what re-reading the run's files would give.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { foldNews, groupNews, withBody } from "../../src/run-index/event-facts.js";
import type { RunFacts } from "../../src/run-index/run-row.js";
import type { CreatedFacts, EndedFacts, JournalEvent } from "../../src/store/journal.js";

const flow = "TeamCollabFlow";
const runId = "1796000000000001";
const created: CreatedFacts = {
  createdAt: 1000,
  user: "alice",
  systemTags: ["user:alice", "runtime:node"],
  originRunId: null,
  endStep: "end",
  userTags: ["exp"],
};
const ended = (attempt: number, success: boolean, finishedAt = 2000 + attempt, upstream: string[] = []): EndedFacts => ({
  attempt,
  success,
  finishedAt,
  upstream,
});
const ev = (e: Omit<JournalEvent, "flow" | "runId">): JournalEvent => ({ flow, runId, ...e });

function fold(events: JournalEvent[], known?: RunFacts, userTags?: string[]): RunFacts | undefined {
  const news = groupNews(events).get(`${flow}/${runId}`)!;
  return foldNews(news, known, userTags);
}

const facts = suite("foldNews");

facts("should give a new run's row from its run, end and ok events", () => {
  const row = fold([ev({ kind: "new" }), ev({ kind: "run", created }), ev({ kind: "end", ended: ended(0, true, 2500, ["Other/1"]) }), ev({ kind: "ok" })]);
  assert.equal(row, {
    flow,
    runId,
    createdAt: 1000,
    user: "alice",
    systemTags: ["user:alice", "runtime:node"],
    userTags: ["exp"],
    successful: true,
    finished: true,
    finishedAt: 2500,
    status: "successful",
    originRunId: null,
    endStep: "end",
    upstream: ["Other/1"],
  });
});

facts("should show a created run as running until its end task records an outcome", () => {
  const row = fold([ev({ kind: "new" }), ev({ kind: "run", created })]);
  assert.is(row?.status, "running");
  assert.is(row?.finished, false);
  assert.is(row?.finishedAt, null);
});

facts("should let the newest attempt of a retried end task decide", () => {
  const row = fold([ev({ kind: "run", created }), ev({ kind: "end", ended: ended(1, true) }), ev({ kind: "end", ended: ended(0, false) })]);
  assert.is(row?.status, "successful");
  assert.is(row?.finishedAt, 2001);
});

facts("should never turn a successful run back into a failed or running one", () => {
  const known = fold([ev({ kind: "run", created }), ev({ kind: "end", ended: ended(0, true) })])!;
  const later = fold([ev({ kind: "end", ended: ended(0, false, 9000) })], known);
  assert.is(later?.status, "successful");
  assert.is(later?.finishedAt, 2000);
});

facts("should re-read a run whose status is failed, or ok with no end outcome known", () => {
  assert.is(fold([ev({ kind: "run", created }), ev({ kind: "failed" })]), undefined, "a lost end task writes its outcome without an event");
  assert.is(fold([ev({ kind: "run", created }), ev({ kind: "ok" })]), undefined, "the end task's event was lost");
});

facts("should re-read a run it knows nothing of, or on an untyped event", () => {
  assert.is(fold([ev({ kind: "new" })]), undefined, "announced only: the run may not exist yet");
  assert.is(fold([ev({ kind: "end", ended: ended(0, true) })]), undefined, "an outcome without the run's facts");
  assert.is(fold([ev({ kind: "run", created }), ev({})]), undefined, "no kind: re-read");
  assert.is(fold([ev({ kind: "end" })], fold([ev({ kind: "run", created })])), undefined, "an end event whose body is gone");
});

facts("should take the user tags of a tag edit from the tags read, not from any event", () => {
  const known = fold([ev({ kind: "run", created })])!;
  assert.is(fold([ev({ kind: "tags" })], known), undefined, "the caller must read the tags first");
  assert.equal(fold([ev({ kind: "tags" })], known, ["exp", "reviewed"])?.userTags, ["exp", "reviewed"]);
  assert.equal(known.userTags, ["exp"], "the known facts are not changed in place");
});

facts("should add the upstream runs of every end attempt, without duplicates", () => {
  const known = { ...fold([ev({ kind: "run", created })])!, upstream: ["A/1"] };
  const row = fold([ev({ kind: "end", ended: ended(0, false, 2000, ["A/1", "B/2"]) }), ev({ kind: "end", ended: ended(1, true, 2100, ["C/3"]) })], known);
  assert.equal(row?.upstream, ["A/1", "B/2", "C/3"]);
});

facts.run();

const bodies = suite("withBody");

bodies("should take the facts of a well-formed body of the same run only", () => {
  const head = ev({ kind: "end" });
  assert.equal(withBody(head, { flow, runId, kind: "end", ended: ended(0, true) }).ended, ended(0, true));
  assert.is(withBody(head, { flow, runId: "1796000000000002", ended: ended(0, true) }).ended, undefined, "another run's body");
  assert.is(withBody(head, { flow, runId, ended: { attempt: "0", success: true, finishedAt: 1, upstream: [] } }).ended, undefined, "a malformed outcome");
  assert.is(withBody(head, null).ended, undefined, "a damaged body");
  assert.is(withBody(ev({ kind: "run" }), { flow, runId, created: { ...created, systemTags: "user:alice" } }).created, undefined, "malformed tags");
  assert.equal(withBody(ev({ kind: "run" }), { flow, runId, created }).created, created);
});

bodies.run();
