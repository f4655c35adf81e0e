// The package entry (src/index.ts) as a user meets it: every @example of the exports a user meets
// first, and the README's client example, run as written (imports included) in a project of their
// own whose `tsflow` is this package, against a datastore holding a TeamCollabFlow run. The examples
// of errors only the command meets run `npx tsflow`, which is bin/tsflow.js over dist/: build first.
import { spawn } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, runFlow, useDatastore } from "tsflow";
import { TeamCollabFlow } from "../examples/team-collab.js";
import { makeTempDir, removeTempDir } from "./_helpers/tmp.js";
import { findUnexported } from "./_helpers/public-api.js";
import { typecheckFiles } from "./_helpers/typecheck.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Where the @example of each export a user meets first is written. */
const DOCUMENTED: Record<string, string[]> = {
  "src/flow/flow-spec.ts": ["FlowSpec"],
  "src/flow/step.ts": ["step"],
  "src/flow/parameter.ts": ["Parameter"],
  "src/flow/current.ts": ["current"],
  "src/client/flow.ts": ["Flow"],
  "src/client/run.ts": ["Run"],
  "src/client/step.ts": ["Step"],
  "src/client/task.ts": ["Task"],
  "src/client/namespace.ts": ["namespace"],
  "src/runner/run-flow.ts": ["runFlow"],
  "src/run-index/run-index.ts": ["SqlResult"],
  "src/run-index/run-row.ts": ["RunState"],
  "src/client/pin-file.ts": ["PinError", "PinFileError"],
  "src/util/errors.ts": [
    "TsflowError",
    "NotFoundError",
    "NamespaceMismatchError",
    "InvalidPathspecError",
    "InvalidNameError",
    "UnknownUserError",
    "TaggingError",
    "GraphError",
    "StepError",
    "StepTimeoutError",
    "MergeArtifactsError",
    "MergeConflictError",
    "MergeMissingError",
    "MissingArtifactError",
    "ParameterError",
    "ArtifactError",
    "FlowFileError",
    "DatastoreError",
    "ProductionTokenError",
    "UsageError",
    "SqlRefusedError",
    "SqlError",
    "RunFailedError",
    "ExecutorError",
  ],
};

/** The `@example` of the TSDoc comment right above `export ... name`, without the comment's stars. */
function exampleOf(source: string, name: string): string | undefined {
  const decl = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:const|function|class|async function|interface|type) ${name}\\b`);
  const doc = decl.exec(source)?.[1];
  const body = doc?.split(/^\s*\* @example\s*$/m)[1];
  if (body === undefined) return undefined;
  return body
    .split(/^\s*\* @\w+/m)[0]!
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
}

function readmeExample(readme: string): string {
  const section = readme.split("### Lazy handles and typed run data")[1]!;
  return /```ts\n([\s\S]*?)```/.exec(section)![1]!;
}

let project = "";
const TSX = import.meta.resolve("tsx");

function runSnippet(file: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=tsflow-source", "--import", TSX, file], {
      cwd: project,
      env: { ...process.env, TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(project, ".tsflow"), FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const snippets: { label: string; code: string }[] = [];
const exampleFile = (i: number) => join(project, `example-${i}.ts`);
for (const [file, names] of Object.entries(DOCUMENTED)) {
  const source = await readFile(join(ROOT, file), "utf8");
  for (const name of names) snippets.push({ label: `${name} (${file})`, code: exampleOf(source, name) ?? "" });
}
snippets.push({ label: "README: Lazy handles and typed run data", code: readmeExample(await readFile(join(ROOT, "README.md"), "utf8")) });

const examples = suite("@example");
examples.before(async () => {
  project = await makeTempDir("tsflow-examples-");
  await mkdir(join(project, "node_modules"));
  await symlink(ROOT, join(project, "node_modules", "tsflow"), "dir");
  // As npm installs the package's bin, so `npx tsflow` finds it.
  await mkdir(join(project, "node_modules", ".bin"));
  await symlink(join(ROOT, "bin", "tsflow.js"), join(project, "node_modules", ".bin", "tsflow"));
  // The examples import the repository's examples as a script at its root would.
  await symlink(join(ROOT, "examples"), join(project, "examples"), "dir");
  await writeFile(join(project, "package.json"), JSON.stringify({ type: "module" }));
  for (const [i, { code }] of snippets.entries()) await writeFile(exampleFile(i), code);
  process.env.TSFLOW_USER = "alice";
  useDatastore(join(project, ".tsflow"));
  await runFlow(TeamCollabFlow, { onEvent: () => {} });
  await closeClient();
  useDatastore(undefined);
});
examples.after(async () => {
  await removeTempDir(project);
});

examples("should find an @example with its imports on every export a user meets first", () => {
  for (const { label, code } of snippets) assert.match(code, /^import .* from "tsflow";$/m, `${label} has no runnable @example`);
});
examples("should type-check every example as a user's code", async () => {
  // Unused names are allowed: an example may declare a value only to show its type.
  const { diagnostics } = await typecheckFiles(
    snippets.map((_, i) => exampleFile(i)),
    { noUnusedLocals: false, noUnusedParameters: false },
  );
  assert.equal(diagnostics, []);
});
for (const [i, { label, code }] of snippets.entries()) {
  examples(`should run the example of ${label} as written`, async () => {
    const { code: exit, out, err } = await runSnippet(exampleFile(i));
    assert.is(exit, 0, `${label}\n${code}\n--- stderr ---\n${err}`);
    assert.ok(out.trim().length > 0, `${label} printed nothing:\n${code}`);
  });
}
examples.run();

const surface = suite("public entry");
surface("should export every interface and class an export takes, returns, holds or throws", () => {
  // Walks every export's signatures and public members through the compiler, and every `@throws`.
  assert.equal(findUnexported(), []);
});
surface.run();
