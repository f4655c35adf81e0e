// The types a flow class gives the client (`ArtifactsOf`, `ParametersOf`), checked by the real
// compiler: a fixture that must compile and one whose every mistake must be reported, by line.
import { readFile } from "node:fs/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { typecheckFiles, type Diagnostic } from "../_helpers/typecheck.js";

const PASS = "test/_fixtures/types/typed-client.ts";
const FAIL = "test/_fixtures/types/must-fail/misspelt-artifact.ts";

let diagnostics: Diagnostic[] = [];
let exitCode = 0;

const types = suite("ArtifactsOf");
types.before(async () => {
  ({ diagnostics, exitCode } = await typecheckFiles([PASS, FAIL]));
});
types("should compile the typed client fixture without a diagnostic", () => {
  assert.equal(
    diagnostics.filter((d) => d.file === PASS),
    [],
  );
});
types("should report every mistake of the failing fixture at its line, and nothing else", async () => {
  assert.is.not(exitCode, 0);
  const lines = (await readFile(new URL(`../../${FAIL}`, import.meta.url), "utf8")).split("\n");
  const expected = lines.flatMap((text, i) => (/\/\/ error: (\w+)/.exec(text) ? [{ line: i + 1, word: /\/\/ error: (\w+)/.exec(text)![1]! }] : []));
  assert.is(expected.length, 4);
  const got = diagnostics.filter((d) => d.file === FAIL);
  assert.equal(
    got.map((d) => d.line),
    expected.map((e) => e.line),
    JSON.stringify(got),
  );
  for (const [i, e] of expected.entries()) assert.ok(got[i]!.message.includes(e.word), `${got[i]!.message} should mention ${e.word}`);
});
types("should name the misspelt artifact and the flow's artifacts in the diagnostic", () => {
  const first = diagnostics.find((d) => d.file === FAIL)!;
  assert.is(first.code, "TS2551");
  assert.is(first.message, "Property 'choise' does not exist on type 'RunData<{ choice: number | undefined; }>'. Did you mean 'choice'?");
});
types.run();
