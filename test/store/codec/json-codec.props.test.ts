/** Property-based tests of the JSON codec: every supported value round-trips exactly; unsupported parts are refused. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { decodeJson, encodeJson } from "../../../src/store/codec/json-codec.js";
import { propertySegment } from "../../../src/store/codec/refusal.js";
import { ArtifactError } from "../../../src/util/errors.js";
import { exactDiff } from "./_exact.js";

const ctx = { artifact: "x", step: "start" };
const RUNS = Number(process.env.FC_RUNS ?? 300);

const key = fc.oneof(fc.string(), fc.constantFrom("$t", "v", "__proto__", "constructor", "toString", "0", "10", "a b"));
const leaves = [
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ unit: "binary" }),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MIN_VALUE),
  fc.bigInt(),
  fc.date(),
  fc.uint8Array().map((a) => Buffer.from(a)),
  fc.uint8Array().map((a) => a.slice().buffer),
  fc.uint8Array().map((a) => new DataView(a.slice().buffer)),
  fc.float64Array().map((a) => a.subarray(1)),
  fc.tuple(fc.constantFrom("a+", "x", "^\\d$"), fc.constantFrom("", "g", "giu")).map(([s, f]) => new RegExp(s, f)),
  fc.tuple(fc.constantFrom(Error, TypeError, RangeError), fc.string()).map(([E, m]) => new E(m)),
];
const supported = fc.anything({
  key,
  values: leaves,
  maxDepth: 4,
  maxKeys: 5,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
  withBoxedValues: false,
});

const props = suite("encodeJson/decodeJson properties");

props("should round-trip every supported value exactly", () => {
  fc.assert(
    fc.property(supported, (v) => {
      const diff = exactDiff(v, decodeJson(encodeJson(v, ctx)));
      if (diff) throw new Error(diff);
    }),
    { numRuns: RUNS },
  );
});

props("should be deterministic and canonical: re-encoding the copy gives the same bytes", () => {
  fc.assert(
    fc.property(supported, (v) => {
      const bytes = encodeJson(v, ctx);
      assert.equal(encodeJson(v, ctx), bytes);
      assert.equal(encodeJson(decodeJson(bytes), ctx), bytes);
    }),
    { numRuns: RUNS },
  );
});
props.run();

class Widget {
  spin(): number {
    return 1;
  }
}

/** Makers of values that must be refused, and the start of what the message says about them. */
const unsupported = fc.constantFrom<[() => unknown, string]>(
  [() => () => 1, "is a function"],
  [() => Symbol("s"), "is a symbol"],
  [() => new Widget(), "is an instance of class Widget"],
  [() => Promise.resolve(1), "is a Promise"],
  [() => new WeakMap(), "is an instance of class WeakMap"],
  [() => new WeakSet(), "is an instance of class WeakSet"],
  [() => new (class Bag extends Set {})(), "is an instance of class Bag"],
  [() => new String("boxed"), "is an instance of class String"],
  [() => ({ [Symbol("k")]: 1 }), "has a symbol-keyed property"],
);

type Wrapper = { kind: "object" | "array" | "map" | "set" | "null-object"; key: string; sibling: unknown };
const wrapper: fc.Arbitrary<Wrapper> = fc.record({
  kind: fc.constantFrom("object", "array", "map", "set", "null-object"),
  key: fc.string(),
  sibling: fc.anything({ maxDepth: 1, withMap: true, withBigInt: true }),
});

/** Wraps `inner` in one container, with a supported sibling; returns the container and the path step to `inner`. */
function wrap(inner: unknown, w: Wrapper): [unknown, string] {
  switch (w.kind) {
    case "object":
      return [{ [w.key]: inner, [`${w.key}~`]: w.sibling }, propertySegment(w.key)];
    case "null-object":
      return [Object.assign(Object.create(null) as object, { [w.key]: inner }), propertySegment(w.key)];
    case "array":
      return [[w.sibling, inner], "[1]"];
    case "map":
      return [
        new Map([
          [`${w.key}~`, w.sibling],
          [w.key, inner],
        ]),
        `.get(${JSON.stringify(w.key)})`,
      ];
    case "set":
      return [new Set([inner]), "<Set element #0>"];
  }
}

function refusalOf(v: unknown): ArtifactError {
  try {
    encodeJson(v, ctx);
  } catch (err) {
    if (err instanceof ArtifactError && err.code === "UNSERIALIZABLE_ARTIFACT") return err;
    throw err;
  }
  throw new Error("value was stored, not refused");
}

const refuse = suite("encodeJson refusal properties");

refuse("should refuse an unsupported part anywhere, naming its path", () => {
  fc.assert(
    fc.property(unsupported, fc.array(wrapper, { maxLength: 5 }), ([make, problem], wrappers) => {
      let value = make();
      let path = "";
      for (const w of wrappers) {
        const [outer, step] = wrap(value, w);
        value = outer;
        path = step + path;
      }
      const err = refusalOf(value);
      assert.ok(err.message.startsWith(`Cannot store artifact 'x' of step 'start': this.x${path} ${problem}`), `${path}: ${err.message}`);
    }),
    { numRuns: RUNS },
  );
});

refuse("should refuse any cycle, naming where it closes", () => {
  fc.assert(
    fc.property(fc.array(wrapper, { minLength: 1, maxLength: 5 }), (wrappers) => {
      const hole: Record<string, unknown> = {};
      let value: unknown = hole;
      let path = ".back";
      for (const w of wrappers) {
        const [outer, step] = wrap(value, w);
        value = outer;
        path = step + path;
      }
      hole.back = value;
      const err = refusalOf(value);
      assert.ok(err.message.includes(`this.x${path} refers back to this.x, which contains it (a reference cycle)`), err.message);
    }),
    { numRuns: RUNS },
  );
});
refuse.run();
