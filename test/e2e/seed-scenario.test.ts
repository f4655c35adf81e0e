// The seed scenario, end to end: two users on one datastore root run TeamCollabFlow through the
// CLI; the client reads runs by namespace; AccessOtherNamespace reads across namespaces with its
// Parameters; production runs live apart.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { example, tsflow } from "../_helpers/cli.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { runIdFrom } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { Flow, Run, namespace, getNamespace, defaultNamespace, useDatastore, closeClient, listFlows, NamespaceMismatchError, NotFoundError } from "tsflow";

const seed = suite("seed scenario");
let root = "";
let aliceRun = "";
let teammateRun = "";

seed.before(async () => {
  root = await makeTempRoot();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
  const a = await tsflow(["run", example("team-collab.ts")], { root, user: "alice" });
  assert.is(a.code, 0, a.stderr);
  assert.match(a.stdout, /current\.username: alice/);
  assert.match(a.stdout, /current\.namespace: user:alice/);
  aliceRun = runIdFrom(a.stdout);
  const t = await tsflow(["run", example("team-collab.ts")], { root, user: "teammate" });
  assert.is(t.code, 0, t.stderr);
  teammateRun = runIdFrom(t.stdout);
});
seed.after(async () => {
  await closeClient();
  await removeTempRoot(root);
});

seed("should read your own latest successful run in the default namespace", async () => {
  assert.is(getNamespace(), "user:alice");
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(run!.id, aliceRun);
  assert.ok([1, 2, 3, 4, 5].includes((await run!.data.choice) as number));
  assert.is(String(run), `Run('TeamCollabFlow/${aliceRun}')`);
});

seed("should give a namespace-mismatch error to a teammate who has not switched", async () => {
  namespace("user:bob");
  const err = await rejects(Flow("TeamCollabFlow").latestSuccessfulRun, NamespaceMismatchError, "Object not in namespace 'user:bob'");
  assert.is((err as any).headline, "Object not in the current namespace");
  await rejects(Flow("NoSuchFlow").latestRun, NotFoundError, "Flow('NoSuchFlow') does not exist");
  namespace("user:teammate");
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(run!.id, teammateRun);
  await rejects(Run(`TeamCollabFlow/${aliceRun}`), NamespaceMismatchError, "Object not in namespace 'user:teammate'");
  assert.is(namespace(defaultNamespace()), "user:alice");
});

seed("should read any run by pathspec in the global namespace", async () => {
  namespace(null);
  const theirs = await Run(`TeamCollabFlow/${teammateRun}`);
  assert.ok(typeof (await theirs.data.choice) === "number");
  assert.equal((await listFlows()).map(String), ["Flow('TeamCollabFlow')"]);
  namespace(defaultNamespace());
});

seed("should run AccessOtherNamespace with its default and with --other-namespace", async () => {
  const own = await tsflow(["run", example("access-other-namespace.ts")], { root, user: "alice" });
  assert.is(own.code, 0, own.stderr);
  assert.match(own.stdout, new RegExp(`latestSuccessfulRun: Run\\('TeamCollabFlow/${aliceRun}'\\)`));
  assert.match(own.stdout, /back to namespace: user:alice/);
  const other = await tsflow(["run", example("access-other-namespace.ts"), "--other-namespace", "user:teammate"], { root, user: "alice" });
  assert.is(other.code, 0, other.stderr);
  assert.match(other.stdout, /switched to namespace: user:teammate/);
  assert.match(other.stdout, new RegExp(`latestSuccessfulRun: Run\\('TeamCollabFlow/${teammateRun}'\\)`));
  assert.match(other.stdout, /back to namespace: user:alice/);
  const run = await Flow("AccessOtherNamespace").latestSuccessfulRun;
  const teammateChoice = await (await Run(`TeamCollabFlow/${teammateRun}`).catch(() => null))?.data.choice;
  assert.is(teammateChoice, undefined, "alice cannot read the teammate run without switching");
  namespace(null);
  assert.is(await run!.data.otherChoice, await (await Run(`TeamCollabFlow/${teammateRun}`)).data.choice);
  namespace(defaultNamespace());
});

seed("should keep production runs apart from every user namespace", async () => {
  const deployed = await tsflow(["deploy", example("team-collab.ts")], { root, user: "alice" });
  assert.is(deployed.code, 0, deployed.stderr);
  const token = /production:(\S+)/.exec(deployed.stdout)![1]!;
  const bob = await tsflow(["deploy", example("team-collab.ts")], { root, user: "bob" });
  assert.is(bob.code, 2);
  assert.match(bob.stderr, /Try again with the correct production token/);
  const triggered = await tsflow(["trigger", "TeamCollabFlow"], { root, user: "alice" });
  assert.is(triggered.code, 0, triggered.stderr);
  assert.match(triggered.stdout, new RegExp(`current.namespace: production:${token}`));
  const prodRun = runIdFrom(triggered.stdout);
  assert.is((await Flow("TeamCollabFlow").latestRun)!.id, aliceRun, "alice's namespace does not see it");
  namespace(`production:${token}`);
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(run!.id, prodRun);
  assert.ok(run!.systemTags.includes(`production:${token}`));
  assert.not.ok(run!.tags.some((t) => t.startsWith("user:")));
  namespace(defaultNamespace());
});
seed.run();
