import { suite } from "uvu";
import * as assert from "uvu/assert";
import { resolveIdentity, resolveUsername } from "../../src/util/identity.js";
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
