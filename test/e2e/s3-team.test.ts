// The seed scenario on a shared s3:// root with two "machines": alice and her teammate each have
// their own HOME and cache folder (TSFLOW_CACHE_DIR), and share nothing but the bucket. Through the
// CLI, the library and a notebook executed by nbclient: runs, the default namespace, a mismatch,
// switching, a global read by pathspec, AccessOtherNamespace and the production namespace.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { example, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { makeS3Root, removeS3Root } from "../_helpers/s3.js";
import { runIdFrom } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { installKernelSpec } from "../../kernel/kernelspec/install.js";
import { Flow, Run, namespace, defaultNamespace, useDatastore, closeClient, NamespaceMismatchError } from "tsflow";

const RUNNER = fileURLToPath(new URL("../_helpers/run_notebook.py", import.meta.url));

const team = suite("a team on one s3:// root");
let root = "";
let machines = "";
let aliceRun = "";
let teammateRun = "";
/** Each user's machine: their own HOME and cache folder. */
const machine = (user: string) => ({ HOME: join(machines, user), TSFLOW_CACHE_DIR: join(machines, user, ".cache", "tsflow") });
const cli = (args: string[], user: string, env: NodeJS.ProcessEnv = {}) => tsflow(args, { root, user, env: { ...machine(user), ...env } });

team.before(async () => {
  root = await makeS3Root("team");
  machines = await makeTempDir("tsflow-machines-");
  for (const u of ["alice", "teammate", "bob"]) await mkdir(join(machines, u), { recursive: true });
  const a = await cli(["run", example("team-collab.ts")], "alice");
  assert.is(a.code, 0, a.stderr);
  assert.match(a.stdout, /current\.namespace: user:alice/);
  aliceRun = runIdFrom(a.stdout);
  const t = await cli(["run", example("team-collab.ts")], "teammate");
  assert.is(t.code, 0, t.stderr);
  teammateRun = runIdFrom(t.stdout);
});
team.after(async () => {
  await closeClient();
  await removeS3Root(root);
  await removeTempDir(machines);
});

team("should show each user their own runs by default, and a teammate's after switching (CLI)", async () => {
  const mine = await cli(["runs", "TeamCollabFlow", "--json"], "teammate");
  assert.is(mine.code, 0, mine.stderr);
  assert.match(mine.stdout, new RegExp(teammateRun));
  assert.not.match(mine.stdout, new RegExp(aliceRun));
  const theirs = await cli(["runs", "TeamCollabFlow", "--namespace", "user:alice"], "teammate");
  assert.match(theirs.stdout, new RegExp(aliceRun));
  const all = await cli(["runs", "TeamCollabFlow", "--global"], "bob");
  assert.match(all.stdout, new RegExp(aliceRun));
  assert.match(all.stdout, new RegExp(teammateRun));
  const shown = await cli(["show", `TeamCollabFlow/${aliceRun}/end`], "teammate");
  assert.is(shown.code, 2, "alice's run is not in the teammate's namespace");
  assert.match(shown.stderr, /Object not in namespace 'user:teammate'/);
});

team("should read the teammate's run and its logs from another machine (library)", async () => {
  process.env.TSFLOW_USER = "alice";
  Object.assign(process.env, machine("alice"));
  useDatastore(root);
  namespace(defaultNamespace());
  assert.is((await Flow("TeamCollabFlow").latestSuccessfulRun)!.id, aliceRun);
  await rejects(Run(`TeamCollabFlow/${teammateRun}`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  namespace("user:teammate");
  const theirs = (await Flow("TeamCollabFlow").latestSuccessfulRun)!;
  assert.is(theirs.id, teammateRun);
  namespace(null);
  const byPath = await Run(`TeamCollabFlow/${teammateRun}`);
  const choice = (await byPath.data.choice) as number;
  assert.ok([1, 2, 3, 4, 5].includes(choice));
  const end = (await byPath.endTask)!;
  assert.match(await end.stdout, new RegExp(`Random choice was ${choice}`));
  namespace(defaultNamespace());
});

team("should run AccessOtherNamespace across machines and keep production runs apart", async () => {
  const other = await cli(["run", example("access-other-namespace.ts"), "--other-namespace", "user:teammate"], "alice");
  assert.is(other.code, 0, other.stderr);
  assert.match(other.stdout, new RegExp(`latestSuccessfulRun: Run\\('TeamCollabFlow/${teammateRun}'\\)`));
  assert.match(other.stdout, /back to namespace: user:alice/);
  const deployed = await cli(["deploy", example("team-collab.ts")], "alice");
  assert.is(deployed.code, 0, deployed.stderr);
  const token = /production:(\S+)/.exec(deployed.stdout)![1]!;
  const bob = await cli(["deploy", example("team-collab.ts")], "bob");
  assert.is(bob.code, 2);
  assert.match(bob.stderr, /Try again with the correct production token/);
  const triggered = await cli(["trigger", "TeamCollabFlow"], "teammate");
  assert.is(triggered.code, 0, triggered.stderr);
  const prodRun = runIdFrom(triggered.stdout);
  const prod = await cli(["runs", "TeamCollabFlow", "--namespace", `production:${token}`, "--json"], "bob");
  assert.match(prod.stdout, new RegExp(prodRun));
  const teammateOwn = await cli(["runs", "TeamCollabFlow", "--json"], "teammate");
  assert.not.match(teammateOwn.stdout, new RegExp(prodRun), "a production run is in no user's namespace");
});

team("should let a notebook on a third machine read both users' runs", async () => {
  const dir = join(machines, "bob", "jupyter");
  await installKernelSpec({ prefix: dir, name: "tsflow-s3" });
  const cells = [
    `process.env.TSFLOW_USER = "bob";\nimport { Flow, Run, namespace, getNamespace } from "tsflow";\ngetNamespace()`,
    `await Flow("TeamCollabFlow").latestSuccessfulRun`,
    `%namespace user:teammate\n(await Flow("TeamCollabFlow").latestSuccessfulRun)?.id`,
    `%namespace --global\nconst theirs = await Run("TeamCollabFlow/${aliceRun}");\nawait theirs.data.choice`,
    `%runs TeamCollabFlow`,
    `%%sql\nSELECT count(*) AS n FROM runs WHERE flow = 'TeamCollabFlow'`,
  ];
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tsflow-s3", display_name: "tsflow", language: "typescript" } },
    cells: cells.map((source, i) => ({
      cell_type: "code",
      id: `c${i}`,
      source,
      metadata: i === 1 ? { tags: ["raises-exception"] } : {},
      outputs: [],
      execution_count: null,
    })),
  };
  const input = join(machines, "bob", "team.ipynb");
  const output = join(machines, "bob", "team.out.ipynb");
  await writeFile(input, JSON.stringify(nb));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...machine("bob"),
    JUPYTER_PATH: join(dir, "share", "jupyter"),
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    TSFLOW_DATASTORE_ROOT: root,
    TSFLOW_USER: "bob",
  };
  delete env.TSFLOW_PRODUCTION_TOKEN;
  const run = await promisify(execFile)("/usr/bin/python3", [RUNNER, input, "tsflow-s3", join(machines, "bob"), output], { env, timeout: 300_000 }).catch(
    (e: Error & { stderr?: string }) => e,
  );
  assert.not.ok(run instanceof Error, `the notebook failed: ${(run as Error & { stderr?: string }).stderr ?? ""}`);
  const done = JSON.parse(await readFile(output, "utf8")) as {
    cells: { outputs: { ename?: string; text?: string | string[]; data?: Record<string, string | string[]> }[] }[];
  };
  const text = (i: number) => done.cells[i]!.outputs.map((o) => [o.text, o.data?.["text/plain"], o.data?.["text/html"]].flat().join("")).join("\n");
  assert.match(text(0), /'user:bob'/);
  assert.is(done.cells[1]!.outputs[0]?.ename, "NamespaceMismatchError", "bob has no runs of his own");
  assert.match(text(2), new RegExp(teammateRun));
  assert.match(text(3), /[1-5]/);
  assert.match(text(4), new RegExp(aliceRun));
  assert.match(text(4), new RegExp(teammateRun));
  assert.match(text(5), /\b[34]\b/, "alice's, the teammate's and the production run (AccessOtherNamespace is another flow)");
});
team.run();
