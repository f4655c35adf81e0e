import { suite } from "uvu";
import * as assert from "uvu/assert";
import { JUPYTER_DISPLAY, registerFormatter, toMimeBundle } from "../../../kernel/display/mime-bundle.js";

const m = suite("toMimeBundle");
m("should use util.inspect for text/plain", async () => {
  assert.equal(await toMimeBundle("s"), { "text/plain": "'s'" });
  assert.equal(await toMimeBundle([1, { a: 2 }]), { "text/plain": "[ 1, { a: 2 } ]" });
});
m("should let a value display itself, adding text/plain when missing", async () => {
  const v = { [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>x</b>" }), toString: () => "X" };
  const bundle = await toMimeBundle(v);
  assert.is(bundle["text/html"], "<b>x</b>");
  assert.type(bundle["text/plain"], "string");
  assert.equal(await toMimeBundle({ [JUPYTER_DISPLAY]: async () => ({ "text/plain": "p" }) }), { "text/plain": "p" });
});
m("should try registered formatters before inspect", async () => {
  registerFormatter((v) => (v instanceof Map ? { "text/html": "<table></table>" } : undefined));
  assert.is((await toMimeBundle(new Map()))["text/html"], "<table></table>");
  assert.equal(await toMimeBundle(1), { "text/plain": "1" });
});
m.run();
