import { suite } from "uvu";
import * as assert from "uvu/assert";
import { elsewhereHint } from "../../../kernel/tsflow/elsewhere.js";
import type { TsflowApi } from "../../../kernel/tsflow/api.js";

const runs = [
  { id: "1", tags: ["user:bob", "exp"] },
  { id: "2", tags: ["user:bob"] },
  { id: "3", tags: ["production:p1", "user:carol"] },
];
const api = { getNamespace: () => "user:alice", listRuns: async () => runs } as unknown as TsflowApi;
const miss = (message: string, code = "NOT_FOUND") => Object.assign(new Error(message), { code, headline: "h" });

const e = suite("elsewhereHint");
e("should count runs of the flow per identity namespace and name the magic to switch", async () => {
  assert.equal(await elsewhereHint(api, miss("Flow('F') does not exist")), [
    "Found 4 runs of F in other namespaces: user:bob (2 runs), production:p1 (1 run), user:carol (1 run); the current namespace is user:alice.",
    "Use %namespace user:bob to switch there, or %namespace --global to see every namespace.",
  ]);
});
e("should narrow to one run, and read the pathspec from the cell when the message has none", async () => {
  const lines = await elsewhereHint(api, miss("Object not in namespace 'user:alice'", "NAMESPACE_MISMATCH"), "const r = await Run('F/3')");
  assert.match(lines[0] as string, /^Found Run\('F\/3'\) in other namespaces: production:p1 \(1 run\), user:carol \(1 run\)/);
});
e("should say nothing for other errors or when nothing exists elsewhere", async () => {
  assert.equal(await elsewhereHint(api, new Error("Flow('F') does not exist")), []);
  assert.equal(await elsewhereHint(api, miss("Run('F/9') does not exist")), []);
});
e.run();
