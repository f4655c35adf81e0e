// The shared snapshot of an S3 root: replaced only by compare-and-swap, copied into cache folders
// once per version. Real S3 server (`source /tmp/ceph-env.sh`).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Database } from "../../src/run-index/duckdb.js";
import { ATTACH_EMPTY_BASE, CREATE_TABLES } from "../../src/run-index/schema.js";
import { loadSnapshot } from "../../src/run-index/snapshot.js";
import { SharedSnapshotHome } from "../../src/run-index/snapshot-home.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";

/** An index database whose runs view holds `n` made-up runs of `flow`. */
async function dbWith(flow: string, n: number): Promise<Database> {
  const db = await Database.create();
  await db.run(ATTACH_EMPTY_BASE);
  await db.run(CREATE_TABLES);
  for (let i = 0; i < n; i++) {
    await db.run("INSERT INTO snap.runs VALUES ($1, $2, $3, 'u', [], [], [], true, true, NULL, 'successful', NULL, 'end', [])", [
      flow,
      String(1000 + i),
      1000 + i,
    ]);
  }
  return db;
}

async function countIn(home: SharedSnapshotHome, flow: string): Promise<number> {
  const db = await dbWith("none", 0);
  try {
    await loadSnapshot(db, await home.localFile(await home.identity()));
    return (await db.query("SELECT count(*)::INT FROM snap.runs WHERE flow = $1", [flow])).rows[0]![0] as number;
  } finally {
    db.close();
  }
}

const home = useBucket(suite<BucketContext>("SharedSnapshotHome"));

home("should create the first snapshot once when machines race, and replace it only from the version it was built on", async (ctx) => {
  const homes = ["a", "b", "c", "d"].map((m) => new SharedSnapshotHome(ctx.bucket.storage(), join(ctx.dir, m)));
  const dbs = await Promise.all(homes.map((_, i) => dbWith(`Flow${i}`, i + 1)));
  const created = await Promise.all(homes.map((h, i) => h.publish(dbs[i]!, undefined)));
  assert.is(created.filter(Boolean).length, 1, "If-None-Match: one creator");
  const winner = created.indexOf(true);
  assert.is(await countIn(homes[0]!, `Flow${winner}`), winner + 1);

  const base = await homes[0]!.identity();
  const replaced = await Promise.all(homes.map((h, i) => h.publish(dbs[i]!, base)));
  assert.is(replaced.filter(Boolean).length, 1, "If-Match on one version: one replacer");
  const second = replaced.indexOf(true);
  assert.is(await countIn(homes[1]!, `Flow${second}`), second + 1);
  assert.is(await homes[2]!.publish(dbs[2]!, base), false, "a stale base never overwrites");
  for (const db of dbs) db.close();
});

home("should download a version once and keep at most two copies", async (ctx) => {
  const writer = new SharedSnapshotHome(ctx.bucket.storage(), join(ctx.dir, "writer"));
  const reader = new SharedSnapshotHome(ctx.bucket.storage(), join(ctx.dir, "reader"));
  let expected: string | undefined;
  for (let v = 1; v <= 4; v++) {
    const db = await dbWith("F", v);
    assert.ok(await writer.publish(db, expected));
    db.close();
    expected = await writer.identity();
    assert.is(await countIn(reader, "F"), v);
    const again = await reader.localFile(expected);
    assert.ok(again.includes(expected!.replace(/[^A-Za-z0-9_-]/g, "_")));
  }
  const copies = (await readdir(join(ctx.dir, "reader"))).filter((n) => n.startsWith("snapshot-"));
  assert.is(copies.length, 2);
});

home.run();
