/**
 * Property-based tests of the tag and namespace parsers: a string is accepted exactly when it is a
 * non-empty, well-formed string of at most 500 characters without control characters; everything
 * else is refused with a typed error (`TaggingError` for tags, `InvalidNameError` for namespaces).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { assertFlowName, assertNamespace, assertRunId, assertTag, MAX_TAG_LENGTH } from "../../src/util/validate.js";
import { InvalidNameError, TaggingError } from "../../src/util/errors.js";
import { reportFigures } from "../_helpers/reliability.js";

const RUNS = Number(process.env.FC_RUNS ?? 300);
let cases = 0;
const counted = <T>(p: fc.IProperty<T>) => {
  cases += RUNS;
  return p;
};

const isGoodTag = (s: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the model of assertTag refuses control characters as it does
  s.length > 0 && s.length <= MAX_TAG_LENGTH && !/[\u0000-\u001f\u007f]/.test(s) && s.isWellFormed();
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 495, maxLength: 505 }),
  fc.constantFrom("", "user:alice", "a\u0000b", "tab\there", "\u007f", "\ud800", "x".repeat(500), "x".repeat(501), "production:tok"),
);

const tags = suite("assertTag / assertNamespace properties");

tags("should accept a tag exactly when it follows the rules, else refuse with TaggingError", () => {
  fc.assert(
    counted(
      fc.property(text, (s) => {
        if (isGoodTag(s)) return assert.is(assertTag(s), s);
        assert.throws(
          () => assertTag(s),
          (e: unknown) => e instanceof TaggingError && (e as TaggingError).code === "TAGGING",
        );
      }),
    ),
    { numRuns: RUNS },
  );
});

tags("should accept a namespace exactly when it is null, '' or a valid tag, else refuse with InvalidNameError", () => {
  fc.assert(
    counted(
      fc.property(fc.oneof(text, fc.constant(null), fc.integer(), fc.constant(undefined)), (s) => {
        if (s === null || s === "" || (typeof s === "string" && isGoodTag(s))) return assert.is(assertNamespace(s), s);
        assert.throws(
          () => assertNamespace(s),
          (e: unknown) => e instanceof InvalidNameError && /Namespace/.test((e as Error).message),
        );
      }),
    ),
    { numRuns: RUNS },
  );
});

tags("should accept as flow names and run ids only what is safe in a path", () => {
  fc.assert(
    counted(
      fc.property(text, (s) => {
        for (const check of [assertFlowName, assertRunId]) {
          let ok = true;
          try {
            check(s);
          } catch (e) {
            assert.ok(e instanceof InvalidNameError);
            ok = false;
          }
          if (ok) assert.match(s, /^[A-Za-z0-9_]{1,128}$/);
        }
      }),
    ),
    { numRuns: RUNS },
  );
});
tags.after(() => reportFigures("properties:tags", { cases }));
tags.run();
