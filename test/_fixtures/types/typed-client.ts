// Must compile (`tsc --noEmit`, and `npm run typecheck` includes it): what the client's types promise.
// Never run: the functions below are only type-checked.
import {
  Flow, Run, Step, Task, DataArtifact, type RunObject, type StepObject, type TaskObject, type DataArtifactObject,
  type FlowObject, type ArtifactsOf, type ParametersOf,
} from "tsflow";
import { TeamCollabFlow } from "../../../examples/team-collab.js";
import { AccessOtherNamespace } from "../../../examples/access-other-namespace.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T => true as T;

/** A flow read by class: `data`, `parameters` and children typed from the class. */
export async function typedByClass(): Promise<void> {
  const run = (await Flow(TeamCollabFlow).latestSuccessfulRun)!;
  expectType<Equal<typeof run, RunObject<typeof TeamCollabFlow>>>();
  const choice = await run.data.choice;
  expectType<Equal<typeof choice, number | undefined>>();
  for await (const r of Flow(TeamCollabFlow).runs("exp1")) expectType<Equal<Awaited<typeof r.data.choice>, number | undefined>>();
  const step = await run.get("end");
  const task = (await step.task)!;
  expectType<Equal<Awaited<typeof task.data.choice>, number | undefined>>();
  const end = (await run.endTask)!;
  expectType<Equal<Awaited<typeof end.data.choice>, number | undefined>>();
  const data = (await run.data)!;
  expectType<Equal<typeof data.choice, Promise<number | undefined>>>();

  const other = (await Flow(AccessOtherNamespace).latestRun)!;
  const params = await other.parameters;
  expectType<Equal<typeof params, { otherFlowName: string; otherNamespace: string }>>();
  expectType<Equal<ParametersOf<typeof AccessOtherNamespace>, { otherFlowName: string; otherNamespace: string }>>();
  expectType<Equal<ArtifactsOf<typeof AccessOtherNamespace>, { otherFlowName: string; otherNamespace: string; otherChoice: number | undefined }>>();
  const name: string = await other.data.otherFlowName;
  void name;
}

/** A run read by pathspec with the class as a type argument: typed the same way. */
export async function typedByPathspec(id: string): Promise<void> {
  const run = await Run<typeof TeamCollabFlow>(`TeamCollabFlow/${id}`);
  expectType<Equal<Awaited<typeof run.data.choice>, number | undefined>>();
  expectType<Equal<Awaited<ReturnType<typeof Run<typeof TeamCollabFlow>>["data"]["choice"]>, number | undefined>>();
  const task = await Task<typeof TeamCollabFlow>(`TeamCollabFlow/${id}/end/2`);
  expectType<Equal<Awaited<typeof task.data.choice>, number | undefined>>();
  const flow = await Flow<typeof TeamCollabFlow>("TeamCollabFlow");
  expectType<Equal<typeof flow, FlowObject<typeof TeamCollabFlow>>>();
}

/** Names still work untyped: any artifact name, values `unknown`. */
export async function untyped(id: string): Promise<void> {
  const run = await Run(`TeamCollabFlow/${id}`);
  const anything = await run.data.whatever;
  expectType<Equal<typeof anything, unknown>>();
  const params = await run.parameters;
  expectType<Equal<typeof params, Record<string, unknown>>>();
}

/** Every lazy handle is async-iterable over the children and answers the object's members. */
export async function handles(id: string): Promise<void> {
  for await (const run of Flow("TeamCollabFlow")) expectType<Equal<typeof run, RunObject>>();
  for await (const step of Run(`TeamCollabFlow/${id}`)) expectType<Equal<typeof step, StepObject>>();
  for await (const task of Step(`TeamCollabFlow/${id}/end`)) expectType<Equal<typeof task, TaskObject>>();
  for await (const artifact of Task(`TeamCollabFlow/${id}/end/2`)) expectType<Equal<typeof artifact, DataArtifactObject>>();
  for await (const task of Step(`TeamCollabFlow/${id}/end`).tasks()) expectType<Equal<typeof task, TaskObject>>();
  const successful: boolean = await Run(`TeamCollabFlow/${id}`).successful;
  const tags: string[] = await Run(`TeamCollabFlow/${id}`).tags;
  const createdAt: Date = await Flow("TeamCollabFlow").createdAt;
  const stdout: string = await Task(`TeamCollabFlow/${id}/end/2`).stdout;
  const has: boolean = await Run(`TeamCollabFlow/${id}`).has("end");
  const endStep: StepObject = await Run(`TeamCollabFlow/${id}`).get("end");
  const value: unknown = await DataArtifact(`TeamCollabFlow/${id}/end/2/choice`).data;
  const choice = await Task<typeof TeamCollabFlow>(`TeamCollabFlow/${id}/end/2`).data.choice;
  expectType<Equal<typeof choice, number | undefined>>();
  const typedRunChoice = await Run<typeof TeamCollabFlow>(`TeamCollabFlow/${id}`).data.choice;
  expectType<Equal<typeof typedRunChoice, number | undefined>>();
  await Run(`TeamCollabFlow/${id}`).addTag("reviewed");
  void [successful, tags, createdAt, stdout, has, endStep, value];
}
