import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { hostname } from "node:os";
import { tryLock, waitLock } from "../../src/run-index/compact-lock.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const lock = suite("tryLock");
lock("should be exclusive until released", async () => {
  const dir = await makeTempDir();
  const file = join(dir, "compact.lock");
  const first = await tryLock(file);
  assert.ok(first);
  assert.is(await tryLock(file), undefined);
  await first!.release();
  const second = await tryLock(file);
  assert.ok(second);
  await second!.release();
  await removeTempDir(dir);
});
lock("should take over a lock whose holder died, once", async () => {
  const dir = await makeTempDir();
  const file = join(dir, "compact.lock");
  await fs.writeFile(file, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345, token: "dead", at: Date.now() }));
  const takers = await Promise.all([tryLock(file), tryLock(file), tryLock(file)]);
  assert.is(takers.filter(Boolean).length, 1);
  await takers.find(Boolean)!.release();
  await removeTempDir(dir);
});
lock("should not take over a live holder's lock, but wait for it", async () => {
  const dir = await makeTempDir();
  const file = join(dir, "compact.lock");
  await fs.writeFile(file, JSON.stringify({ host: hostname(), pid: process.pid, token: "alive", at: Date.now() }));
  assert.is(await tryLock(file), undefined);
  assert.is(await waitLock(file, 50), undefined);
  setTimeout(() => void fs.rm(file), 30);
  const got = await waitLock(file, 2000);
  assert.ok(got);
  await got!.release();
  await removeTempDir(dir);
});
lock.run();
