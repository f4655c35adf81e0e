// The run index answers "newest runs of a flow" by streaming the snapshot (sorted by flow, newest
// first) and merging the delta of runs re-read since. This property test drives a root through
// random histories (runs arriving out of creation order, tag edits and finishes of old runs, runs
// vanishing, compactions at random points) and compares every answer with a brute-force model.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { RunIndex } from "../../src/run-index/run-index.js";
import { keys } from "../../src/store/layout.js";
import type { Datastore } from "../../src/store/datastore.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun, writeTask } from "../_helpers/index-runs.js";

const FLOWS = ["A", "B"];
const USERS = ["u0", "u1", "u2"];

interface ModelRun {
  flow: string;
  runId: string;
  createdAt: number;
  tags: Set<string>;
  successful: boolean;
}

type Op =
  | { kind: "run"; flow: number; user: number; ok: boolean; ageMs: number; tag: boolean }
  | { kind: "tag"; pick: number }
  | { kind: "finish"; pick: number }
  | { kind: "vanish"; pick: number }
  | { kind: "compact" }
  | { kind: "check"; flow: number; ns: number; successfulOnly: boolean; limit: number; offset: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("run" as const),
      flow: fc.nat(1),
      user: fc.nat(2),
      ok: fc.boolean(),
      ageMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
      tag: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tag" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("finish" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("vanish" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compact" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("check" as const),
      flow: fc.nat(1),
      ns: fc.nat(4),
      successfulOnly: fc.boolean(),
      limit: fc.integer({ min: 0, max: 6 }),
      offset: fc.nat(3),
    }),
  },
);

/** Namespace choices: the global one, each user, and the user tag `exp`. */
const NAMESPACES: (string | null)[] = [null, "user:u0", "user:u1", "user:u2", "exp"];

function expected(model: ModelRun[], flow: string, ns: string | null, successfulOnly: boolean): string[] {
  return model
    .filter((r) => r.flow === flow && (ns === null || r.tags.has(ns)) && (!successfulOnly || r.successful))
    .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0))
    .map((r) => r.runId);
}

async function apply(ds: Datastore, index: RunIndex, model: ModelRun[], o: Op): Promise<void> {
  const existing = model.length > 0 ? model[("pick" in o ? o.pick : 0) % model.length] : undefined;
  switch (o.kind) {
    case "run": {
      const flow = FLOWS[o.flow]!;
      const user = USERS[o.user]!;
      const run = await makeRun(ds, { flow, user, outcome: o.ok ? "successful" : "failed", tags: o.tag ? ["exp"] : [], notify: false });
      // An older creation time than runs already indexed: the run arrives out of order.
      const createdAt = run.createdAt - o.ageMs;
      await ds.storage.write(keys.run(flow, run.runId), JSON.stringify({ ...run, createdAt }));
      await ds.notifyRunChanged(flow, run.runId);
      model.push({ flow, runId: run.runId, createdAt, tags: new Set([`user:${user}`, "runtime:node", ...(o.tag ? ["exp"] : [])]), successful: o.ok });
      return;
    }
    case "tag":
      if (!existing) return;
      await ds.updateTags(existing.flow, existing.runId, (tags) => (tags.includes("exp") ? tags.filter((t) => t !== "exp") : [...tags, "exp"]));
      await ds.notifyRunChanged(existing.flow, existing.runId);
      if (existing.tags.has("exp")) existing.tags.delete("exp");
      else existing.tags.add("exp");
      return;
    case "finish":
      if (!existing || existing.successful) return;
      await ds.writeDone(existing.flow, existing.runId, "end", "1", { attempt: 1, success: true, startedAt: 1, finishedAt: 2, pid: 1, next: [] });
      await ds.writeStatus(existing.flow, existing.runId, { state: "successful", finishedAt: Date.now() });
      await ds.notifyRunChanged(existing.flow, existing.runId);
      existing.successful = true;
      return;
    case "vanish":
      if (!existing) return;
      await ds.storage.delete(keys.run(existing.flow, existing.runId));
      await ds.notifyRunChanged(existing.flow, existing.runId);
      model.splice(model.indexOf(existing), 1);
      return;
    case "compact":
      await index.compact();
      return;
    case "check": {
      const flow = FLOWS[o.flow]!;
      const ns = NAMESPACES[o.ns]!;
      const all = expected(model, flow, ns, o.successfulOnly);
      const got = await index.listRuns(flow, { namespace: ns, successfulOnly: o.successfulOnly, limit: o.limit, offset: o.offset });
      assert.equal(
        got.map((r) => r.runId),
        all.slice(o.offset, o.offset + o.limit),
        `${flow} in ${ns} (successful only: ${o.successfulOnly}) limit ${o.limit} offset ${o.offset}`,
      );
      assert.equal(await index.listRunIds(flow, ns, "", o.limit), expected(model, flow, ns, false).slice(0, o.limit));
      return;
    }
  }
}

test("newest-first lookups match a brute-force model through out-of-order arrivals, edits and compactions", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
      const dir = await makeTempDir();
      const ds = localDatastore(dir);
      const index = await RunIndex.open(ds, { onNotice: () => undefined });
      const model: ModelRun[] = [];
      try {
        for (const o of ops) await apply(ds, index, model, o);
        for (const flow of FLOWS)
          for (const ns of NAMESPACES) {
            assert.equal(
              (await index.listRuns(flow, { namespace: ns })).map((r) => r.runId),
              expected(model, flow, ns, false),
            );
            // Queries over the whole `runs` view see the same runs as the newest-first lookups.
            assert.is(await index.countRuns(flow, ns), expected(model, flow, ns, false).length);
          }
        for (const ns of NAMESPACES) {
          assert.equal(
            await index.listFlows(ns),
            FLOWS.filter((f) => expected(model, f, ns, false).length > 0),
          );
        }
        const sql = await index.querySql("SELECT count(*) AS n, count(*) FILTER (WHERE successful) AS ok FROM runs", { namespace: null });
        assert.equal(sql.rows, [[model.length, model.filter((r) => r.successful).length]]);
        // A fresh reader (the snapshot plus whatever is still in the journal) agrees too.
        const fresh = await RunIndex.open(ds, { onNotice: () => undefined });
        try {
          for (const flow of FLOWS)
            assert.equal(
              (await fresh.listRuns(flow, { namespace: null, limit: 3 })).map((r) => r.runId),
              expected(model, flow, null, false).slice(0, 3),
            );
        } finally {
          await fresh.close();
        }
      } finally {
        await index.close();
        await removeTempDir(dir);
      }
    }),
    { numRuns: Number(process.env["PROPERTY_RUNS"] ?? 25) },
  );
});

test("a run that vanished from the datastore leaves the index", async () => {
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  try {
    const a = await makeRun(ds);
    const b = await makeRun(ds);
    await index.compact();
    await writeTask(ds, a, "end", true);
    await ds.storage.delete(keys.run("TeamCollabFlow", b.runId));
    await ds.notifyRunChanged("TeamCollabFlow", b.runId);
    assert.equal(
      (await index.listRuns("TeamCollabFlow", { namespace: null, limit: 1 })).map((r) => r.runId),
      [a.runId],
    );
  } finally {
    await index.close();
    await removeTempDir(dir);
  }
});

test("a run re-read after its details were loaded shows its new tasks in SQL", async () => {
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  try {
    const run = await makeRun(ds, { outcome: "running" });
    const steps = async () => (await index.querySql(`SELECT step FROM tasks WHERE run_id = '${run.runId}' ORDER BY step`, { namespace: null })).rows.flat();
    assert.equal(await steps(), ["start"]);
    await writeTask(ds, run, "end", true);
    await ds.notifyRunChanged("TeamCollabFlow", run.runId);
    assert.equal(
      (await index.listRuns("TeamCollabFlow", { namespace: null, successfulOnly: true })).map((r) => r.runId),
      [run.runId],
    );
    assert.equal(await steps(), ["end", "start"]);
  } finally {
    await index.close();
    await removeTempDir(dir);
  }
});

test.run();
