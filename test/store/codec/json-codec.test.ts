import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tableFromArrays, vectorFromArray } from "apache-arrow";
import { decodeJson, encodeJson } from "../../../src/store/codec/json-codec.js";
import { ArtifactError, DatastoreError, TsflowError } from "../../../src/util/errors.js";
import { rejects } from "../../_helpers/assert-rejects.js";
import { exactDiff } from "./_exact.js";

const ctx = { artifact: "model", step: "train" };
const roundTrip = (v: unknown) => decodeJson(encodeJson(v, ctx));
const text = (v: unknown) => Buffer.from(encodeJson(v, ctx)).toString("utf8");

function assertRoundTrips(v: unknown, label = ""): void {
  const diff = exactDiff(v, roundTrip(v));
  assert.is(diff, undefined, `${label} ${text(v)}`);
}

const encode = suite("encodeJson/decodeJson round trip");

encode("should store JSON-native values as plain JSON", () => {
  assert.is(text({ a: 1, b: ["x", true, null], c: { d: 2.5 } }), '{"a":1,"b":["x",true,null],"c":{"d":2.5}}');
  assertRoundTrips({ a: 1, b: ["x", true, null], c: { d: 2.5 } });
  assertRoundTrips("");
  assertRoundTrips(0);
  assertRoundTrips(Number.MAX_VALUE);
  assertRoundTrips(5e-324);
  assertRoundTrips("lone \ud800 surrogate and emoji 😀");
});

encode("should round-trip undefined at the top, as a property and as an element", () => {
  assertRoundTrips(undefined);
  assertRoundTrips({ a: undefined, b: 1 });
  assertRoundTrips([undefined, 1, undefined]);
  assert.is(text({ a: undefined }), '{"a":{"$t":"undefined"}}');
});

encode("should round-trip NaN, the infinities and negative zero", () => {
  for (const n of [NaN, Infinity, -Infinity, -0]) assertRoundTrips(n, String(n));
  assert.is(text(-0), '{"$t":"number","v":"-0"}');
  assertRoundTrips([0, -0, NaN]);
});

encode("should round-trip bigints, dates and regular expressions", () => {
  for (const v of [0n, -12n, 2n ** 200n, new Date(0), new Date(-8.64e15), new Date(8.64e15), new Date(NaN), /a+b/giu, /x/y]) {
    assertRoundTrips(v, String(v));
  }
  assert.is(text(new Date(0)), '{"$t":"Date","v":"1970-01-01T00:00:00.000Z"}');
});

encode("should round-trip Maps with keys of any type and Sets, in insertion order", () => {
  const key = { id: 1 };
  assertRoundTrips(
    new Map<unknown, unknown>([
      [key, "obj"],
      [1, "n"],
      ["1", "s"],
      [NaN, -0],
      [undefined, null],
      [2n, new Set([3, 1, 2])],
    ]),
  );
  assertRoundTrips(new Set(["b", "a", { z: 1 }, [1]]));
  assertRoundTrips(new Map([[new Map([[1, 2]]), new Set([new Date(5)])]]));
});

encode("should round-trip every typed array, ArrayBuffer, DataView and Buffer", () => {
  const values = [
    Int8Array.of(-128, 127),
    Uint8Array.of(0, 255),
    Uint8ClampedArray.of(0, 255),
    Int16Array.of(-32768, 1),
    Uint16Array.of(65535),
    Int32Array.of(-(2 ** 31)),
    Uint32Array.of(2 ** 32 - 1),
    Float32Array.of(1.5, NaN, -0),
    Float64Array.of(Math.PI, -Infinity, -0),
    BigInt64Array.of(-(2n ** 63n)),
    BigUint64Array.of(2n ** 64n - 1n),
    new Uint8Array(0),
    Uint8Array.of(1, 2, 3).buffer,
    new DataView(Uint8Array.of(9, 8).buffer),
    Buffer.from("hi"),
  ];
  for (const v of values) assertRoundTrips(v, v.constructor.name);
});

encode("should store only the bytes a typed array view covers", () => {
  const view = new Float64Array(new ArrayBuffer(64), 8, 2);
  view.set([1, 2]);
  const back = roundTrip(view) as Float64Array;
  assert.is(back.byteLength, 16);
  assert.equal([...back], [1, 2]);
});

encode("should round-trip sparse arrays and null-prototype objects", () => {
  // biome-ignore lint/suspicious/noSparseArray: the holes are what this test round-trips
  assertRoundTrips([1, , 3, ,]);
  assertRoundTrips(new Array(5));
  const bare = Object.create(null) as Record<string, unknown>;
  bare.x = 1;
  bare.$t = "tricky";
  assertRoundTrips({ bare });
});

encode("should escape plain objects that use the tag key and keep odd keys", () => {
  const tricky = { $t: "Date", v: "2020-01-01T00:00:00.000Z" };
  assert.is(text(tricky), '{"$t":"Object","v":{"$t":"Date","v":"2020-01-01T00:00:00.000Z"}}');
  assertRoundTrips(tricky);
  assertRoundTrips({ $t: { $t: "undefined" } });
  assertRoundTrips(JSON.parse('{"__proto__":{"polluted":1},"constructor":2}'));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

encode("should round-trip nested combinations", () => {
  const nested = {
    layers: [{ w: Float32Array.of(1, 2), b: [0n, -1n], seen: new Set([new Date(1)]) }],
    index: new Map<unknown, unknown>([
      ["a", { nan: NaN, missing: undefined }],
      [[1, 2], new Map([[-0, [undefined]]])],
    ]),
    meta: { $t: [Infinity], created: new Date("2024-01-02T03:04:05.678Z") },
  };
  assertRoundTrips(nested);
});

encode("should keep shared references as copies", () => {
  const shared = { n: 1 };
  const back = roundTrip({ a: shared, b: shared, list: [shared, shared] }) as { a: object; b: object };
  assert.equal(back.a, { n: 1 });
  assert.ok(back.a !== back.b);
});

encode("should round-trip errors with name, message, stack, cause and own properties", () => {
  const cause = new RangeError("inner");
  const err = Object.assign(new TypeError("outer", { cause }), { code: "E_X", details: { retry: 3 } });
  const back = roundTrip(err) as TypeError & { code: string };
  assert.ok(back instanceof TypeError);
  assert.is(exactDiff(err, back), undefined);
  class MyError extends Error {
    override name = "MyError";
  }
  const mine = roundTrip(new MyError("custom")) as Error;
  assert.is(mine.name, "MyError");
  assert.is(mine.message, "custom");
  assert.ok(mine instanceof Error);
});

encode("should read each getter exactly once", () => {
  let reads = 0;
  const v = {
    get counted() {
      reads++;
      return reads;
    },
  };
  const back = roundTrip(v) as { counted: number };
  assert.is(reads, 1);
  assert.is(back.counted, 1);
});
encode.run();

const determinism = suite("encodeJson determinism");
determinism("should give the same bytes for the same value, every time", () => {
  const make = () => ({
    m: new Map([
      [1, "a"],
      [2, "b"],
    ]),
    s: new Set([3]),
    d: new Date(7),
    n: [NaN, -0, 1n],
  });
  assert.equal(encodeJson(make(), ctx), encodeJson(make(), ctx));
  assert.equal(encodeJson(roundTrip(make()), ctx), encodeJson(make(), ctx));
});
determinism("should keep key and insertion order", () => {
  assert.is.not(text({ a: 1, b: 2 }), text({ b: 2, a: 1 }));
  assert.is.not(text(new Set([1, 2])), text(new Set([2, 1])));
});
determinism.run();

const refusals = suite("encodeJson refusals");

function refused(v: unknown, path: string, problem: string | RegExp): ArtifactError {
  let caught: unknown;
  try {
    encodeJson(v, ctx);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ArtifactError, `expected ArtifactError for ${path}, got ${String(caught)}`);
  const err = caught as ArtifactError;
  assert.is(err.code, "UNSERIALIZABLE_ARTIFACT");
  assert.ok(err instanceof TsflowError);
  assert.ok(err.message.startsWith(`Cannot store artifact 'model' of step 'train': ${path} `), err.message);
  if (typeof problem === "string") assert.ok(err.message.includes(problem), err.message);
  else assert.match(err.message, problem);
  return err;
}

refusals("should refuse functions and name where they are, with what to do", () => {
  const err = refused({ layers: [{}, {}, { fn: () => 1 }] }, "this.model.layers[2].fn", "is a function (fn)");
  assert.ok(err.message.includes("toJSON()"));
  assert.ok(err.message.includes("starting with `_`"));
  refused(function named() {}, "this.model", "is a function (named)");
});

refusals("should refuse symbols, as values and as enumerable keys", () => {
  refused({ s: Symbol("tag") }, "this.model.s", "is a symbol (Symbol(tag))");
  refused({ inner: { [Symbol("k")]: 1 } }, "this.model.inner", "symbol-keyed property [Symbol(k)]");
});

refusals("should refuse class instances, naming the class", () => {
  class Foo {
    x = 1;
  }
  refused({ a: new Foo() }, "this.model.a", "instance of class Foo");
  refused([new WeakMap()], "this.model[0]", "instance of class WeakMap");
  refused({ n: new Number(1) }, "this.model.n", "instance of class Number");
  refused({ m: new (class Registry extends Map {})() }, "this.model.m", "instance of class Registry");
  refused({ bad: Object.create({ inherited: 1 }) as object }, "this.model.bad", "is an object with a custom prototype");
});

refusals("should refuse promises with advice to await them", () => {
  const err = refused({ p: Promise.resolve(1) }, "this.model.p", "is a Promise");
  assert.ok(err.message.includes("await"));
});

refusals("should refuse cycles, naming both ends, and accept shared references", () => {
  const root: Record<string, unknown> = { child: { list: [] as unknown[] } };
  (root.child as { list: unknown[] }).list.push(root.child);
  refused(root, "this.model.child.list[0]", "refers back to this.model.child, which contains it (a reference cycle)");
  const self: unknown[] = [];
  self.push(self);
  refused(self, "this.model[0]", "refers back to this.model,");
  const m = new Map<string, unknown>();
  m.set("me", m);
  refused({ m }, 'this.model.m.get("me")', "reference cycle");
});

refusals("should give paths through Map keys, Map values and Set elements", () => {
  refused(new Map([[{ f: Symbol() }, 1]]), "this.model<Map key #0>.f", "is a symbol");
  refused(new Map([[2n, () => 0]]), "this.model.get(2n)", "is a function");
  refused(new Set([1, new Set([() => 0])]), "this.model<Set element #1><Set element #0>", "is a function");
  refused({ "odd key": [() => 0] }, 'this.model["odd key"][0]', "is a function");
});

refusals("should refuse an Arrow Table or vector nested inside another value", () => {
  refused({ t: tableFromArrays({ x: Int32Array.of(1) }) }, "this.model.t", "is an Arrow Table inside another value");
  refused([vectorFromArray([1, 2])], "this.model[0]", /is an Arrow Vector.*new Table/);
});

refusals("should report a getter that throws", () => {
  const err = refused(
    {
      get boom(): number {
        throw new Error("nope");
      },
    },
    "this.model.boom",
    "getter threw: nope",
  );
  assert.ok(err.cause instanceof Error);
});
refusals.run();

const decoding = suite("decodeJson on damaged data");
decoding("should raise DatastoreError for bytes that are not this format", async () => {
  await rejects(() => decodeJson(Buffer.from("{not json")), DatastoreError, "not valid JSON");
  await rejects(() => decodeJson(Buffer.from('{"$t":"Quaternion","v":1}')), DatastoreError, 'unknown tag "Quaternion"');
  await rejects(() => decodeJson(Uint8Array.of(0xff, 0xfe)), DatastoreError, "not valid JSON");
});
decoding.run();
