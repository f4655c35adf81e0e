import { suite } from "uvu";
import * as assert from "uvu/assert";
import { clientState } from "../../src/client/state.js";

const state = suite("clientState");
state("should keep one state per process on globalThis under a registered symbol", () => {
  const s = clientState();
  assert.is(clientState(), s);
  assert.is((globalThis as Record<symbol, unknown>)[Symbol.for("tsflow.client.state")], s);
  assert.ok(s.backends instanceof Map);
});
state("should adopt a state another copy of the library created first", () => {
  const key = Symbol.for("tsflow.client.state");
  const holder = globalThis as Record<symbol, unknown>;
  const saved = holder[key];
  const other = { namespace: "user:from-other-copy", root: undefined, backends: new Map() };
  holder[key] = other;
  try {
    assert.is(clientState(), other);
  } finally {
    holder[key] = saved;
  }
});
state.run();
