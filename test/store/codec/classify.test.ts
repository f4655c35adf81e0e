import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runInNewContext } from "node:vm";
import { tableFromArrays } from "apache-arrow";
import { classifyObject, describeType } from "../../../src/store/codec/classify.js";

const describe = suite("describeType");
describe("should name primitives, containers and classes in a few characters", () => {
  const cases: [unknown, string][] = [
    [1, "number"],
    ["s", "string"],
    [true, "boolean"],
    [undefined, "undefined"],
    [null, "null"],
    [1n, "bigint"],
    [Symbol(), "symbol"],
    [() => 0, "function"],
    [[], "Array"],
    [{}, "object"],
    [Object.create(null), "object"],
    [new Map(), "Map"],
    [new Set(), "Set"],
    [new Date(), "Date"],
    [/x/, "RegExp"],
    [new Uint8Array(), "Uint8Array"],
    [new Float64Array(), "Float64Array"],
    [Buffer.from(""), "Buffer"],
    [new TypeError(), "TypeError"],
    [tableFromArrays({ x: [1] }), "arrow.Table"],
    [new (class Foo {})(), "Foo"],
    [Promise.resolve(), "Promise"],
  ];
  for (const [value, name] of cases) assert.is(describeType(value), name, String(name));
});
describe.run();

const classify = suite("classifyObject");
classify("should treat subclasses of supported types as other", () => {
  assert.is(classifyObject(new (class extends Map {})()), "other");
  assert.is(classifyObject(new (class extends Array {})()), "other");
  assert.is(classifyObject(new (class extends Uint8Array {})()), "other");
  assert.is(classifyObject(new (class extends Error {})()), "Error");
});
classify("should accept plain objects and arrays made in another realm", () => {
  assert.is(classifyObject(runInNewContext("({ a: 1 })") as object), "object");
  assert.is(classifyObject(runInNewContext("[1, 2]") as object), "Array");
  assert.is(classifyObject(runInNewContext("new (class Foo {})()") as object), "other");
});
classify.run();
