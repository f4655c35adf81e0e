import { suite } from "uvu";
import * as assert from "uvu/assert";
import { LazyPromise } from "../../src/client/lazy-promise.js";

const lazy = suite("LazyPromise");
lazy("should start its work on first await, once", async () => {
  let calls = 0;
  const p = LazyPromise.from(async () => ++calls);
  await new Promise((r) => setTimeout(r, 5));
  assert.is(calls, 0);
  assert.is(await p, 1);
  assert.is(await p, 1);
  assert.is(calls, 1);
});
lazy("should reject when the work throws, even synchronously", async () => {
  const p = LazyPromise.from(() => {
    throw new Error("boom");
  });
  await p.then(
    () => assert.unreachable(),
    (e: unknown) => assert.is((e as Error).message, "boom"),
  );
  await p.catch((e: unknown) => assert.is((e as Error).message, "boom"));
});
lazy("should derive plain Promises", async () => {
  const p = LazyPromise.from(() => 2);
  const d = p.then((x) => x * 2);
  assert.ok(p instanceof Promise);
  assert.not.ok(d instanceof LazyPromise);
  assert.is(await d, 4);
  assert.is(await p.finally(() => undefined), 2);
});
lazy.run();
