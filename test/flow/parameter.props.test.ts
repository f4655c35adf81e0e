/**
 * Property-based tests of the parameter parser: every value of a type, written as on the command
 * line, parses back to itself; any other string is refused with `ParameterError` naming the option.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { checkParameterValue, Parameter, parseParameterValue, type ParameterSpec, type ParameterType } from "../../src/flow/parameter.js";
import { ParameterError } from "../../src/util/errors.js";
import { reportFigures } from "../_helpers/reliability.js";

const RUNS = Number(process.env.FC_RUNS ?? 300);
let cases = 0;
const counted = <T>(p: fc.IProperty<T>) => {
  cases += RUNS;
  return p;
};
const spec = (type: ParameterType) => Parameter("p", { type }) as unknown as ParameterSpec;
const refused = (type: ParameterType, raw: string) =>
  assert.throws(
    () => parseParameterValue(spec(type), raw),
    (e: unknown) => e instanceof ParameterError && (e as Error).message.startsWith("Invalid value for '--p'"),
  );

const params = suite("parseParameterValue properties");

params("should parse every safe integer back to itself, and refuse any string that is not one", () => {
  fc.assert(
    counted(
      fc.property(fc.maxSafeInteger(), fc.string(), (n, s) => {
        assert.is(parseParameterValue(spec("integer"), String(n)), n);
        let v: unknown;
        try {
          v = parseParameterValue(spec("integer"), s);
        } catch {
          return refused("integer", s);
        }
        assert.ok(Number.isSafeInteger(v) && /^\s*[-+]?\d+\s*$/.test(s));
      }),
    ),
    { numRuns: RUNS },
  );
});

params("should parse every number back to itself, and never return NaN", () => {
  fc.assert(
    counted(
      fc.property(fc.double({ noNaN: true }), fc.string(), (d, s) => {
        assert.ok(Object.is(parseParameterValue(spec("number"), String(d)), Object.is(d, -0) ? 0 : d));
        try {
          assert.not.ok(Number.isNaN(parseParameterValue(spec("number"), s)));
        } catch {
          refused("number", s);
        }
      }),
    ),
    { numRuns: RUNS },
  );
});

params("should parse booleans only from their spellings", () => {
  const spelled = fc.constantFrom("true", "TRUE", "1", "yes", "y", "false", "False", "0", "no", "N");
  fc.assert(
    counted(
      fc.property(spelled, fc.string(), (b, s) => {
        assert.is(parseParameterValue(spec("boolean"), b), ["true", "1", "yes", "y"].includes(b.toLowerCase()));
        if (!["true", "1", "yes", "y", "false", "0", "no", "n"].includes(s.toLowerCase())) refused("boolean", s);
      }),
    ),
    { numRuns: RUNS },
  );
});

params("should round-trip any JSON value and refuse any text that is not JSON", () => {
  fc.assert(
    counted(
      fc.property(fc.jsonValue(), fc.string(), (v, s) => {
        assert.equal(parseParameterValue(spec("json"), JSON.stringify(v)), JSON.parse(JSON.stringify(v)));
        let expected: unknown;
        try {
          expected = JSON.parse(s);
        } catch {
          return refused("json", s);
        }
        assert.equal(parseParameterValue(spec("json"), s), expected);
      }),
    ),
    { numRuns: RUNS },
  );
});

params("should keep strings as given and type-check values given in code", () => {
  fc.assert(
    counted(
      fc.property(fc.string({ unit: "binary" }), fc.anything(), (s, v) => {
        assert.is(parseParameterValue(spec("string"), s), s);
        for (const type of ["string", "number", "integer", "boolean"] as const) {
          const ok = type === "integer" ? Number.isSafeInteger(v) : typeof v === type && !Number.isNaN(v);
          if (ok) assert.is(checkParameterValue(spec(type), v), v);
          else
            assert.throws(
              () => checkParameterValue(spec(type), v),
              (e: unknown) => e instanceof ParameterError,
            );
        }
      }),
    ),
    { numRuns: RUNS },
  );
});
params.after(() => reportFigures("properties:parameters", { cases }));
params.run();
