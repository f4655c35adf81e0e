import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as tsflow from "tsflow";
import { FlowSpec, step, runFlow, useDatastore, closeClient, namespace } from "tsflow";
import { elsewhereHint } from "../../../kernel/tsflow/elsewhere.js";
import { asTsflowApi } from "../../../kernel/tsflow/api.js";
import { makeTempDir, removeTempDir } from "../../_helpers/tmp.js";

class F extends FlowSpec {
  @step start() {
    this.next(this.end);
  }
  @step end() {}
}
const api = asTsflowApi(tsflow as unknown as Record<string, unknown>).api!;
const miss = (message: string, code = "NOT_FOUND") => Object.assign(new Error(message), { code, headline: "h" });
let root = "";
let carolRun = "";

const e = suite("elsewhereHint");
e.before(async () => {
  root = await makeTempDir();
  useDatastore(root);
  const as = async (user: string, token = "") => {
    process.env.TSFLOW_USER = user;
    process.env.TSFLOW_PRODUCTION_TOKEN = token;
    return runFlow(F, { onEvent: () => {} });
  };
  await as("bob");
  await as("bob");
  await as("carol", "p1");
  carolRun = (await as("carol")).id;
  process.env.TSFLOW_USER = "alice";
  process.env.TSFLOW_PRODUCTION_TOKEN = "";
  namespace("user:alice");
});
e.after(async () => {
  await closeClient();
  await removeTempDir(root);
});
e("should count runs of the flow per identity namespace and name the magic to switch", async () => {
  assert.equal(await elsewhereHint(api, miss("Flow('F') does not exist")), [
    "Found 4 runs of F in other namespaces: user:bob (2 runs), production:p1 (1 run), user:carol (1 run); the current namespace is user:alice.",
    "Use %namespace user:bob to switch there, or %namespace --global to see every namespace.",
  ]);
});
e("should narrow to one run, and read the pathspec from the cell when the message has none", async () => {
  const lines = await elsewhereHint(api, miss("Object not in namespace 'user:alice'", "NAMESPACE_MISMATCH"), `const r = await Run('F/${carolRun}')`);
  assert.match(lines[0] as string, new RegExp(`^Found Run\\('F/${carolRun}'\\) in other namespaces: user:carol \\(1 run\\)`));
});
e("should say nothing for other errors or when nothing exists elsewhere", async () => {
  assert.equal(await elsewhereHint(api, new Error("Flow('F') does not exist")), []);
  assert.equal(await elsewhereHint(api, miss("Flow('Nope') does not exist")), []);
});
e.run();
