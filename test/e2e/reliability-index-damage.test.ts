/**
 * The index file deleted, truncated or replaced by garbage while processes use the root (a writer
 * adding runs, this process reading in a loop, the CLI reading): every query recovers and gives the
 * same answers as the datastore's files (and as `tsflow index rebuild`).
 */
import { open, rm, truncate, writeFile, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, listNamespaces, listRuns, namespace, useDatastore } from "../../src/client/index.js";
import { tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { rawRuns, reportFigures, scaled, seededRandom, sleep, startScript } from "../_helpers/reliability.js";

// Every random choice below comes from this seed (printed): RELIABILITY_SEED=<seed> replays them.
const random = seededRandom(undefined, "index damage trials");
const FLOW = "ManyWritersFlow";
const WRITER = new URL("../_fixtures/reliability/writer.ts", import.meta.url).pathname;

const DAMAGE: [string, (file: string) => Promise<void>][] = [
  ["deleted", (f) => rm(f, { force: true })],
  ["truncated to nothing", (f) => truncate(f, 0)],
  ["truncated by half", async (f) => truncate(f, Math.floor((await stat(f)).size / 2))],
  ["replaced by garbage", (f) => writeFile(f, randomBytes(64 * 1024))],
  ["replaced by text", (f) => writeFile(f, "not a database\n")],
  [
    "overwritten in the middle",
    async (f) => {
      const h = await open(f, "r+");
      await h.write(randomBytes(4096), 0, 4096, Math.floor((await h.stat()).size / 3));
      await h.close();
    },
  ],
];

export const figures = { damages: 0, recovered: 0, queries: 0 };
const damage = suite("a damaged run index");
let root = "";
damage.before(async () => {
  root = await makeTempDir("tsflow-damage-");
});
damage.after(async () => {
  await closeClient();
  await removeTempDir(root);
  reportFigures("index-damage", figures);
});

/** Everything a reader can ask, as one comparable value. */
async function answers(): Promise<string[]> {
  figures.queries++;
  const runs = await listRuns(FLOW, { namespace: null });
  const ns = await listNamespaces();
  return [...runs.map((r) => `${r.id} ${r.status} ${r.userTags.join(",")}`), ...ns.map((n) => `${n.namespace}=${n.runs}`)];
}

/** The truth from the files: run ids and success. */
async function truth(): Promise<string[]> {
  return [...(await rawRuns(root, FLOW)).values()].map((r) => `${r.runId} ${r.successful ? "successful" : "?"}`).sort();
}

damage("should recover from every kind of damage while in use and answer as before", async () => {
  const start = startScript(WRITER, ["3", "seed"], root);
  assert.is((await start.ended).code, 0);
  assert.is((await tsflow(["index", "rebuild"], { root })).code, 0);
  useDatastore(root);
  namespace(null);
  const file = `${root}/index/index.duckdb`;
  const rounds = scaled(DAMAGE.length * 2, DAMAGE.length);
  for (let i = 0; i < rounds; i++) {
    const [what, harm] = DAMAGE[i % DAMAGE.length]!;
    figures.damages++;
    await answers(); // the reader holds the snapshot
    const w = startScript(WRITER, ["2", `round${i}`], root);
    await sleep(random() * 800);
    await harm(file).catch(() => undefined); // deleted already by a concurrent rebuild: still damage
    const during = await answers().catch((err: Error) => [`ERROR ${err.message}`]);
    assert.not.ok(
      during.some((a) => a.startsWith("ERROR")),
      `${what}: ${during.join("\n")}`,
    );
    const cli = await tsflow(["runs", FLOW, "--global", "--json", "--limit", "1000"], { root });
    assert.is(cli.code, 0, `${what}: the CLI reads too\n${cli.stderr}`);
    assert.is((await w.ended).code, 0, `${what}: the writer carries on`);
    const after = await answers();
    const files = await truth();
    const seen = after
      .filter((a) => /^\d+ /.test(a))
      .map((a) =>
        a
          .split(" ")
          .slice(0, 2)
          .join(" ")
          .replace(/ (running|failed)$/, " ?"),
      )
      .sort();
    assert.equal(seen, files, `${what}: the index answers as the files say`);
    assert.is((await tsflow(["index", "rebuild"], { root })).code, 0);
    assert.equal(await answers(), after, `${what}: tsflow index rebuild gives the same answers`);
    figures.recovered++;
  }
});
damage.run();
