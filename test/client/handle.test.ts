// Lazy handles (src/client/handle.ts): what Flow(), Run(), Step(), Task() and DataArtifact() return
// is async-iterable over the children and answers every member of the object it resolves to.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import { DataArtifact, Flow, ObjectPromise, Run, Step, Task, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { TeamCollabFlow } from "../../examples/team-collab.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

async function ids(items: AsyncIterable<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(item.id);
  return out;
}

/** The members a handle class answers: what it installed, by name. */
function handleMembers(handle: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(handle); p !== ObjectPromise.prototype; p = Object.getPrototypeOf(p)) {
    names.push(...Object.getOwnPropertyNames(p).filter((n) => n !== "constructor"));
  }
  return names.sort();
}

/** Public members of a resolved object: its fields and the getters and methods of its classes. */
function objectMembers(obj: object): string[] {
  const names = new Set(Object.keys(obj));
  for (let p = Object.getPrototypeOf(obj); p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  }
  return [...names];
}

const iterate = suite<FixtureContext>("ObjectPromise iteration");
useFixture(iterate);
iterate("should iterate a flow's runs directly: for await (const run of Flow(name))", async ({ fx }) => {
  const older = await buildRun(fx);
  const newer = await buildRun(fx);
  await buildRun(fx, { user: "teammate" });
  assert.equal(await ids(Flow("TeamCollabFlow")), [newer.runId, older.runId]);
  assert.equal(await ids(Flow("TeamCollabFlow")), await ids(await Flow("TeamCollabFlow")));
  assert.equal(await ids(Flow(TeamCollabFlow)), [newer.runId, older.runId]);
});
iterate("should iterate a run's steps, a step's tasks and a task's artifacts directly", async ({ fx }) => {
  const rec = await buildRun(fx, { foreach: ["a", "b"], artifacts: { choice: 3 } });
  const p = `TeamCollabFlow/${rec.runId}`;
  assert.equal(await ids(Run(p)), await ids(await Run(p)));
  assert.equal((await ids(Run(p))).sort(), ["body", "end", "join", "start"]);
  assert.equal(await ids(Step(`${p}/body`)), ["3", "2"]);
  assert.equal(await ids(Step(`${p}/body`).tasks()), ["3", "2"]);
  assert.equal((await ids(Task(`${p}/end/5`))).sort(), ["choice", "name"]);
  assert.equal(await ids(DataArtifact(`${p}/end/5/choice`)), []);
});
iterate("should reject iteration as the lookup would", async ({ fx }) => {
  await buildRun(fx, { user: "teammate" });
  await rejects(ids(Flow("NoSuchFlow")), NotFoundError, "Flow('NoSuchFlow') does not exist");
  await rejects(ids(Flow("TeamCollabFlow")), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  await rejects(ids(Run("TeamCollabFlow")), InvalidPathspecError, "Expects Run('FlowName/RunID')");
});
iterate.run();

const members = suite<FixtureContext>("ObjectPromise members");
useFixture(members);
members("should answer every public member of the object it resolves to, with the same value", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"], artifacts: { choice: 3 }, params: { alpha: 0.5 } });
  const p = `TeamCollabFlow/${rec.runId}`;
  const handles = [Flow("TeamCollabFlow"), Run(p), Step(`${p}/end`), Task(`${p}/end/2`), DataArtifact(`${p}/end/2/choice`)];
  for (const handle of handles) {
    const obj = (await handle) as unknown as Record<string, unknown>;
    const answered = handleMembers(handle);
    const expected = objectMembers(obj).filter((n) => !/^(constructor|toString|toJSON)$/.test(n) && (answered.includes(n) || isPublic(obj, n)));
    assert.equal(answered, [...new Set([...expected, ...answered])].sort(), `${String(handle)} misses members`);
    for (const name of answered) {
      const mine = (handle as unknown as Record<string, unknown>)[name];
      if (typeof mine === "function") continue;
      const theirs = obj[name];
      if (name === "data" && obj.kind !== "DataArtifact") continue;
      assert.equal(await normal(await mine), await normal(await theirs), `${String(handle)}.${name}`);
    }
  }
});
members("should call the object's methods, results awaited or iterated", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"], artifacts: { choice: 3 } });
  const p = `TeamCollabFlow/${rec.runId}`;
  assert.is(String(await Run(p).get("end")), `Step('${p}/end')`);
  assert.is(String(await Run(p).child("end")), `Step('${p}/end')`);
  assert.is(await Run(p).has("end"), true);
  assert.is(await Run(p).has("nosuch"), false);
  assert.is(await Run(p).isInNamespace(), true);
  assert.equal(await ids(Flow("TeamCollabFlow").runs("exp1")), [rec.runId]);
  assert.equal(await ids(Flow("TeamCollabFlow").runs("nosuch")), []);
  await Run(p).addTag("reviewed");
  assert.equal((await Run(p)).userTags, ["exp1", "reviewed"]);
  assert.is(String(await Step(`${p}/end`).task), `Task('${p}/end/2')`);
});
members("should read artifacts and parameters through the handle in one await", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 3 }, params: { alpha: 0.5 } });
  const p = `TeamCollabFlow/${rec.runId}`;
  assert.is(await Run(p).data.choice, 3);
  assert.is(await Task(`${p}/end/2`).data.choice, 3);
  assert.equal(Object.keys((await Run(p).data)!).sort(), ["choice", "name"]);
  assert.equal(await Run(p).parameters, { alpha: 0.5 });
  assert.is(await DataArtifact(`${p}/end/2/choice`).data, 3);
  assert.is(await Run<typeof TeamCollabFlow>(p).data.choice, 3);
  await rejects(Run(p).data.nosuch!, NotFoundError, "Artifact 'nosuch' does not exist");
  await rejects(Run("TeamCollabFlow/999").data.choice!, NotFoundError, "Run('TeamCollabFlow/999') does not exist");
});
members.run();

const shape = suite<FixtureContext>("ObjectPromise laziness");
useFixture(shape);
shape("should do no I/O until awaited or iterated, and show as its object", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 1 } });
  const before = fx.index.queries;
  const p = `TeamCollabFlow/${rec.runId}`;
  const handles = [Flow("TeamCollabFlow"), Run(p), Step(`${p}/end`), Task(`${p}/end/2`, { attempt: 0 }), DataArtifact(`${p}/end/2/choice`)];
  void handles.map((h) => [h.tags, h.id]);
  await new Promise((r) => setTimeout(r, 5));
  assert.is(fx.index.queries, before);
  assert.equal(handles.map(String), [
    "Flow('TeamCollabFlow')",
    `Run('${p}')`,
    `Step('${p}/end')`,
    `Task('${p}/end/2', attempt=0)`,
    `DataArtifact('${p}/end/2/choice')`,
  ]);
  assert.is(inspect(handles[1]), `Run('${p}')`);
  assert.equal((await Promise.all(handles)).map(String), handles.map(String));
});
shape("should keep the namespace of the moment it was made", async ({ fx }) => {
  const rec = await buildRun(fx, { user: "teammate" });
  namespace(null);
  const handle = Run(`TeamCollabFlow/${rec.runId}`);
  namespace("user:alice");
  assert.is((await handle).namespace, null);
});
shape("should take a flow class, and refuse a function that is not one", async ({ fx }) => {
  await buildRun(fx, { artifacts: { choice: 2 } });
  assert.is((await Flow(TeamCollabFlow)).id, "TeamCollabFlow");
  assert.is(await (await Flow(TeamCollabFlow).latestSuccessfulRun)?.data.choice, 2);
  const notAFlow = Flow as unknown as (f: unknown) => Promise<unknown>;
  const before = fx.index.queries;
  await rejects(
    notAFlow(class Plain {}),
    InvalidPathspecError,
    "Expects Flow('FlowName') or Flow(FlowClass), a class that extends FlowSpec; got the function Plain",
  );
  assert.is(fx.index.queries, before);
});
shape.run();

function isPublic(obj: object, name: string): boolean {
  // TypeScript's `private` and `protected` members are plain properties at run time; the handle's
  // own list is checked against the public ones at compile time (memberList), so here they are the rest.
  const internal = new Set([
    "row",
    "endData",
    "findEndTask",
    "loadParameters",
    "editTags",
    "listChildren",
    "summary",
    "filter",
    "firstRun",
    "pages",
    "loadTasks",
    "artifactObject",
    "readLog",
    "findChildTasks",
    "ctx",
    "parts",
    "runState",
    "requestedAttempt",
  ]);
  return !internal.has(name) && typeof name === "string" && obj !== null;
}

async function normal(value: unknown): Promise<unknown> {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object" && "pathspec" in value) return String(value);
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === "object" && "pathspec" in v ? String(v) : v));
  if (value && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return String(value);
  return value;
}
