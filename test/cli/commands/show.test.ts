/** `tsflow show` through the real CLI: flow files, a flow's recent runs, and paths refused. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { example, fixture, tsflow } from "../../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";
import { runIdFrom } from "../../_helpers/runs.js";

const show = suite("registerShow");
let root = "";
show.before(async () => {
  root = await makeTempDir("tsflow-show-");
});
show.after(async () => {
  await removeTempDir(root);
});

show("should list a flow's recent runs in the current namespace, newest first", async () => {
  const ids: string[] = [];
  for (const user of ["alice", "alice", "bob"]) {
    const r = await tsflow(["run", example("team-collab.ts")], { root, user });
    assert.is(r.code, 0, r.stderr);
    if (user === "alice") ids.push(runIdFrom(r.stdout));
  }
  const r = await tsflow(["show", "TeamCollabFlow"], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Flow\('TeamCollabFlow'\)\n/);
  assert.match(r.stdout, /RUN\s+CREATED\s+STATUS\s+USER\s+TAGS/);
  const listed = [...r.stdout.matchAll(/^(\d{10,})\s/gm)].map((m) => m[1]);
  assert.equal(listed, [...ids].reverse(), "alice's two runs, newest first, not bob's");
  assert.match(r.stdout, /2 most recent run\(s\) of TeamCollabFlow in namespace 'user:alice'/);
});

show("should print a step without a doc comment with no placeholder", async () => {
  const r = await tsflow(["show", fixture("two-flows.ts"), "--flow", "FirstFlow"], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Step start\n {4}=> end\n/);
  assert.not.match(r.stdout, /\?/);
  const documented = await tsflow(["show", example("team-collab.ts")], { root });
  assert.match(documented.stdout, /Step end\n {4}Stores a random choice\.\n/);
});

show("should refuse paths as pathspecs before looking anything up", async () => {
  for (const target of ["TeamCollabFlow/../../etc", "/etc/passwd", "./TeamCollabFlow", "TeamCollabFlow/1/./x"]) {
    const r = await tsflow(["show", target], { root });
    assert.is(r.code, 2, target);
    assert.is(
      r.stderr.split("\n")[0],
      `Invalid pathspec: '${target}' is a path, not a pathspec: give Flow[/RunId[/Step[/TaskId[/Artifact]]]] (names without '.' or '..' parts), or the path of a flow file (.ts).`,
    );
  }
});

show("should name every missing object with the same headline, whatever the command", async () => {
  const lines = [
    ["show", "NoSuchFlow"],
    ["show", "TeamCollabFlow/1"],
    ["runs", "NoSuchFlow"],
    ["tag", "list", "NoSuchFlow/1"],
    ["resume", example("team-collab.ts"), "--origin-run-id", "1"],
  ];
  for (const line of lines) {
    const r = await tsflow(line, { root });
    assert.is(r.code, 2, line.join(" "));
    assert.match(r.stderr, /^Object not found: (Flow|Run)\('[^']+'\) does not exist/, `${line.join(" ")}: ${r.stderr}`);
  }
});
show.run();
