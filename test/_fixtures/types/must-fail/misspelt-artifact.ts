// Must NOT compile: each line marked `error:` is a mistake the types catch (test/flow/flow-types.test.ts
// asserts each diagnostic, by line). Excluded from `npm run typecheck`.
import { Flow, Run } from "tsflow";
import { TeamCollabFlow } from "../../../../examples/team-collab.js";
import { AccessOtherNamespace } from "../../../../examples/access-other-namespace.js";

export async function mistakes(id: string): Promise<void> {
  const run = (await Flow(TeamCollabFlow).latestSuccessfulRun)!;
  await run.data.choise; // error: choise
  const typed = await Run<typeof TeamCollabFlow>(`TeamCollabFlow/${id}`);
  const wrong: string | undefined = await typed.data.choice; // error: number
  const params = await (await Flow(AccessOtherNamespace).latestRun)!.parameters;
  params.otherNamspace; // error: otherNamspace
  await Run<typeof TeamCollabFlow>(`TeamCollabFlow/${id}`).data.choise; // error: choise
  void wrong;
}
