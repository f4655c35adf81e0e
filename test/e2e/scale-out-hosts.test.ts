// Three worker "hosts" (network namespaces with their own hostnames) take a run's tasks from Redis
// and write them to a shared S3 root (Ceph RGW), all on addresses that exist only inside the namespaces.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO, fixture, tsflow, type CliResult } from "../_helpers/cli.js";
import { type RedisServer, startRedis } from "../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../_helpers/workers.js";
import { killNamespace } from "../_helpers/netns.js";

const exec = promisify(execFile);
const P = "tsh";
const CTL = `${P}-ctl`;
const CEPH_DIR = `/tmp/tsflow-ceph-${P}`;

const hosts = suite("scale-out over hosts");
let redis: RedisServer;
let s3Env: NodeJS.ProcessEnv = {};
let workers: WorkerProcess[] = [];
let root = "";

hosts.before(async () => {
  const env = { ...process.env, NETNS_PREFIX: P };
  await exec("bash", [`${REPO}scripts/netns-down.sh`], { env });
  await exec("bash", [`${REPO}scripts/netns-up.sh`, "3"], { env });
  const { stdout } = await exec("ip", [
    "netns",
    "exec",
    CTL,
    "env",
    `CEPH_DIR=${CEPH_DIR}`,
    "CEPH_ADDR=10.78.0.1",
    "RGW_PORT=7480",
    "MON_PORT_V2=3300",
    "MON_PORT_V1=6789",
    "bash",
    `${REPO}scripts/ceph-up.sh`,
    "memstore",
  ]);
  for (const [, k, v] of stdout.matchAll(/(\w+)=(\S+)/g)) s3Env[k!] = v!;
  s3Env = { ...s3Env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  await exec("ip", [
    "netns",
    "exec",
    CTL,
    "curl",
    "-sf",
    "--aws-sigv4",
    "aws:amz:us-east-1:s3",
    "--user",
    `${s3Env.AWS_ACCESS_KEY_ID}:${s3Env.AWS_SECRET_ACCESS_KEY}`,
    "-H",
    "x-amz-content-sha256:UNSIGNED-PAYLOAD",
    "-X",
    "PUT",
    "http://10.78.0.1:7480/fleet",
  ]);
  redis = await startRedis({ host: "10.78.0.1", netns: CTL });
});
hosts.after(async () => {
  await Promise.all(workers.map((w) => w.kill9()));
  await redis?.stop();
  await exec("bash", [`${REPO}scripts/ceph-down.sh`], { env: { ...process.env, CEPH_DIR } }).catch(() => undefined);
  await exec("bash", [`${REPO}scripts/netns-down.sh`], { env: { ...process.env, NETNS_PREFIX: P } }).catch(() => undefined);
});
hosts.before.each(() => {
  root = `s3://fleet/run-${Date.now().toString(36)}`;
});
hosts.after.each(async () => {
  await Promise.all(workers.map((w) => w.kill9()));
  workers = [];
});

const startHosts = (env: NodeJS.ProcessEnv = {}) =>
  Promise.all(
    [1, 2, 3].map((n) =>
      startWorker(redis.url, {
        netns: `${P}-n${n}`,
        hostname: `host${n}`,
        concurrency: 2,
        env: { ...s3Env, TSFLOW_CACHE_DIR: `/tmp/tsflow-cache-${P}-${n}`, ...env },
      }),
    ),
  );

function launch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return tsflow(args, { root, netns: CTL, env: { ...s3Env, TSFLOW_CACHE_DIR: `/tmp/tsflow-cache-${P}-ctl`, ...env } });
}

type Attempts = Record<string, Record<string, { attempt: number; success: boolean | null; host: string | null }[]>>;
async function attemptsOf(flow: string, runId: string): Promise<Attempts> {
  const { stdout } = await exec(
    "ip",
    ["netns", "exec", CTL, process.execPath, "--import", "tsx", `${REPO}test/_fixtures/read-attempts.ts`, root, flow, runId],
    { env: { ...process.env, ...s3Env }, cwd: REPO },
  );
  return JSON.parse(stdout) as Attempts;
}

hosts("should spread a 50-task foreach over three hosts through Redis on a shared S3 root", async () => {
  workers = await startHosts({ TASK_MS: "300" });
  const r = await launch(["run", fixture("remote-fan50.ts"), "--executor", redis.url]);
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /total 40425/);
  assert.not.match(r.stderr, /Warning/, "50 tasks in flight print no Node warning (MaxListenersExceededWarning)");
  const runId = /run-id (\d+)/.exec(r.stdout)![1]!;
  const each = (await attemptsOf("Fan50Flow", runId)).each!;
  assert.is(Object.keys(each).length, 50);
  const byHost = new Map<string, number>();
  for (const attempts of Object.values(each)) {
    const last = attempts.at(-1)!;
    assert.is(last.success, true);
    byHost.set(last.host!, (byHost.get(last.host!) ?? 0) + 1);
  }
  assert.equal([...byHost.keys()].sort(), ["host1", "host2", "host3"], `spread: ${JSON.stringify([...byHost])}`);
});

hosts("should finish the run when a host's worker is killed mid-task, re-running its task as a second attempt", async () => {
  workers = await startHosts({ TASK_MS: "3000" });
  const run = launch(["run", fixture("remote-fan50.ts"), "--executor", redis.url]);
  const doomed = workers[1]!;
  for (let i = 0; i < 600 && !/each\/\d+ attempt 0: started/.test(doomed.output()); i++) await new Promise((r) => setTimeout(r, 100));
  await killNamespace(`${P}-n2`);
  const r = await run;
  assert.is(r.code, 0, r.stderr + r.stdout);
  const runId = /run-id (\d+)/.exec(r.stdout)![1]!;
  const each = (await attemptsOf("Fan50Flow", runId)).each!;
  const second = Object.values(each).filter((a) => a.length > 1);
  assert.ok(second.length >= 1, "a task of the killed host shows a second attempt");
  for (const attempts of second) {
    assert.is(attempts[0]!.success, null, "the lost attempt has no outcome");
    assert.is(attempts.at(-1)!.success, true);
    assert.not.equal(attempts.at(-1)!.host, "host2");
  }
});

hosts.run();
