/**
 * The command line through the real `tsflow` process: every option of the flow-file commands is
 * given before and after the flow file (or flow name), and must mean the same in both places.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fixture, tsflow, type CliResult } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { datastoreAt, runIdFrom } from "../_helpers/runs.js";

const FILE = fixture("options.ts");
const TWO = fixture("two-flows.ts");

interface Printed {
  flow: string;
  label: string;
  fail: boolean;
  loud: boolean;
  size: number;
  ns: string;
  tags: string[];
  origin: string | null;
}

function printed(r: CliResult): Printed {
  const line = /OPTIONS (\{.*\})/.exec(r.stdout);
  if (!line) throw new Error(`no OPTIONS line (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line[1]!) as Printed;
}

/** Runs `[command, ...options, target]` and `[command, target, ...options]`; returns both results. */
async function bothOrders(command: string, target: string, options: string[], root: string, env: NodeJS.ProcessEnv = {}): Promise<[CliResult, CliResult]> {
  return Promise.all([tsflow([command, ...options, target], { root, env }), tsflow([command, target, ...options], { root, env })]);
}

/** [what, the options, what the flow must have received]. */
const RUN_CASES: [string, string[], Partial<Printed> & { tag?: string }][] = [
  ["a string parameter", ["--label", "x"], { label: "x" }],
  ["a parameter as --name=value", ["--label=y z"], { label: "y z" }],
  ["an integer parameter", ["--size", "3"], { size: 3 }],
  ["a bare boolean flag", ["--fail"], { fail: true }],
  ["a boolean flag with true", ["--fail", "true"], { fail: true }],
  ["a boolean flag with false", ["--loud", "false"], { loud: false }],
  ["a boolean as --name=false", ["--loud=false"], { loud: false }],
  ["a --no- flag", ["--no-loud"], { loud: false }],
  ["a bare flag then another parameter", ["--fail", "--size", "2"], { fail: true, size: 2 }],
  ["--tag", ["--tag", "t1"], { tag: "t1" }],
  ["--tag=", ["--tag=t2"], { tag: "t2" }],
  ["--max-workers", ["--max-workers", "1"], {}],
  ["--max-workers=", ["--max-workers=2"], {}],
  ["--flow", ["--flow", "OptionsFlow"], { flow: "OptionsFlow" }],
  ["--flow=", ["--flow=OptionsFlow"], { flow: "OptionsFlow" }],
  [
    "everything at once",
    ["--max-workers", "2", "--tag", "t3", "--label", "all", "--fail", "--no-loud", "--size=5"],
    { label: "all", fail: true, loud: false, size: 5, tag: "t3" },
  ],
  ["a parameter whose value names a flow file", ["--label", TWO], { label: TWO, flow: "OptionsFlow" }],
];

const m = suite("main");
let root = "";
m.before.each(async () => {
  root = await makeTempDir("tsflow-cli-");
});
m.after.each(async () => {
  await removeTempDir(root);
});

m("should give every option of run the same meaning before and after the flow file", async () => {
  const failures: string[] = [];
  const queue = [...RUN_CASES];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const [what, options, expected] = c;
      const results = await bothOrders("run", FILE, options, root);
      for (const [order, r] of [
        ["before", results[0]],
        ["after", results[1]],
      ] as const) {
        if (r.code !== 0) {
          failures.push(`${what} (${order} the file): exit ${r.code}\n${r.stderr}`);
          continue;
        }
        const got = printed(r);
        const { tag, ...params } = expected;
        for (const [k, v] of Object.entries(params))
          if (JSON.stringify(got[k as keyof Printed]) !== JSON.stringify(v))
            failures.push(`${what} (${order}): ${k} is ${JSON.stringify(got[k as keyof Printed])}, expected ${JSON.stringify(v)}`);
        if (tag && !got.tags.includes(tag)) failures.push(`${what} (${order}): tags ${got.tags} lack ${tag}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  assert.equal(failures, []);
});

m("should run the issue's line: --max-workers before the file, a parameter after it", async () => {
  const r = await tsflow(["run", "--max-workers", "2", FILE, "--label", "user:bob"], { root });
  assert.is(r.code, 0, r.stderr);
  assert.is(printed(r).label, "user:bob");
});

m("should pick the flow with --flow and --flow= on either side of the file", async () => {
  for (const flag of [["--flow", "SecondFlow"], ["--flow=SecondFlow"]]) {
    for (const r of await bothOrders("run", TWO, flag, root)) {
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stdout, /executing SecondFlow for user:alice/);
    }
    for (const r of await bothOrders("show", TWO, flag, root)) {
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stdout, /^SecondFlow$/m);
    }
  }
});

m("should take --datastore-root anywhere on the line", async () => {
  const lines = [
    ["--datastore-root", join(root, "a"), "run", FILE],
    ["run", "--datastore-root", join(root, "b"), FILE],
    ["run", FILE, "--datastore-root", join(root, "c")],
    ["run", FILE, `--datastore-root=${join(root, "d")}`],
  ];
  for (const line of lines) {
    const r = await tsflow(line, { root: join(root, "unused") });
    assert.is(r.code, 0, r.stderr);
  }
  for (const dir of ["a", "b", "c", "d"]) assert.is((await datastoreAt(join(root, dir)).listRunIds("OptionsFlow")).length, 1, dir);
  assert.not.ok(existsSync(join(root, "unused")));
});

m("should give every option of resume the same meaning before and after the flow file", async () => {
  const failed = await tsflow(["run", FILE], { root, env: { OPTIONS_FAIL: "1" } });
  assert.is(failed.code, 1);
  const origin = runIdFrom(failed.stdout);
  const cases: [string, string[]][] = [
    ["--origin-run-id", ["--origin-run-id", origin]],
    ["--origin-run-id=", [`--origin-run-id=${origin}`]],
    ["--tag and --max-workers", ["--tag", "again", "--max-workers", "1", "--origin-run-id", origin]],
    ["--flow", ["--flow", "OptionsFlow", "--origin-run-id", origin]],
  ];
  for (const [what, options] of cases) {
    for (const r of await bothOrders("resume", FILE, options, root)) {
      assert.is(r.code, 0, `${what}: ${r.stderr}`);
      assert.is(printed(r).origin, origin, what);
      if (options.includes("again")) assert.ok(printed(r).tags.includes("again"), what);
    }
  }
});

m("should give every option of deploy and trigger the same meaning before and after", async () => {
  for (const r of await bothOrders("deploy", FILE, ["--flow", "OptionsFlow"], root)) assert.is(r.code, 0, r.stderr);
  const deployed = await tsflow(["deploy", FILE, "--new-token"], { root });
  const token = /production:(\S+)/.exec(deployed.stdout)![1]!;
  const cases: [string[], Partial<Printed> & { tag?: string }][] = [
    [["--label", "prod"], { label: "prod" }],
    [["--fail"], { fail: true }],
    [["--no-loud", "--size", "4"], { loud: false, size: 4 }],
    [["--tag", "nightly"], { tag: "nightly" }],
  ];
  for (const [options, expected] of cases) {
    for (const r of await bothOrders("trigger", "OptionsFlow", options, root)) {
      assert.is(r.code, 0, r.stderr);
      const got = printed(r);
      const { tag, ...params } = expected;
      for (const [k, v] of Object.entries(params)) assert.equal(got[k as keyof Printed], v, `${options.join(" ")}: ${k}`);
      if (tag) assert.ok(got.tags.includes(tag));
      // The parameter's default, defaultNamespace(), was computed with the production identity.
      assert.is(got.ns, `production:${token}`);
    }
  }
  const plain = await tsflow(["run", FILE], { root });
  assert.is(printed(plain).ns, "user:alice", "the production identity did not leak into a later run");
});

m("should give runs' options the same meaning before and after the flow name", async () => {
  assert.is((await tsflow(["run", FILE], { root })).code, 0);
  assert.is((await tsflow(["run", FILE, "--tag", "second"], { root })).code, 0);
  for (const r of await bothOrders("runs", "OptionsFlow", ["--limit", "1", "--tag", "second", "--json"], root)) {
    assert.is(r.code, 0, r.stderr);
    const runs = JSON.parse(r.stdout) as { tags: string[] }[];
    assert.is(runs.length, 1);
    assert.ok(runs[0]!.tags.includes("second"));
  }
});

m("should refuse an unknown option before or after the file, and a bad boolean", async () => {
  for (const r of await bothOrders("run", FILE, ["--nope", "3"], root)) {
    assert.is(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
  }
  for (const r of await bothOrders("run", FILE, ["--fail", "maybe"], root)) {
    assert.is(r.code, 2);
    assert.match(r.stderr, /^Invalid parameter: Invalid value for '--fail': "maybe" is not a boolean/m);
  }
  assert.is((await datastoreAt(root).listRunIds("OptionsFlow")).length, 0, "no run was created");
});

m("should list a boolean parameter as a flag and its negation in --help, with defaults", async () => {
  const r = await tsflow(["run", FILE, "--help"], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /--fail \[boolean\]\s+parameter fail \(default: false\)/);
  assert.match(r.stdout, /--no-fail\s+set fail to false/);
  assert.match(r.stdout, /--label <string>\s+parameter label \(default: "none"\)/);
});

m("should mount the kernel's commands from the bin entry", async () => {
  const r = await tsflow(["kernel", "install", "--prefix", root], { root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Installed kernelspec 'tsflow'/);
  const help = await tsflow(["--help"], { root });
  assert.match(help.stdout, /kernel \[args\.\.\.\]\s+install, list, uninstall or start the tsflow\s+Jupyter kernel/);
});
m.run();
