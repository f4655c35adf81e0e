import { suite } from "uvu";
import * as assert from "uvu/assert";
import { lineageSvg } from "../../../kernel/display/lineage-svg.js";

const svg = suite("lineageSvg");
svg("should draw upstream runs, the run and its consumers with labelled arrows", () => {
  const out = lineageSvg(
    { pathspec: "Reader/2", detail: "user:bob · successful" },
    [{ pathspec: "Source/1", label: "choice (in user:alice)" }],
    [{ pathspec: "Report/3" }, { pathspec: "Report/4" }],
  );
  assert.match(out, /^<svg [^>]*class="tsflow-lineage"/);
  for (const name of ["Reader/2", "Source/1", "Report/3", "Report/4", "choice (in user:alice)", "user:bob · successful"]) assert.ok(out.includes(name), name);
  assert.is(out.match(/<line /g)?.length, 3, "one arrow per link");
  assert.not.ok(out.includes("(none)"));
});
svg("should say (none) for a side without runs and escape names", () => {
  const out = lineageSvg({ pathspec: "A<b>/1" }, [], []);
  assert.is(out.match(/\(none\)/g)?.length, 2);
  assert.ok(out.includes("A&lt;b&gt;/1"));
  assert.not.ok(out.includes("<line "));
});
svg("should fit a notebook's width and cut a long label, keeping it whole in a tooltip", () => {
  const label = "choice, features, model, scores (in user:alice)";
  const out = lineageSvg({ pathspec: "R/2" }, [{ pathspec: "S/1", label }], []);
  assert.ok(Number(/width="(\d+)"/.exec(out)?.[1]) <= 900);
  assert.ok(out.includes(`<title>${label}</title>choice, features, mod…`), out);
});
svg.run();
