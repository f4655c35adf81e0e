import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { datastoreAt } from "../../_helpers/runs.js";
import { claimAttempt } from "../../../src/runtime/remote/attempt-claim.js";
import type { TaskSpec } from "../../../src/runtime/task-spec.js";
import type { Datastore } from "../../../src/store/datastore.js";
import { keys } from "../../../src/store/layout.js";

const claims = suite("claimAttempt");
let root = "";
let ds: Datastore;
claims.before.each(async () => {
  root = await makeTempDir();
  ds = datastoreAt(root);
});
claims.after.each(() => removeTempDir(root));

const spec = { flow: "F", runId: "1", step: "each", taskId: "3", attempt: 0, parameters: {} } as unknown as TaskSpec;
const claimed = (n: number) => ds.storage.readText(keys.claim("F", "1", "each", "3", n));
const finish = (attempt: number) => ds.writeDone("F", "1", "each", "3", { attempt, success: true, startedAt: 1, finishedAt: 2, pid: 9, next: ["join"] });

/** The first counted delivery's attempt, once its claim is stored. */
async function firstDelivery(): Promise<number | undefined> {
  const claim = await claimAttempt(ds, spec, "redis:q", { delivery: 1 });
  if (!("attempt" in claim)) return undefined;
  await claim.recorded;
  return claim.attempt;
}

claims("should give each delivery its own attempt when the engine does not count deliveries", async () => {
  assert.equal(await claimAttempt(ds, spec, "slurm:1"), { attempt: 0 });
  assert.equal(await claimAttempt(ds, spec, "slurm:1"), { attempt: 1 }, "attempt 0 is claimed and not finished");
  await finish(1);
  const again = await claimAttempt(ds, spec, "slurm:1");
  assert.ok("done" in again && again.done.attempt === 1, "a third delivery reports attempt 1's outcome");
});

claims("should let the first counted delivery own its attempt at once, and never give that attempt to a later one", async () => {
  assert.is(await firstDelivery(), 0);
  assert.match((await claimed(0)) ?? "", /"executor":"redis:q"/, "the first delivery's claim is written alongside");
});

claims("should run a later delivery as the next attempt even when the first one's claim is not there", async () => {
  // The first delivery owns attempt 0 without waiting for its claim, and may still be running when
  // its worker looks dead: a second delivery never takes attempt 0.
  assert.equal(await claimAttempt(ds, spec, "redis:q", { delivery: 2 }), { attempt: 1 });
  assert.match((await claimed(1)) ?? "", /"executor":"redis:q"/);
  // A third delivery after attempt 1 finished reports its outcome instead of running again.
  await finish(1);
  const third = await claimAttempt(ds, spec, "redis:q", { delivery: 3 });
  assert.ok("done" in third && third.done.attempt === 1 && third.done.success);
});

claims("should report the first delivery's outcome to a later delivery that finds it finished", async () => {
  assert.is(await firstDelivery(), 0);
  await finish(0);
  const later = await claimAttempt(ds, spec, "redis:q", { delivery: 2 });
  assert.ok("done" in later && later.done.attempt === 0);
});

claims.run();
