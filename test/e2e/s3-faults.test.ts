// Concurrency and faults on a real S3 server: several writers on one s3:// root (runs and tag edits)
// lose nothing; kill -9 of a writer mid-upload leaves nothing that looks successful; the gateway
// stopped mid-run and restarted (our own Ceph on other ports, never the shared one): the run fails
// cleanly or finishes, and resume completes it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { example, fixture, tsflow, REPO } from "../_helpers/cli.js";
import { makeS3Root, removeS3Root, TEST_BUCKET } from "../_helpers/s3.js";
import { runIdFrom, datastoreAt } from "../_helpers/runs.js";
import { killNow, sleep, startCli, startScript } from "../_helpers/reliability.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { closeClient, namespace, Run, useDatastore } from "../../src/client/index.js";

const sh = promisify(execFile);

const many = suite("several writers on one s3:// root");
let root = "";
many.before(async () => void (root = await makeS3Root("writers")));
many.after(async () => {
  await closeClient();
  await removeS3Root(root);
});

many("should keep every run and every tag edit of concurrent writers", async () => {
  const first = await tsflow(["run", example("team-collab.ts")], { root, user: "alice" });
  assert.is(first.code, 0, first.stderr);
  const tagged = runIdFrom(first.stdout);
  const runs = ["alice", "bob", "carol", "dave"].map((user) => tsflow(["run", example("team-collab.ts")], { root, user }));
  const editors = [0, 1, 2].map(
    (w) =>
      startScript(`${REPO}test/_helpers/tag-worker.ts`, [root, `TeamCollabFlow/${tagged}`, ...Array.from({ length: 5 }, (_, i) => `w${w}-t${i}`)], root).ended,
  );
  const done = await Promise.all(runs);
  for (const r of done) assert.is(r.code, 0, r.stderr);
  for (const e of await Promise.all(editors)) assert.is(e.code, 0, e.stderr);
  const ids = done.map((r) => runIdFrom(r.stdout));
  assert.is(new Set(ids).size, 4, "every run got its own id");
  useDatastore(root);
  namespace(null);
  for (const id of ids) assert.is((await Run(`TeamCollabFlow/${id}`)).successful, true);
  const run = await Run(`TeamCollabFlow/${tagged}`);
  assert.is(run.userTags.length, 15, `all 15 tags survived: ${run.userTags.join(",")}`);
});
many.run();

const kill = suite("kill -9 of a writer mid-upload");
kill.before(async () => void (root = await makeS3Root("kill")));
kill.after(async () => {
  await closeClient();
  await removeS3Root(root);
});

kill("should leave nothing that looks successful", async () => {
  const s3 = new S3Client({ forcePathStyle: true, region: process.env.AWS_REGION || "us-east-1" });
  const prefix = root.slice(`s3://${TEST_BUCKET}/`.length);
  const p = startScript(`${REPO}test/_helpers/s3-big-run.ts`, [root, "12000000"], root);
  let uploading = false;
  for (let i = 0; i < 600 && !uploading; i++) {
    const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET, Prefix: `${prefix}/` }));
    uploading = (out.Uploads ?? []).length > 0;
    if (!uploading) await sleep(50);
  }
  assert.ok(uploading, `a multipart upload was seen in progress\n${p.out()}`);
  killNow(-p.child.pid!); // the whole process group: the CLI and its worker
  await p.ended;
  const ds = datastoreAt(root);
  const [runId] = await ds.listRunIds("BigArrowFlow");
  assert.ok(runId, "the run was created before the upload");
  assert.is(await ds.readDone("BigArrowFlow", runId!, "start", "1", 0), undefined, "the killed task has no outcome");
  assert.is(await ds.readStatus("BigArrowFlow", runId!), undefined, "the run has no status");
  const objects = (await new S3Storage(root).listRecursive("objects")).filter((o) => !o.key.includes(".tmp-"));
  assert.ok(
    objects.every((o) => o.size < 1 << 20),
    "no large object was published",
  );
  useDatastore(root);
  namespace(null);
  const run = await Run(`BigArrowFlow/${runId}`);
  assert.is(run.successful, false);
  assert.is(run.finished, false);
  s3.destroy();
});
kill.run();

// Our own single-node Ceph on other ports and dirs: only its radosgw is stopped and started.
const CEPH_DIR = "/tmp/ceph-s3storage";
const PORTS = { RGW_PORT: "7491", MON_PORT_V2: "3311", MON_PORT_V1: "6791" };
const gateway = suite("the gateway stopped mid-run and restarted");
let env: NodeJS.ProcessEnv = {};
gateway.before(async () => {
  const up = await sh("bash", [`${REPO}scripts/ceph-up.sh`, "bluestore"], { env: { ...process.env, CEPH_DIR, ...PORTS }, timeout: 180_000 });
  const line = up.stdout.split("\n").find((l) => l.startsWith("export "))!;
  env = Object.fromEntries(
    line
      .slice(7)
      .split(" ")
      .map((kv) => kv.split("=") as [string, string]),
  );
  const client = new S3Client({
    forcePathStyle: true,
    region: "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL_S3,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  });
  await client.send(new CreateBucketCommand({ Bucket: "restart" }));
  client.destroy();
});
gateway.after(async () => {
  await sh("bash", [`${REPO}scripts/ceph-down.sh`], { env: { ...process.env, CEPH_DIR } });
});

const rgwPid = () => Number(readFileSync(`${CEPH_DIR}/run/ceph-client.rgw.0.pid`, "utf8").trim());
const startRgw = () => sh("radosgw", ["-c", `${CEPH_DIR}/ceph.conf`, "-n", "client.rgw.0"]);

gateway("should fail the run cleanly or finish it, and resume completes it", async () => {
  const own = `s3://restart/run-${Date.now()}`;
  const p = startCli(["run", fixture("s3-load.ts"), "--flow", "SlowForeachFlow", "--max-workers", "2"], own, env);
  for (let i = 0; i < 400 && !/\/work\/\d+\] Task finished successfully/.test(p.out()); i++) await sleep(50);
  assert.match(p.out(), /work\/\d+\] Task finished successfully/, "the foreach was under way");
  process.kill(rgwPid(), "SIGTERM");
  await sleep(12_000); // longer than the retries ride out (about 8 s): the run must fail, cleanly
  await startRgw();
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(env.AWS_ENDPOINT_URL_S3!).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const first = await p.ended;
  assert.not.match(first.stderr, /Internal error/, first.stderr);
  assert.not.match(`${first.stdout}${first.stderr}`, new RegExp(env.AWS_SECRET_ACCESS_KEY!), "no credentials in the output");
  const runId = runIdFrom(first.stdout);
  if (first.code !== 0) {
    assert.is(first.code, 1, first.stderr);
    assert.match(`${first.stdout}\n${first.stderr}`, /S3 server at http:\/\/127\.0\.0\.1:7491/, "the failure names the endpoint");
    const resumed = await tsflow(["resume", fixture("s3-load.ts"), "--flow", "SlowForeachFlow", "--origin-run-id", runId], { root: own, env });
    assert.is(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /total: 360/);
  } else {
    assert.match(first.stdout, /total: 360/);
  }
  process.stdout.write(`gateway restart: the first run ${first.code === 0 ? "finished" : "failed cleanly and resume completed it"}\n`);
});
gateway.run();
