import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cellText, renderTable } from "../../../kernel/display/table.js";

const t = suite("renderTable");
t("should render escaped HTML and an aligned text twin", () => {
  const out = renderTable({
    columns: ["run", "ok"],
    rows: [
      ["F/1", true],
      ["<F>/22", false],
    ],
    caption: "Runs",
    footer: "2 rows",
  });
  assert.match(out["text/html"], /<b>Runs<\/b>/);
  assert.match(out["text/html"], /<td style="text-align:left">&lt;F&gt;\/22<\/td>/);
  assert.is(out["text/plain"], "Runs\nrun     ok\n------  --\nF/1     ✓\n<F>/22  ✗\n2 rows");
});
t("should cap the rows and say so", () => {
  const out = renderTable({ columns: ["n"], rows: Array.from({ length: 5 }, (_, i) => [i]), maxRows: 2 });
  assert.match(out["text/plain"], /showing the first 2 of 5 rows$/);
});
t.run();

const c = suite("cellText");
c("should format dates, lists, nulls and objects", () => {
  assert.is(cellText(new Date("2026-01-02T03:04:05.678Z")), "2026-01-02 03:04:05Z");
  assert.is(cellText(["a", "b"]), "a, b");
  assert.is(cellText(null), "");
  assert.is(cellText({ a: 1 }), '{"a":1}');
});
c.run();
