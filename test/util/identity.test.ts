import { suite } from "uvu";
import * as assert from "uvu/assert";
import { resolveIdentity, resolveProductionToken, resolveUsername, withProductionToken } from "../../src/util/identity.js";
import { UnknownUserError } from "../../src/util/errors.js";

const username = suite("resolveUsername");
username("should take TSFLOW_USER, then SUDO_USER, USERNAME, USER", () => {
  assert.is(resolveUsername({ USERNAME: "uname", USER: "uuser" }), "uname");
  assert.is(resolveUsername({ USER: "uuser" }), "uuser");
  assert.is(resolveUsername({ TSFLOW_USER: "tf", USERNAME: "uname" }), "tf");
  assert.is(resolveUsername({ SUDO_USER: "sudoer", USERNAME: "uname" }), "sudoer");
});
username("should skip root and empty values", () => {
  assert.is(resolveUsername({ TSFLOW_USER: "root", SUDO_USER: "", USERNAME: "uname" }), "uname");
});
username("should throw UnknownUserError naming the variable to set", () => {
  assert.throws(
    () => resolveUsername({ USER: "root" }),
    (e: any) => e instanceof UnknownUserError && e.code === "UNKNOWN_USER" && e.message.includes("TSFLOW_USER"),
  );
});
username.run();

const identity = suite("resolveIdentity");
identity("should prefer the production token over the user", () => {
  assert.is(resolveIdentity({ TSFLOW_PRODUCTION_TOKEN: "tok", TSFLOW_USER: "alice" }), "production:tok");
  assert.is(resolveIdentity({ TSFLOW_USER: "alice" }), "user:alice");
});
identity.run();

const scoped = suite("withProductionToken");
scoped("should make the identity production:<token> inside the call and what it awaits, and only there", async () => {
  process.env.TSFLOW_USER = "alice";
  delete process.env.TSFLOW_PRODUCTION_TOKEN;
  const inside = await withProductionToken("tok", async () => {
    await new Promise((r) => setTimeout(r, 1));
    return [resolveIdentity(), resolveProductionToken()];
  });
  assert.equal(inside, ["production:tok", "tok"]);
  assert.is(resolveIdentity(), "user:alice", "outside the call");
  assert.is(process.env.TSFLOW_PRODUCTION_TOKEN, undefined, "the environment is not changed");
  assert.is(
    withProductionToken("tok", () => resolveIdentity({ TSFLOW_USER: "bob" })),
    "user:bob",
    "an explicit environment is read as given",
  );
});
scoped.run();
