import { suite } from "uvu";
import * as assert from "uvu/assert";
import { completeLookupString } from "../../../kernel/tsflow/code-completion.js";
import type { TsflowApi } from "../../../kernel/tsflow/api.js";

const api = {
  listFlows: async () => [{ id: "TeamCollabFlow" }, { id: "TrainFlow" }],
  listRuns: async (flow: string) => [{ pathspec: `${flow}/12` }, { pathspec: `${flow}/11` }],
} as unknown as TsflowApi;

const c = suite("completeLookupString");
c("should complete flow names in Flow() and run pathspecs in Run()", async () => {
  assert.equal(await completeLookupString(api, `await Flow("T`, 13), { start: 12, end: 13, matches: ["TeamCollabFlow", "TrainFlow"] });
  assert.equal(await completeLookupString(api, `Run('TrainFlow/1`, 16), { start: 5, end: 16, matches: ["TrainFlow/11", "TrainFlow/12"] });
  assert.equal((await completeLookupString(api, "Run(`Te", 7))?.matches, ["TeamCollabFlow"]);
});
c("should leave other code to the engine", async () => {
  assert.is(await completeLookupString(api, `Flow("A").latest`, 16), undefined);
  assert.is(await completeLookupString(api, `console.log("T`, 14), undefined);
});
c.run();
