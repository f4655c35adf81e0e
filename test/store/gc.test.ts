import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { collectGarbage, parseDuration } from "../../src/store/gc.js";
import { ObjectStore } from "../../src/store/object-store.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun } from "../_helpers/index-runs.js";
import { tsflow } from "../_helpers/cli.js";

const HOUR = 3_600_000;

/** A root with one run, one stored artifact and temporary files of several ages. */
async function rootWithLeftovers(dir: string) {
  const ds = localDatastore(dir);
  await makeRun(ds);
  const ref = await new ObjectStore(ds.storage).put({ kept: true }, { artifact: "a", step: "start" });
  const now = Date.now();
  const leftovers: [string, number, number][] = [
    ["objects/incoming.tmp-4242-0a1b2c3d", 48 * HOUR, 1000],
    [`objects/${ref.sha.slice(0, 2)}/${ref.sha}.tmp-4242-deadbeef`, 30 * HOUR, 10],
    ["index/index.duckdb.tmp-77-00ff00ff", 25 * HOUR, 5],
    ["index/journal/123-1-abc.json.tmp-9-12345678", 26 * HOUR, 3],
    ["objects/incoming.tmp-99-feedface", 0, 7], // a write in progress
  ];
  for (const [key, age, bytes] of leftovers) {
    const file = join(dir, key);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, "x".repeat(bytes));
    const t = (now - age) / 1000;
    await utimes(file, t, t);
  }
  return { ds, ref };
}

test("removes old temporary files only: never a value, never a write in progress", async () => {
  const dir = await makeTempDir();
  try {
    const { ds, ref } = await rootWithLeftovers(dir);
    const dry = await collectGarbage(ds, { olderThanMs: 24 * HOUR, dryRun: true });
    assert.equal(
      dry.files.map((f) => f.key),
      [
        "index/index.duckdb.tmp-77-00ff00ff",
        "index/journal/123-1-abc.json.tmp-9-12345678",
        `objects/${ref.sha.slice(0, 2)}/${ref.sha}.tmp-4242-deadbeef`, // hex shards sort before "incoming"
        "objects/incoming.tmp-4242-0a1b2c3d",
      ],
    );
    assert.is(dry.bytes, 1018);
    assert.ok((await readdir(join(dir, "objects"))).includes("incoming.tmp-4242-0a1b2c3d"), "a dry run removes nothing");
    const done = await collectGarbage(ds, { olderThanMs: 24 * HOUR });
    assert.is(done.files.length, 4);
    assert.equal(
      (await readdir(join(dir, "objects"))).filter((n) => n.includes(".tmp-")),
      ["incoming.tmp-99-feedface"],
    );
    assert.equal(await new ObjectStore(ds.storage).get(ref), { kept: true });
    assert.is((await collectGarbage(ds, { olderThanMs: 24 * HOUR })).files.length, 0);
  } finally {
    await removeTempDir(dir);
  }
});

test("parses durations", () => {
  assert.is(parseDuration("90s"), 90_000);
  assert.is(parseDuration("30m"), 1_800_000);
  assert.is(parseDuration("24h"), 24 * HOUR);
  assert.is(parseDuration("1.5d"), 36 * HOUR);
  for (const bad of ["", "24", "h", "-1h", "1w", "1 hour"]) assert.is(parseDuration(bad), undefined, bad);
});

test("tsflow gc: dry run, removal, JSON, and a clear error for a bad duration", async () => {
  const dir = await makeTempDir();
  try {
    const { ref } = await rootWithLeftovers(dir);
    const dry = await tsflow(["gc", "--dry-run"], { root: dir });
    assert.is(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would remove {2}objects\/incoming\.tmp-4242-0a1b2c3d {2}\(1000 bytes\)/);
    assert.match(dry.stdout, /Would remove 4 temporary file\(s\), 1018 bytes, older than 24h/);
    const json = await tsflow(["gc", "--older-than", "27h", "--json"], { root: dir });
    assert.is(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { files: { key: string }[]; bytes: number; dryRun: boolean };
    assert.equal(
      report.files.map((f) => f.key),
      [`objects/${ref.sha.slice(0, 2)}/${ref.sha}.tmp-4242-deadbeef`, "objects/incoming.tmp-4242-0a1b2c3d"],
    );
    assert.is(report.bytes, 1010);
    assert.is(report.dryRun, false);
    const bad = await tsflow(["gc", "--older-than", "soon"], { root: dir });
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /^Usage error: 'soon' is not a duration: give a number and a unit, such as 90s, 30m, 24h or 7d\./);
    assert.not.match(bad.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await removeTempDir(dir);
  }
});

test.run();
