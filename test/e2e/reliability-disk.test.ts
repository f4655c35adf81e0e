/**
 * A full disk (a 2 MB tmpfs; where mounting is not permitted, the datastore's write call is made to
 * fail with a real ENOSPC error from a full /dev/full) and a directory that is not writable: the run
 * fails with a message that says what to do, and nothing already stored is damaged.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { example, fixture, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runIdFrom } from "../_helpers/runs.js";
import { checkIntegrity, listFiles, rawRuns } from "../_helpers/reliability.js";

/** Every file of a root with the hash of its bytes (to prove nothing stored was touched). */
async function fingerprint(root: string, except: RegExp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await listFiles(root)) {
    if (!except.test(f))
      out.set(
        f,
        createHash("sha256")
          .update(await readFile(f))
          .digest("hex"),
      );
  }
  return out;
}

function tryMount(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const disk = suite("a full or read-only datastore");
let dir = "";
let mounted = false;
disk.before.each(async () => {
  dir = await makeTempDir("tsflow-disk-");
});
disk.after.each(async () => {
  if (mounted) execFileSync("umount", [dir]);
  mounted = false;
  await removeTempDir(dir);
});

disk("should fail a run on a full disk with what to do, and keep what was stored", async () => {
  mounted = tryMount(dir);
  const root = `${dir}/root`;
  const first = await tsflow(["run", example("team-collab.ts")], { root });
  assert.is(first.code, 0, first.stderr);
  const before = await fingerprint(root, /\/index\//);
  // Without a tmpfs, NODE_OPTIONS makes every write of the datastore go to /dev/full (ENOSPC).
  const env = mounted ? { ITEMS: "12" } : { ITEMS: "12", NODE_OPTIONS: `--import ${fixture("../reliability/enospc.mjs")}` };
  const full = await tsflow(["run", fixture("reliable.ts"), "--max-workers", "2"], { root, env });
  assert.is(full.code, 1, `the run fails, the CLI does not crash\n${full.stderr}`);
  assert.match(full.stderr, /ENOSPC\)\. The disk is full: free space or point --datastore-root at another disk/);
  assert.not.match(full.stderr, /Internal error/);
  const after = await fingerprint(root, /\/index\//);
  for (const [file, sha] of before) assert.is(after.get(file), sha, `${file} is unchanged`);
  assert.equal((await checkIntegrity(root)).problems, []);
  const runs = await rawRuns(root, "TeamCollabFlow");
  assert.ok(runs.get(runIdFrom(first.stdout))?.successful, "the earlier run still reads as successful");
  const failed = await rawRuns(root, "ReliableFlow");
  assert.ok(
    [...failed.values()].every((r) => !r.successful),
    "the run on the full disk is not successful",
  );
  const show = await tsflow(["show", `TeamCollabFlow/${runIdFrom(first.stdout)}`, "--json"], { root });
  assert.is(show.code, 0, show.stderr);
});

disk("should refuse a datastore root that is not writable with what to do", async () => {
  const root = `${dir}/root`;
  await mkdir(root);
  const first = await tsflow(["run", example("team-collab.ts")], { root });
  assert.is(first.code, 0, first.stderr);
  const before = await fingerprint(root, /\/index\//);
  await chmod(dir, 0o755); // nobody may look in, not write
  await chmod(root, 0o555);
  // root ignores permissions: run the CLI as nobody, for whom the directory is read-only
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = await tsflowAs(["run", example("team-collab.ts")], root, asNobody);
  await chmod(root, 0o755);
  assert.is(r.code === 1 || r.code === 2, true, r.stderr);
  assert.match(r.stderr, /not writable by you: fix its permissions or choose another --datastore-root/);
  assert.not.match(r.stderr, /Internal error|\n\s+at /);
  const after = await fingerprint(root, /\/index\//);
  assert.equal([...after.entries()].sort(), [...before.entries()].sort(), "nothing changed");
});
disk.run();

async function tsflowAs(args: string[], root: string, ids: { uid?: number; gid?: number }) {
  const { spawn } = await import("node:child_process");
  const { BIN, REPO } = await import("../_helpers/cli.js");
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      ...ids,
      env: { ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: root, HOME: "/tmp" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.resume();
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
