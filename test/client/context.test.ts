import { suite } from "uvu";
import * as assert from "uvu/assert";
import { currentContext, inNamespace, mustCheck, type ReadContext } from "../../src/client/context.js";
import { currentBackend } from "../../src/client/backend.js";
import { namespace } from "../../src/client/namespace.js";
import { useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const member = suite("inNamespace");
member("should hold when the namespace is one of the tags, or global", () => {
  assert.ok(inNamespace(["user:alice", "exp1"], "exp1"));
  assert.ok(inNamespace([], null));
  assert.not.ok(inNamespace(["user:alice"], "user:bob"));
  assert.not.ok(inNamespace(["user:alice"], ""));
});
member.run();

const check = suite("mustCheck");
check("should check only a checked context with a namespace", () => {
  const base = { backend: undefined as unknown as ReadContext["backend"] };
  assert.ok(mustCheck({ ...base, namespace: "user:a", check: true }));
  assert.ok(mustCheck({ ...base, namespace: "", check: true }));
  assert.not.ok(mustCheck({ ...base, namespace: null, check: true }));
  assert.not.ok(mustCheck({ ...base, namespace: "user:a", check: false }));
});
check.run();

const current = suite<FixtureContext>("currentContext");
useFixture(current);
current("should capture the current backend and namespace, checked", () => {
  namespace("exp1");
  const ctx = currentContext();
  assert.is(ctx.backend, currentBackend());
  assert.is(ctx.namespace, "exp1");
  assert.ok(ctx.check);
});
current.run();
