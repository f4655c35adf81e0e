import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import { branded, isKind, KIND_BRAND } from "../../src/client/client-object.js";
import { ClientObject, DataArtifact, Flow, Run, Step, Task, namespace } from "../../src/client/index.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const base = suite<FixtureContext>("ClientObject");
useFixture(base);
base("should give every kind id, pathspec, parent, createdAt and its run's tags", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"], artifacts: { choice: 5 } });
  const p = `TeamCollabFlow/${rec.runId}/end/2/choice`;
  const objects = [
    await Flow("TeamCollabFlow"),
    await Run(p.split("/").slice(0, 2).join("/")),
    await Step(p.split("/").slice(0, 3).join("/")),
    await Task(p.split("/").slice(0, 4).join("/")),
    await DataArtifact(p),
  ];
  assert.equal(
    objects.map((o) => o.kind),
    ["Flow", "Run", "Step", "Task", "DataArtifact"],
  );
  assert.equal(
    objects.map((o) => o.id),
    ["TeamCollabFlow", rec.runId, "end", "2", "choice"],
  );
  for (const [i, o] of objects.entries()) {
    assert.ok(o instanceof ClientObject);
    assert.is(
      o.pathspec,
      p
        .split("/")
        .slice(0, i + 1)
        .join("/"),
    );
    assert.instance(o.createdAt, Date);
    assert.is(o.namespace, "user:alice");
    assert.is(String(await o.parent), i === 0 ? "null" : String(objects[i - 1]));
    if (i > 0) assert.equal(o.userTags, ["exp1"]);
  }
  assert.equal(objects[0]!.tags, []);
  assert.equal(objects[4]!.tags, objects[1]!.tags);
});
base("should display as Class('pathspec') and serialise to a plain summary", async ({ fx }) => {
  const rec = await buildRun(fx);
  const step = await Step(`TeamCollabFlow/${rec.runId}/start`);
  assert.is(`${step}`, `Step('TeamCollabFlow/${rec.runId}/start')`);
  assert.is(inspect({ step }), `{ step: Step('TeamCollabFlow/${rec.runId}/start') }`);
  const json = step.toJSON();
  assert.equal(
    { kind: json.kind, id: json.id, pathspec: json.pathspec, namespace: json.namespace },
    { kind: "Step", id: "start", pathspec: `TeamCollabFlow/${rec.runId}/start`, namespace: "user:alice" },
  );
  assert.is(typeof json.createdAt, "string");
});
base("should capture the namespace at creation and hand it to children", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  namespace(null);
  const run = await Run(`TeamCollabFlow/${theirs.runId}`);
  namespace("user:alice");
  const step = await run.get("end");
  assert.is(step.namespace, null);
  const task = (await step.task)!;
  assert.is(task.namespace, null);
  assert.not.ok(await task.isInNamespace());
});
base.run();

const kind = suite("isKind");
kind("should recognise an object of another copy of the library by its brand", () => {
  const foreign = { [Symbol.for("tsflow.client.kind")]: "Run" };
  assert.ok(isKind(foreign, "Run"));
  assert.ok(foreign instanceof Run);
  assert.not.ok(foreign instanceof Task);
  assert.not.ok(isKind(null, "Run"));
  assert.is(KIND_BRAND, Symbol.for("tsflow.client.kind"));
});
kind.run();

const brand = suite("branded");
brand("should give a factory a Symbol.hasInstance testing the kind", () => {
  const Fake = branded<object, () => number>("Step", () => 1);
  assert.is(Fake(), 1);
  assert.ok({ [KIND_BRAND]: "Step" } instanceof Fake);
  assert.not.ok({} instanceof Fake);
});
brand.run();
