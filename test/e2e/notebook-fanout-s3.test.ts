// A notebook flow fanned out on an s3:// root (the environment's S3 server: source /tmp/ceph-env.sh):
// the kernel stores the cells' code package in the bucket, a real `tsflow worker` with a cache of its
// own fetches it from there over a real Redis, and the run's artifacts are read back in a cell.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openKernelSession, type KernelSession } from "../_helpers/jupyter-client.js";
import { cellsOf } from "../_helpers/kernel-cells.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { remoteTaskPids } from "../_helpers/runs.js";
import { makeS3Root, removeS3Root } from "../_helpers/s3.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { type RedisServer, startRedis } from "../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../_helpers/workers.js";

let s: KernelSession;
let root = "";
let cache = "";
let redis: RedisServer;
let worker: WorkerProcess;
const { ok, of, text } = cellsOf(() => s);

const fanout = suite("%run --executor on an s3:// root");
fanout.before(async () => {
  root = await makeS3Root("nb-fanout");
  cache = await makeTempDir();
  redis = await startRedis();
  worker = await startWorker(redis.url, { env: { TSFLOW_CACHE_DIR: cache } });
  s = await openKernelSession({ env: { TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, TSFLOW_SHARED_ROOT: "" } });
});
fanout.after(async () => {
  await s?.close();
  await worker?.kill9();
  await redis?.stop();
  await removeS3Root(root);
  await removeTempDir(cache);
});

fanout("should store the cells' code package in the bucket and run the foreach on the worker", async () => {
  await ok(`import { FlowSpec, step } from "tsflow";\nconst words = (n: number) => "x".repeat(n);\nconsole.log(words(3));`);
  await ok(`class S3FanFlow extends FlowSpec {
  sizes = [1, 2, 3];
  word = "";
  joined = "";
  @step start() { this.next(this.each, { foreach: "sizes" }); }
  @step each() { this.word = words(this.input as number); this.next(this.join); }
  @step join(inputs: Iterable<{ word: string }>) { this.joined = [...inputs].map((i) => i.word).join("-"); this.next(this.end); }
  @step end() {}
}`);
  const r = await ok(`%run S3FanFlow --executor ${redis.url}`);
  const runId = /Run\('S3FanFlow\/(\d+)'\)/.exec(of(r, "execute_result")[0].data["text/plain"])?.[1] ?? "";
  assert.ok(runId, text(r));
  assert.is((await remoteTaskPids(root, "S3FanFlow", runId, "each", "redis:tsflow")).tasks, 3);
  const packages = await new S3Storage(root).list("code");
  assert.is(packages.length, 1, packages.join(", "));
  assert.match(packages[0]!, /^[0-9a-f]{64}\.mjs$/);
  const joined = await ok(`import { Run } from "tsflow";\nconst s3Run = await Run("S3FanFlow/${runId}");\nawait s3Run.data.joined`);
  assert.is(of(joined, "execute_result")[0].data["text/plain"], "'x-xx-xxx'");
  // Running again with the same cells reuses the same package.
  await ok(`%run S3FanFlow --executor ${redis.url}`);
  assert.is((await new S3Storage(root).list("code")).length, 1);
});
fanout.run();
