import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tokenize } from "../../../kernel/magics/tokenize.js";
import { UsageError } from "../../../kernel/magics/usage-error.js";

const t = suite("tokenize");
t("should split on whitespace", () => {
  assert.equal(tokenize("  add  Flow/1\tfoo "), ["add", "Flow/1", "foo"]);
  assert.equal(tokenize(""), []);
});
t("should honour quotes and escapes", () => {
  assert.equal(tokenize(`--tag "a b" 'c "d"' e\\ f ""`), ["--tag", "a b", 'c "d"', "e f", ""]);
  assert.equal(tokenize(`"x\\"y"`), ['x"y']);
});
t("should refuse an unterminated quote with a UsageError", () => {
  assert.throws(
    () => tokenize(`"abc`),
    (e: unknown) => e instanceof UsageError && /unterminated double quote/.test((e as Error).message),
  );
});
t.run();
