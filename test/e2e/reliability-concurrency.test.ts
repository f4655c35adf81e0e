/**
 * Many writers on one root: 8 processes each running runs of the same flow at once, other processes
 * editing tags of existing runs, and a reader (as a notebook kernel would) querying in a loop. Every
 * run is in the index exactly once, no tag edit is lost, and the reader never gets an error (a lock
 * error, say) or a partial run. Runs per writer: 25 at RELIABILITY_SCALE=1.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, listRuns, namespace, Run, useDatastore } from "../../src/client/index.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { checkIntegrity, rawRuns, reportFigures, scaled, sleep, startScript } from "../_helpers/reliability.js";

const FLOW = "ManyWritersFlow";
const WRITERS = 8;
const RUNS_EACH = scaled(25, 4);
const TAGGERS = 3;
const TAGS_EACH = scaled(20, 6);

export const figures = { written: 0, found: 0, tagEdits: 0, readerQueries: 0, slowestQueryMs: 0 };

const many = suite("many writers on one root");
let root = "";
many.before(async () => {
  root = await makeTempRoot("tsflow-many-");
});
many.after(async () => {
  await closeClient();
  await removeTempRoot(root);
  reportFigures("concurrency", figures);
});

/** Starts a writer process and resolves with the run ids it made. */
async function writer(name: string, runs: number): Promise<string[]> {
  const p = startScript(new URL("../_fixtures/reliability/writer.ts", import.meta.url).pathname, [String(runs), name], root);
  const end = await p.ended;
  assert.is(end.code, 0, `writer ${name}: ${end.stderr}`);
  return JSON.parse(end.stdout.trim().split("\n").pop()!) as string[];
}

/** A tag editor: adds its tags one `addTag` call each to a run. */
async function tagger(pathspec: string, tags: string[]): Promise<void> {
  const p = startScript(new URL("../_helpers/tag-worker.ts", import.meta.url).pathname, [root, pathspec, ...tags], root);
  const end = await p.ended;
  assert.is(end.code, 0, `tagger: ${end.stderr}`);
}

many("should index every run once, keep every tag edit, and never fail a reader", async () => {
  const seeds = await writer("seed", TAGGERS);
  useDatastore(root);
  namespace(null);
  const errors: string[] = [];
  let done = false;
  let seen = 0;
  const reader = (async () => {
    while (!done) {
      try {
        const started = Date.now();
        const runs = await listRuns(FLOW, { namespace: null });
        figures.slowestQueryMs = Math.max(figures.slowestQueryMs, Date.now() - started);
        figures.readerQueries++;
        assert.ok(runs.length >= seen, `a run disappeared: ${runs.length} < ${seen}`);
        seen = runs.length;
        for (const r of runs) {
          if (r.user !== "alice" || !r.systemTags.includes("user:alice") || !(r.createdAt instanceof Date)) errors.push(`partial run ${r.pathspec}`);
        }
        const newest = runs.find((r) => r.successful);
        if (newest && figures.readerQueries % 5 === 0) assert.is(typeof (await newest.data.value), "number");
      } catch (err) {
        errors.push(String((err as Error).stack ?? err));
      }
      await sleep(20);
    }
  })();
  const tagSets = seeds.map((_, i) => Array.from({ length: TAGS_EACH }, (_, j) => `edit-${i}-${j}`));
  const [written] = await Promise.all([
    Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(`w${i}`, RUNS_EACH))),
    Promise.all(seeds.map((id, i) => tagger(`${FLOW}/${id}`, tagSets[i]!))),
  ]);
  done = true;
  await reader;
  assert.equal(errors, [], "the reader never failed");

  const ids = [...seeds, ...written.flat()];
  figures.written = ids.length;
  assert.is(new Set(ids).size, ids.length, "run ids never collide");
  const indexed = (await listRuns(FLOW, { namespace: null })).map((r) => r.id);
  assert.is(indexed.length, new Set(indexed).size, "no run is listed twice");
  assert.equal([...indexed].sort(), [...ids].sort(), "the index lists exactly the runs written");
  const raw = await rawRuns(root, FLOW);
  assert.equal([...raw.keys()].sort(), [...ids].sort(), "the datastore holds exactly the runs written");
  figures.found = indexed.length;
  for (const [i, id] of seeds.entries()) {
    const tags = (await Run(`${FLOW}/${id}`)).userTags;
    for (const t of tagSets[i]!) assert.ok(tags.includes(t), `tag ${t} of ${id} was lost`);
    assert.equal([...raw.get(id)!.userTags].sort(), [...tags].sort(), "the index has the newest tags");
    figures.tagEdits += tagSets[i]!.length;
  }
  for (let w = 0; w < WRITERS; w++) {
    assert.is((await listRuns(FLOW, { namespace: `writer:w${w}` })).length, RUNS_EACH, `writer w${w}'s runs, by namespace`);
  }
  assert.equal((await checkIntegrity(root)).problems, []);
});
many.run();
