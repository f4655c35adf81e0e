import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, diffRuns, namespace, runFlow, useDatastore, NotFoundError, NamespaceMismatchError, UsageError, type RunObject } from "tsflow";
import { DiffFlow } from "../_fixtures/flows/diff-flow.js";
import { ForeachFlow } from "../_fixtures/flows/foreach.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { rejects } from "../_helpers/assert-rejects.js";

const quiet = { onEvent: () => {} };
const diff = suite("diffRuns");
let root = "";
let base: RunObject;
let cand: RunObject;
diff.before(async () => {
  root = await makeTempRoot();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
  base = await runFlow(DiffFlow, { params: { rows: 50_000 }, tags: ["baseline", "shared"], ...quiet });
  cand = await runFlow(DiffFlow, { params: { rows: 50_001, alpha: 0.7, "change-row": 40_000, "extra-column": true }, tags: ["candidate", "shared"], ...quiet });
});
diff.after(async () => {
  await closeClient();
  await removeTempRoot(root);
});

diff("should compare parameters, user tags and the graph, every status relative to the first run", async () => {
  const d = await diffRuns(base, cand);
  assert.is(d.a, base.pathspec);
  assert.is(d.b, cand.pathspec);
  assert.is(d.step, "end");
  const params = Object.fromEntries(d.parameters.map((p) => [p.name, p.status]));
  assert.equal(params, { alpha: "changed", changeRow: "changed", extraColumn: "changed", rows: "changed" });
  assert.equal(
    d.parameters.find((p) => p.name === "alpha"),
    { name: "alpha", status: "changed", a: 0.5, b: 0.7, changes: [{ path: "$", kind: "changed", a: 0.5, b: 0.7 }], truncated: false },
  );
  assert.equal(d.tags, [
    { tag: "baseline", status: "removed" },
    { tag: "candidate", status: "added" },
    { tag: "shared", status: "same" },
  ]);
  assert.equal(d.graph, {
    status: "same",
    steps: [
      { name: "start", status: "same", a: "start -> end", b: "start -> end" },
      { name: "end", status: "same", a: "end -> (none)", b: "end -> (none)" },
    ],
  });
  assert.is(d.same, false);
});

diff("should give a changed JSON artifact a structural diff, and leave equal content unread as same", async () => {
  const d = await diffRuns(base.pathspec, cand.pathspec);
  const byName = Object.fromEntries(d.artifacts.map((x) => [x.name, x]));
  assert.equal(byName.config!.value, { changes: [{ path: "$.alpha", kind: "changed", a: 0.5, b: 0.7 }], truncated: false });
  assert.is(byName.constant!.status, "same");
  assert.is(byName.constant!.a!.sha, byName.constant!.b!.sha);
  assert.is(byName.extra!.status, "added");
  assert.is(byName.extra!.a, undefined);
  assert.is(byName.extra!.b!.task, `${cand.pathspec}/end/2`);
});

diff("should compare Arrow tables batch by batch: schema changes, row counts, the first differing rows", async () => {
  const table = (await diffRuns(base, cand)).artifacts.find((x) => x.name === "table")!;
  assert.is(table.status, "changed");
  const t = table.table!;
  assert.equal(t.schema, { added: [{ name: "flag", type: "Bool" }], removed: [], changed: [] });
  assert.equal(t.rows, { a: 50_000, b: 50_001 });
  assert.is(t.comparedRows, 50_000);
  assert.is(t.differingRows, 1);
  assert.equal(t.firstDifferences, [
    { row: 40_000, columns: ["score"], a: { id: 40_000, name: "row-40000", score: 20_000 }, b: { id: 40_000, name: "row-40000", score: -1, flag: true } },
  ]);
  assert.ok(t.batchesRead.a >= 1 && t.batchesRead.b >= 1);
});

diff("should report a run compared with itself as the same everywhere", async () => {
  const d = await diffRuns(base, base);
  assert.is(d.same, true);
  assert.is(d.counts.changed + d.counts.added + d.counts.removed, 0);
  assert.ok(d.artifacts.every((x) => x.status === "same" && x.value === undefined && x.table === undefined));
});

diff("should compare another step with options.step, and refuse a step in neither run", async () => {
  const d = await diffRuns(base, cand, { step: "start" });
  assert.is(d.step, "start");
  assert.is(d.artifacts.find((x) => x.name === "table")!.status, "same", "the table is still its null default in start");
  assert.is(d.artifacts.find((x) => x.name === "config")!.status, "changed");
  await rejects(diffRuns(base, cand, { step: "nope" }), NotFoundError, `Step 'nope' is in neither ${base} nor ${cand}`);
});

diff("should compare a foreach step task by task, naming each artifact by its task's position", async () => {
  const [x, y] = [await runFlow(ForeachFlow, quiet), await runFlow(ForeachFlow, quiet)];
  const d = await diffRuns(x, y, { step: "inner" });
  const pairs = d.artifacts.filter((a) => a.name.startsWith("pair["));
  assert.equal(
    pairs.map((a) => a.name),
    ["pair[0]", "pair[1]", "pair[2]", "pair[3]", "pair[4]", "pair[5]"],
  );
  assert.ok(pairs.every((a) => a.status === "same"));
  assert.is(pairs[0]!.a!.task.split("/")[2], "inner");
});

diff("should look pathspecs up in the current namespace, and refuse what is not a run", async () => {
  namespace("user:bob");
  try {
    await rejects(diffRuns(base.pathspec, cand.pathspec), NamespaceMismatchError, "Object not in namespace 'user:bob'");
  } finally {
    namespace("user:alice");
  }
  await rejects(diffRuns(base, 42 as unknown as string), UsageError, "diffRuns() compares two runs: pass Run objects or pathspecs 'Flow/RunId', got number");
  await rejects(diffRuns(base, "DiffFlow/1"), NotFoundError, "Run('DiffFlow/1') does not exist");
});
diff.run();
