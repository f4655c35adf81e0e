/**
 * Property-based tests of the pathspec parser (`parsePathspec`, `componentsValid`) and of the key
 * layout it feeds: any string is either split into exactly the kind's parts or refused with
 * `Expects Kind(...)`, and no accepted name can address anything outside the datastore root.
 */
import * as path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { componentsValid, depthOf, MODEL, parsePathspec, type Kind } from "../../src/client/model.js";
import { keys } from "../../src/store/layout.js";
import { InvalidNameError, InvalidPathspecError } from "../../src/util/errors.js";
import { reportFigures } from "../_helpers/reliability.js";

const RUNS = Number(process.env.FC_RUNS ?? 300);
let cases = 0;
const counted = <T>(p: fc.IPropertyWithHooks<T> | fc.IProperty<T>) => {
  cases += RUNS;
  return p;
};

const kind = fc.constantFrom<Kind>("Flow", "Run", "Step", "Task", "DataArtifact");
const hostile = fc.constantFrom("", ".", "..", "/", "\0", "..\\", "%2e%2e", "C:", "~", "\u2215", "\u043e", " ", "\n");
const part = fc.oneof(fc.string({ unit: "grapheme" }), hostile, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/));
const pathspec = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.array(part, { minLength: 0, maxLength: 7 }).map((ps) => ps.join("/")),
);
const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);
const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
const artifact = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/);

const parse = suite("parsePathspec properties");

parse("should split any string into exactly the kind's parts, or refuse it before any I/O", () => {
  fc.assert(
    counted(
      fc.property(kind, pathspec, (k, p) => {
        let parts: string[];
        try {
          parts = parsePathspec(k, p);
        } catch (err) {
          // A DataArtifact pathspec of the right shape can still end in a name no artifact can have.
          if (err instanceof InvalidNameError) {
            assert.is(k, "DataArtifact");
            assert.match((err as Error).message, /^Artifact name .* is not valid: use letters, digits, '_' and '\$'/);
            assert.not.ok(/^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/.test(p.split("/")[4] ?? ""));
            return;
          }
          assert.ok(err instanceof InvalidPathspecError);
          assert.is((err as Error).message, `Expects ${k}('${MODEL[k].shape}')`);
          assert.ok(p.split("/").length !== depthOf(k) || p.split("/").some((x) => x === ""));
          return;
        }
        assert.is(parts.length, depthOf(k));
        assert.ok(parts.every((x) => x.length > 0 && !x.includes("/")));
        assert.is(parts.join("/"), p);
      }),
    ),
    { numRuns: RUNS },
  );
});

parse("should accept every well-formed pathspec and find its components valid", () => {
  const full = fc.tuple(ident, digits(24), ident, digits(12), artifact);
  fc.assert(
    counted(
      fc.property(kind, full, (k, all) => {
        const parts = all.slice(0, depthOf(k));
        assert.equal(parsePathspec(k, parts.join("/")), parts);
        assert.ok(componentsValid(parts));
      }),
    ),
    { numRuns: RUNS },
  );
});

parse("should never call a component valid that is empty, '..', has '/', NUL or a lookalike letter", () => {
  fc.assert(
    counted(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        if (!componentsValid(parts)) return;
        for (const x of parts) {
          assert.ok(x.length > 0 && x.length <= 128 && x !== "." && x !== "..");
          assert.ok(/^[A-Za-z0-9_$]+$/.test(x), `only ASCII word characters: ${JSON.stringify(x)}`);
        }
      }),
    ),
    { numRuns: RUNS },
  );
});
parse.run();

const layout = suite("datastore keys properties");
const root = path.resolve("/data/root");

layout("should never build a key outside the root, whatever the names", () => {
  fc.assert(
    counted(
      fc.property(part, part, part, part, (flow, runId, step, taskId) => {
        let key: string;
        try {
          key = keys.done(flow, runId, step, taskId, 0);
        } catch (err) {
          assert.ok(err instanceof InvalidNameError, String(err));
          return;
        }
        const resolved = path.resolve(root, key);
        assert.ok(resolved.startsWith(`${root}${path.sep}flows${path.sep}`), resolved);
        assert.is(path.normalize(key), key, "no '.', '..' or '//' in a key");
        assert.not.match(key, /\0/);
      }),
    ),
    { numRuns: RUNS },
  );
});
layout.after(() => reportFigures("properties:pathspec", { cases }));
layout.run();
