import { suite } from "uvu";
import * as assert from "uvu/assert";
import "../../src/client/index.js";
import { load, registerLoader } from "../../src/client/registry.js";
import type { ClientObject } from "../../src/client/client-object.js";
import type { ReadContext } from "../../src/client/context.js";
import { NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";
import { currentContext } from "../../src/client/context.js";

const reg = suite("registerLoader");
reg("should make load() reach the loader registered for a kind", async () => {
  const seen: string[][] = [];
  const fake = { kind: "Fake" } as unknown as ClientObject;
  registerLoader("Fake" as "Run", async (_ctx, request) => {
    seen.push(request.parts);
    return fake;
  });
  assert.is(await load("Fake" as "Run", {} as ReadContext, { parts: ["F", "1"] }), fake);
  assert.equal(seen, [["F", "1"]]);
});
reg.run();

const ld = suite<FixtureContext>("load");
useFixture(ld);
ld("should reject for a kind nobody registered", async () => {
  await load("Nothing" as "Run", {} as ReadContext, { parts: [] }).then(
    () => assert.unreachable(),
    (e: unknown) => assert.match((e as Error).message, /no loader registered for Nothing/),
  );
});
ld("should load every kind of the model", async () => {
  await rejects(load("Flow", currentContext(), { parts: ["NoSuchFlow"] }), NotFoundError, "Flow('NoSuchFlow') does not exist");
  await rejects(load("DataArtifact", currentContext(), { parts: ["F", "1", "s", "2", "x"] }), NotFoundError, "DataArtifact('F/1/s/2/x') does not exist");
});
ld.run();
