// Lineage through the real CLI: tasks in worker processes record what they read from other runs
// (the seed's AccessOtherNamespace reading TeamCollabFlow), `tsflow show` lists it both ways, resume
// keeps the lineage of cloned tasks, and the run index answers consumers after a rebuild.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { example, fixture, tsflow } from "../_helpers/cli.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { datastoreAt, runIdFrom } from "../_helpers/runs.js";

let root = "";
const cli = suite("lineage (CLI)");
cli.before.each(async () => {
  root = await makeTempRoot();
});
cli.after.each(async () => {
  await removeTempRoot(root);
});

cli("should record a worker task's reads of a teammate's run and show them on both runs", async () => {
  const team = await tsflow(["run", example("team-collab.ts")], { root, user: "alice" });
  assert.is(team.code, 0, team.stderr);
  const teamId = runIdFrom(team.stdout);
  const reader = await tsflow(["run", example("access-other-namespace.ts"), "--other-namespace", "user:alice"], { root, user: "bob" });
  assert.is(reader.code, 0, reader.stderr);
  const readerId = runIdFrom(reader.stdout);
  const record = await datastoreAt(root).readLineage("AccessOtherNamespace", readerId, "start", "1");
  assert.equal(record, { task: "start/1", attempt: 0, reads: [{ pathspec: `TeamCollabFlow/${teamId}/end/2/choice`, namespace: "user:alice" }] });
  const shown = await tsflow(["show", `AccessOtherNamespace/${readerId}`], { root, user: "bob" });
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`read from other runs:\\nRUN .*\\n-+.*\\nTeamCollabFlow/${teamId}\\s+end/2/choice\\s+start/1\\s+user:alice`));
  assert.match(shown.stdout, /read by: -/);
  const upstream = await tsflow(["show", `TeamCollabFlow/${teamId}`], { root, user: "alice" });
  assert.match(upstream.stdout, /read from other runs: -/);
  assert.match(upstream.stdout, new RegExp(`read by:\\nRUN .*\\n-+.*\\nAccessOtherNamespace/${readerId}\\s+bob\\s+successful`));
  const rebuilt = await tsflow(["index", "rebuild"], { root });
  assert.is(rebuilt.code, 0, rebuilt.stderr);
  const again = await tsflow(["show", `TeamCollabFlow/${teamId}`], { root, user: "alice" });
  assert.match(again.stdout, new RegExp(`AccessOtherNamespace/${readerId}\\s+bob\\s+successful`), "consumers come from the rebuilt index");
});

cli("should keep the lineage of tasks that resume clones", async () => {
  const source = await tsflow(["run", fixture("lineage.ts"), "--flow", "SourceFlow"], { root });
  assert.is(source.code, 0, source.stderr);
  const sourceId = runIdFrom(source.stdout);
  const failed = await tsflow(["run", fixture("lineage.ts"), "--flow", "ReaderFlow", "--ns", "user:alice"], { root, env: { FAIL_READER_END: "1" } });
  assert.is(failed.code, 1, failed.stderr);
  const originId = runIdFrom(failed.stdout);
  const resumed = await tsflow(["resume", fixture("lineage.ts"), "--flow", "ReaderFlow", "--origin-run-id", originId], { root });
  assert.is(resumed.code, 0, resumed.stderr + resumed.stdout);
  const resumedId = runIdFrom(resumed.stdout);
  const ds = datastoreAt(root);
  const cloned = await ds.readLineage("ReaderFlow", resumedId, "start", "1");
  assert.equal(cloned, {
    task: "start/1",
    attempt: 0,
    reads: [{ pathspec: `SourceFlow/${sourceId}/end/2/choice`, namespace: "user:alice" }],
    clonedFrom: `ReaderFlow/${originId}/start/1`,
  });
  const shown = await tsflow(["show", `SourceFlow/${sourceId}`], { root });
  for (const id of [originId, resumedId]) assert.match(shown.stdout, new RegExp(`ReaderFlow/${id}\\s+alice`), shown.stdout);
});
cli.run();
