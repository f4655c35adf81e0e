/**
 * Property-based tests of the object store over a real root (the codec's own properties are in
 * `codec/json-codec.props.test.ts`): every value it accepts comes back exactly from disk, its bytes
 * hash to its address, and an identical value is stored once.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { ObjectStore } from "../../src/store/object-store.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { reportFigures } from "../_helpers/reliability.js";
import { exactDiff } from "./codec/_exact.js";

const RUNS = Number(process.env.FC_RUNS ?? 300);
let cases = 0;
let root = "";
const props = suite("ObjectStore properties");
props.before(async () => {
  root = await makeTempDir("tsflow-objprops-");
});
props.after(async () => {
  await removeTempDir(root);
  reportFigures("properties:codec", { cases });
});

const value = fc.anything({
  maxDepth: 3,
  maxKeys: 4,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: false,
});

props("should give back every accepted value exactly, at the address its bytes hash to, stored once", async () => {
  const store = new ObjectStore(new LocalStorage(root));
  await fc.assert(
    fc.asyncProperty(value, async (v) => {
      cases++;
      const ref = await store.put(v, { artifact: "x", step: "start" });
      const bytes = readFileSync(join(root, "objects", ref.sha.slice(0, 2), ref.sha));
      assert.is(createHash("sha256").update(bytes).digest("hex"), ref.sha);
      assert.is(bytes.byteLength, ref.size);
      const diff = exactDiff(v, await store.get(ref));
      if (diff) throw new Error(diff);
      const again = await store.put(v, { artifact: "y", step: "other" });
      assert.is(again.sha, ref.sha, "content-addressed: the same value, the same object");
    }),
    { numRuns: RUNS },
  );
  const files = readdirSync(join(root, "objects"), { recursive: true })
    .map(String)
    .filter((f) => /[0-9a-f]{64}$/.test(f));
  assert.ok(files.length <= cases, "no object stored twice");
  assert.not.ok(
    files.some((f) => f.includes(".tmp-")),
    "no temporary file left",
  );
});
props.run();
