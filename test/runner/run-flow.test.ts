import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { runFlow, useDatastore, closeClient, namespace, Run, RunFailedError, GraphError, FlowSpec, step, type Inputs } from "tsflow";
import { BranchFlow } from "../_fixtures/flows/branch-join.js";
import { ResumeFlow } from "../_fixtures/flows/fail-resume.js";
import { fixture, tsflow } from "../_helpers/cli.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { datastoreAt, remoteTaskPids, runIdFrom } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { ExecutorError } from "../../src/util/errors.js";
import { FanFlow } from "../_fixtures/flows/remote-fan.js";
import { type RedisServer, startRedis } from "../_helpers/redis-server.js";
import { type WorkerProcess, startWorker } from "../_helpers/workers.js";

const run = suite("runFlow");
let root = "";
run.before.each(async () => {
  root = await makeTempRoot();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
});
run.after.each(async () => {
  await closeClient();
  await removeTempRoot(root);
});

async function files(dir: string): Promise<string[]> {
  if (dir.startsWith("s3://")) return (await new S3Storage(dir).listRecursive("")).map((o) => o.key).sort();
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

run("should return the finished Run, readable whatever the namespace", async () => {
  namespace("user:someone-else");
  const r = await runFlow(BranchFlow, { onEvent: () => {} });
  assert.is(r.successful, true);
  assert.is(r.namespace, "user:someone-else", "it shows the namespace it was read in");
  assert.is(await r.data.total, 12);
  assert.is(await r.data.shared, "same");
  namespace(null);
  assert.is((await Run(r.pathspec)).id, r.id);
});

run("should write the same datastore records as the worker-process runtime", async () => {
  const inProcess = await runFlow(BranchFlow, { onEvent: () => {} });
  const cli = await tsflow(["run", fixture("branch-join.ts")], { root });
  assert.is(cli.code, 0, cli.stderr);
  const base = (id: string) => (root.startsWith("s3://") ? `${root}/flows/BranchFlow/runs/${id}` : join(root, "flows", "BranchFlow", "runs", id));
  assert.equal(await files(base(inProcess.id)), await files(base(runIdFrom(cli.stdout))));
  const ds = datastoreAt(root);
  for (const [s, t] of [
    ["start", "1"],
    ["join", "4"],
    ["end", "5"],
  ] as const) {
    const a = await ds.readArtifacts("BranchFlow", inProcess.id, s, t, 0);
    const b = await ds.readArtifacts("BranchFlow", runIdFrom(cli.stdout), s, t, 0);
    assert.equal(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.sha])), Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.sha])));
  }
});

run("should reject a failed run with RunFailedError, and resume it", async () => {
  process.env.FAIL_AT = "3";
  const err = await rejects(runFlow(ResumeFlow, { onEvent: () => {} }), RunFailedError, "failing on 3");
  delete process.env.FAIL_AT;
  const origin = (err as RunFailedError).pathspec.split("/")[1]!;
  const resumed = await runFlow(ResumeFlow, { resume: { originRunId: origin }, onEvent: () => {} });
  assert.is(await resumed.data.sum, 60);
  assert.is(resumed.originPathspec, `ResumeFlow/${origin}`);
});

run("should say in one sentence why a run failed, when the step's message ends with a full stop", async () => {
  class StopFlow extends FlowSpec {
    rows = 0;
    @step start() {
      if (this.rows === 0) throw new Error("No data today.");
      this.next(this.end);
    }
    @step end() {}
  }
  const err = await rejects(runFlow(StopFlow, { onEvent: () => {} }), RunFailedError, "failed: Error: No data today. Fix the step");
  assert.not.match(err.message, "..");
});

run("should run in process with the runtime's Metaflow semantics: foreach input in every step, lost artifacts refused", async () => {
  class InProcessFlow extends FlowSpec {
    items: number[] = [];
    doubled?: number;
    total = 0;
    @step start() {
      this.items = [3, 4];
      this.total = 7;
      this.next(this.first, { foreach: "items" });
    }
    @step first() {
      this.next(this.second);
    }
    @step second() {
      this.doubled = this.input * 2;
      this.next(this.join);
    }
    @step join(inputs: Inputs<InProcessFlow>) {
      this.items = inputs.map((i) => i.doubled!);
      this.next(this.end);
    }
    @step end() {
      if (process.env.READ_TOTAL) console.log(this.total);
    }
  }
  const ok = await runFlow(InProcessFlow, { onEvent: () => {} });
  assert.equal(await ok.data.items, [6, 8]);
  process.env.READ_TOTAL = "1";
  try {
    await rejects(runFlow(InProcessFlow, { onEvent: () => {} }), RunFailedError, /MissingArtifactError: Step \*end\* reads this\.total/);
  } finally {
    delete process.env.READ_TOTAL;
  }
});
run("should refuse a bad graph before creating any run", async () => {
  class Broken extends FlowSpec {
    @step start() {}
    @step end() {}
  }
  await rejects(runFlow(Broken), GraphError, "Step *start* does not call this.next()");
  assert.equal(await datastoreAt(root).listFlows(), []);
});

run("should stop on abort and record the run as failed", async () => {
  const controller = new AbortController();
  const pending = runFlow(ResumeFlow, {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "task-finished" && e.step === "start") controller.abort();
    },
  });
  const err = await rejects(pending, RunFailedError, "interrupted");
  const id = (err as RunFailedError).pathspec.split("/")[1]!;
  assert.is((await datastoreAt(root).readStatus("ResumeFlow", id))!.state, "failed");
});
run.run();

const remote = suite("runFlow with a remote executor");
let redis: RedisServer | undefined;
let worker: WorkerProcess | undefined;
remote.before.each(async () => {
  root = await makeTempRoot();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
});
remote.after.each(async () => {
  delete process.env.TSFLOW_SHARED_ROOT;
  await worker?.kill9();
  await redis?.stop();
  [worker, redis] = [undefined, undefined];
  await closeClient();
  await removeTempRoot(root);
});

remote("should run the tasks on a queue worker, from the flow code it is given", async () => {
  process.env.TSFLOW_SHARED_ROOT = "1";
  redis = await startRedis();
  worker = await startWorker(redis.url, { env: { TSFLOW_CACHE_DIR: join(root.startsWith("s3://") ? "/tmp" : root, `cache-${process.pid}`) } });
  const r = await runFlow(FanFlow, { executor: redis.url, code: { file: fixture("remote-fan.ts") }, onEvent: () => {} });
  assert.is(await r.data.total, 285);
  assert.is((await remoteTaskPids(root, "FanFlow", r.id, "each", "redis:tsflow")).tasks, 10);
});

remote("should refuse a remote executor without the flow's code, saying what to pass", async () => {
  await rejects(
    runFlow(FanFlow, { executor: "redis://127.0.0.1:1/0" }),
    ExecutorError,
    /needs the flow's code for the workers: pass code: \{ file: "<the file that exports FanFlow>" \}/,
  );
});

remote("should refuse a remote executor on a folder root, as tsflow run does", async () => {
  if (root.startsWith("s3://")) return; // an object-store root is shared by nature
  await rejects(
    runFlow(FanFlow, { executor: "slurm", code: { file: fixture("remote-fan.ts") } }),
    ExecutorError,
    /is a folder on this machine, which workers on other machines cannot reach: use a shared root such as --datastore-root s3:\/\/bucket\/prefix.* set TSFLOW_SHARED_ROOT=1\./,
  );
  await rejects(runFlow(FanFlow, { executor: "carrier-pigeon" }), ExecutorError, "Unknown executor 'carrier-pigeon'");
});
remote("should refuse sbatch options without the Slurm executor, or ones that are not options", async () => {
  await rejects(
    runFlow(FanFlow, { slurmOptions: ["--account=lab"] }),
    ExecutorError,
    "--slurm-option --account=lab passes an option to sbatch, which only the Slurm executor runs: add --executor slurm (or slurm:<partition>), or drop the --slurm-option.",
  );
  await rejects(
    runFlow(FanFlow, { executor: "slurm", slurmOptions: ["account=lab"], code: { file: fixture("remote-fan.ts") } }),
    ExecutorError,
    "--slurm-option 'account=lab' is not an sbatch option: give one option with its value each time, as --slurm-option=--account=lab",
  );
});
remote("should refuse a flow whose graph is wrong before packaging its code or reaching a queue", async () => {
  process.env.TSFLOW_SHARED_ROOT = "1";
  class Broken extends FlowSpec {
    @step start() {}
    @step end() {}
  }
  await rejects(
    runFlow(Broken, { executor: "redis://127.0.0.1:1/0", code: { file: fixture("remote-fan.ts") } }),
    GraphError,
    "Step *start* does not call this.next()",
  );
  assert.equal(await datastoreAt(root).storage.list("code"), []);
});
remote.run();
