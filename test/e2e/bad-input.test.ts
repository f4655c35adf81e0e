/**
 * Bad input, as a table: pathspecs, names, namespaces, tags, parameters, artifacts and flow files
 * that must be refused. Each gets a typed error with a stable code and a message that says what to
 * do; from the CLI: exit code 2, one `headline: message` line, no stack trace; and nothing is written
 * to the datastore (the root's file list is compared before and after).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataArtifact, Flow, namespace, Run, Step, Task } from "../../src/client/index.js";
import { Parameter } from "../../src/flow/parameter.js";
import { FlowSpec } from "../../src/flow/flow-spec.js";
import { step } from "../../src/flow/step.js";
import { runFlow } from "../../src/runner/run-flow.js";
import { ObjectStore } from "../../src/store/object-store.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import { ArtifactError, InvalidNameError, InvalidPathspecError, NotFoundError, ParameterError, RunFailedError, TaggingError } from "../../src/util/errors.js";
import { assertTag } from "../../src/util/validate.js";
import { rejects, type ErrorClass } from "../_helpers/assert-rejects.js";
import { example, fixture, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runIdFrom } from "../_helpers/runs.js";
import { reportFigures, snapshotRoot } from "../_helpers/reliability.js";

export const figures = { cliRefused: 0, apiRefused: 0 };
let root = "";
let run = "";
let someoneElse = "";

/** [what, CLI arguments (RUN is replaced by the run's pathspec), headline and message expected]. */
const long = (n: number, c = "x") => c.repeat(n);
const CLI_CASES: [string, string[], RegExp][] = [
  ["empty pathspec", ["show", ""], /^Invalid pathspec: Expects Flow\('FlowName'\)/],
  ["too many parts", ["show", "RUN/start/1/choice/extra"], /^Invalid pathspec: Expects a pathspec Flow\/RunId\[\/Step/],
  ["empty part", ["show", "TeamCollabFlow/"], /^Invalid pathspec: Expects Run\('FlowName\/RunID'\)/],
  ["'..' as a flow", ["show", "../etc/passwd"], /^Invalid pathspec: '\.\.\/etc\/passwd' is a path, not a pathspec/],
  ["'..' inside", ["show", "TeamCollabFlow/../../x"], /^Invalid pathspec: 'TeamCollabFlow\/\.\.\/\.\.\/x' is a path, not a pathspec/],
  ["absolute path", ["show", "/etc/passwd"], /^Invalid pathspec: '\/etc\/passwd' is a path, not a pathspec: give Flow\[\/RunId/],
  ["very long name", ["show", long(5000, "F")], /^Object not found: Flow\('F{197}\.\.\.'\) does not exist/],
  ["unicode lookalike (Cyrillic o)", ["show", "TeamC\u043ellabFlow"], /^Object not found: Flow\('TeamC\u043ellabFlow'\) does not exist/],
  ["run id not digits", ["show", "TeamCollabFlow/abc"], /^Object not found: Run\('TeamCollabFlow\/abc'\) does not exist/],
  ["step name not an identifier", ["show", "RUN/sta-rt"], /^Object not found: Step\('TeamCollabFlow\/\d+\/sta-rt'\) does not exist/],
  ["flow name not an identifier", ["runs", "1Flow"], /^Object not found: Flow\('1Flow'\) does not exist/],
  ["flow name with a space", ["runs", "Team Collab"], /^Object not found: Flow\('Team Collab'\) does not exist/],
  ["empty tag", ["tag", "add", "RUN", ""], /^Tagging error: Tags must not be empty string/],
  ["501-character tag", ["tag", "add", "RUN", long(501)], /^Tagging error: Tag is too long 501 > 500/],
  ["tag with a control character", ["tag", "add", "RUN", "a\u0001b"], /^Tagging error: Tag "a\\u0001b" contains control characters/],
  ["51st user tag", ["tag", "add", "RUN", ...Array.from({ length: 51 }, (_, i) => `t${i}`)], /^Tagging error: Cannot increase size of tag set beyond 50/],
  ["removing a system tag", ["tag", "remove", "RUN", "user:alice"], /^Tagging error: Cannot remove a tag that is an existing system tag \(\['user:alice'\]\)/],
  ["replacing a system tag", ["tag", "replace", "RUN", "runtime:node", "x"], /^Tagging error: Cannot remove a tag that is an existing system tag/],
  [
    "501-character namespace",
    ["runs", "TeamCollabFlow", "--namespace", long(501)],
    /^Invalid name: Namespace "x{57}\.\.\." is not valid: Tag is too long 501 > 500/,
  ],
  ["namespace with a tab", ["runs", "TeamCollabFlow", "--namespace", "a\tb"], /^Invalid name: Namespace "a\\tb" is not valid: .*control characters/],
  [
    "empty namespace (nobody is in it)",
    ["runs", "TeamCollabFlow", "--namespace", ""],
    /^Object not in the current namespace: No runs of TeamCollabFlow in namespace ''\. It has runs in: user:alice/,
  ],
  ["--tag that is empty", ["run", example("team-collab.ts"), "--tag", ""], /^Tagging error: Tags must not be empty string/],
  [
    "parameter of the wrong type",
    ["run", fixture("params.ts"), "--count", "1.5"],
    /^Invalid parameter: Invalid value for '--count': "1\.5" is not a valid integer/,
  ],
  ["missing required parameter", ["run", fixture("params.ts")], /^Invalid parameter: Missing option '--count'/],
  [
    "parameter JSON that does not parse",
    ["run", fixture("params.ts"), "--count", "1", "--config", "{bad"],
    /^Invalid parameter: Invalid value for '--config': "\{bad" is not valid JSON/,
  ],
  ["boolean parameter that is not one", ["run", fixture("params.ts"), "--count", "1", "--verbose", "maybe"], /^Invalid parameter: .*is not a boolean/],
  ["unknown --flag", ["run", fixture("params.ts"), "--count", "1", "--nope", "3"], /^error: unknown option '--nope'/],
  ["reserved parameter name", ["run", fixture("reserved-param.ts")], /^Invalid parameter: Parameter name 'tag' is a reserved word/],
  ["--max-workers not a number", ["run", example("team-collab.ts"), "--max-workers", "many"], /^Usage error: Expected a positive integer, got 'many'/],
  ["flow file with a syntax error", ["run", fixture("syntax-error.ts")], /^Invalid flow file: Cannot load flow file syntax-error\.ts/],
  [
    "flow file importing a package that is not installed",
    ["run", fixture("missing-import.ts")],
    /^Invalid flow file: Cannot load flow file missing-import\.ts: missing-import\.ts imports 'tsflow-no-such-package\/pad', which cannot be found\. Install it in the flow's project \(npm install tsflow-no-such-package\)/,
  ],
  [
    "flow file importing a local file that does not exist",
    ["run", fixture("missing-file-import.ts")],
    /^Invalid flow file: Cannot load flow file missing-file-import\.ts: missing-file-import\.ts imports '\.\/no-such-helper\.js', which cannot be found\. Fix the import path/,
  ],
  [
    "flow file with no FlowSpec subclass",
    ["run", fixture("no-flow.ts")],
    /^Invalid flow file: no-flow\.ts exports no flow: export a class that extends FlowSpec/,
  ],
  [
    "flow file with two flows",
    ["run", fixture("two-flows.ts")],
    /^Invalid flow file: two-flows\.ts exports 2 flows \(FirstFlow, SecondFlow\): choose one with --flow/,
  ],
  ["--flow naming no flow", ["run", fixture("two-flows.ts"), "--flow", "ThirdFlow"], /^Invalid flow file: two-flows\.ts exports no flow named 'ThirdFlow'/],
  ["flow file with a graph error", ["run", fixture("bad-graph.ts")], /^Validity checker found an issue: Step \*middle\* does not call this\.next\(\)/],
  ["step name that is not an identifier", ["run", fixture("bad-step-name.ts")], /^Invalid name: Step name "bad-step" is not valid/],
  ["flow file that does not exist", ["run", fixture("nope.ts")], /^Invalid flow file: No such flow file/],
  [
    "resume of a run that does not exist",
    ["resume", example("team-collab.ts"), "--origin-run-id", "123"],
    /^Object not found: Run\('TeamCollabFlow\/123'\) does not exist/,
  ],
  [
    "--datastore-root that does not exist (runs)",
    ["runs", "TeamCollabFlow", "--datastore-root", "/nonexistent/tsflow-root"],
    /^Datastore error: The datastore root \/nonexistent\/tsflow-root \(--datastore-root\) does not exist/,
  ],
  [
    "--datastore-root that does not exist (show)",
    ["--datastore-root", "/nonexistent/tsflow-root", "show", "RUN"],
    /^Datastore error: The datastore root \/nonexistent\/tsflow-root \(--datastore-root\) does not exist/,
  ],
];

const cli = suite("bad input on the command line");
cli.before(async () => {
  root = await makeTempDir("tsflow-bad-");
  const r = await tsflow(["run", example("team-collab.ts")], { root });
  assert.is(r.code, 0, r.stderr);
  run = `TeamCollabFlow/${runIdFrom(r.stdout)}`;
  await tsflow(["tag", "list", run], { root }); // the index exists before the table starts
});
cli.after(async () => {
  await removeTempDir(root);
});

cli("should refuse every bad input with exit code 2, one line, no stack trace and no write", async () => {
  const before = await snapshotRoot(root);
  const queue = [...CLI_CASES];
  const failures: string[] = [];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const [what, args, expected] = c;
      const r = await tsflow(
        args.map((a) => (a.startsWith("RUN") ? a.replace("RUN", run) : a)),
        { root },
      );
      const stderr = r.stderr
        .split("\n")
        .filter((l) => !l.startsWith("tsflow: the run index"))
        .join("\n");
      if (r.code !== 2) failures.push(`${what}: exit ${r.code}\n${r.stderr}`);
      else if (!expected.test(stderr)) failures.push(`${what}: ${stderr}`);
      else if (/\n\s+at /.test(stderr) || /Internal error/.test(stderr)) failures.push(`${what}: a stack trace\n${stderr}`);
      else figures.cliRefused++;
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.equal(failures, []);
  assert.equal(await snapshotRoot(root), before, "nothing was written");
});

cli("should accept user:someone-else as a user tag: namespaces are not access control", async () => {
  const r = await tsflow(["tag", "add", run, "user:bob"], { root });
  assert.is(r.code, 0, r.stderr);
  someoneElse = (await tsflow(["runs", "TeamCollabFlow", "--namespace", "user:bob", "--json"], { root })).stdout;
  assert.match(someoneElse, new RegExp(run.split("/")[1]!), "the run is now in bob's namespace too (README: Namespaces and the client)");
});
cli.run();

/** [what, the call, the error class, the message]. */
class Widget {
  spin(): number {
    return 1;
  }
}
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
const API_CASES: [string, () => unknown, ErrorClass, RegExp][] = [
  ["Run('')", () => Run(""), InvalidPathspecError, /^Expects Run\('FlowName\/RunID'\)$/],
  ["Run(undefined)", () => Run(undefined as unknown as string), InvalidPathspecError, /^Expects Run/],
  ["Run with three parts", () => Run("F/1/s"), InvalidPathspecError, /^Expects Run/],
  ["Step with two parts", () => Step("F/1"), InvalidPathspecError, /^Expects Step\('FlowName\/RunID\/StepName'\)/],
  ["Task with NUL in the step", () => Task("TeamCollabFlow/1/st\0art/1"), NotFoundError, /does not exist/],
  ["DataArtifact with '/' in the name", () => DataArtifact("TeamCollabFlow/1/start/1/a/b"), InvalidPathspecError, /^Expects DataArtifact/],
  ["Flow with NUL", () => Flow("Team\0Flow"), NotFoundError, /does not exist/],
  ["Task attempt not an integer", () => Task("TeamCollabFlow/1/start/1", { attempt: 1.5 }), NotFoundError, /Attempt can only be an integer/],
  ["Task attempt too large", () => Task("TeamCollabFlow/1/start/1", { attempt: 6 }), NotFoundError, /Attempt can only be smaller than 6/],
  ["namespace of 501 characters", () => namespace(long(501)), InvalidNameError, /Tag is too long 501 > 500/],
  ["namespace with a newline", () => namespace("a\nb"), InvalidNameError, /control characters/],
  ["namespace that is a number", () => namespace(5 as unknown as string), InvalidNameError, /must be a string or null/],
  ["tag with a lone surrogate", () => assertTag("a\ud800"), TaggingError, /not well-formed unicode/],
  ["reserved parameter name", () => Parameter("namespace"), ParameterError, /reserved word/],
  ["parameter name with a space", () => Parameter("bad name"), ParameterError, /is not valid: use letters, digits/],
];

const api = suite("bad input through the library");
let store: ObjectStore;
let apiRoot = "";
api.before(async () => {
  store = new ObjectStore(new LocalStorage((apiRoot = await makeTempDir("tsflow-bad-api-"))));
  process.env.TSFLOW_DATASTORE_ROOT = apiRoot;
  process.env.TSFLOW_USER = "alice";
});
api.after(async () => {
  await removeTempDir(apiRoot);
  reportFigures("bad-input", figures);
});

api("should refuse every bad call with a typed error", async () => {
  for (const [what, call, cls, message] of API_CASES) {
    try {
      await rejects(async () => call(), cls, message);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
    figures.apiRefused++;
  }
});

const ARTIFACTS: [string, unknown, RegExp][] = [
  ["a function", { f: () => 1 }, /this\.x\.f is a function/],
  ["a class instance", { w: new Widget() }, /this\.x\.w is an instance of class Widget/],
  ["a cycle", cyclic, /cycle|circular/i],
  ["a symbol", [Symbol("s")], /this\.x\[0\] is a symbol/],
  ["a 2 GB value", { data: new Uint8Array(2 ** 31) }, /this\.x\.data is too large to store as JSON \(2147483648 bytes/],
];

api("should refuse values that cannot be stored faithfully, writing no object", async () => {
  const before = await snapshotRoot(apiRoot);
  for (const [what, value, message] of ARTIFACTS) {
    try {
      await rejects(store.put(value, { artifact: "x", step: "start" }), ArtifactError, message);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
    figures.apiRefused++;
  }
  assert.equal(await snapshotRoot(apiRoot), before, "no object was written");
});

/** Sets an artifact whose name is a FlowSpec member. */
class ClashFlow extends FlowSpec {
  @step start() {
    (this as unknown as Record<string, unknown>).mergeArtifacts = 1;
    this.next(this.end);
  }
  @step end() {}
}

api("should fail the task that sets an artifact named like a FlowSpec member, saying so", async () => {
  const err = await rejects(
    runFlow(ClashFlow, { onEvent: () => {} }),
    RunFailedError,
    /'mergeArtifacts' is a member of FlowSpec: give the artifact another name/,
  );
  assert.match(err.message, /Fix the step, then resume it/);
  figures.apiRefused++;
});
api.run();
