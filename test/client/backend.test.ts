import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeBackends, currentBackend, getDatastoreRoot, installBackend, useDatastore, type RunIndexPort } from "../../src/client/backend.js";
import { Run, namespace } from "../../src/client/index.js";
import { openDatastore, resolveDatastoreRoot as resolve } from "../../src/store/root.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const use = suite<FixtureContext>("useDatastore");
useFixture(use);
use("should point the client at a root and back at the default", async ({ fx }) => {
  const saved = process.env.TSFLOW_DATASTORE_ROOT;
  process.env.TSFLOW_DATASTORE_ROOT = "/tmp/tsflow-default-root";
  try {
    assert.is(useDatastore(fx.root), resolve(fx.root));
    assert.is(getDatastoreRoot(), resolve(fx.root));
    assert.is(useDatastore(undefined), "/tmp/tsflow-default-root");
    assert.is(getDatastoreRoot(), "/tmp/tsflow-default-root");
  } finally {
    if (saved === undefined) delete process.env.TSFLOW_DATASTORE_ROOT;
    else process.env.TSFLOW_DATASTORE_ROOT = saved;
  }
});
use("should keep objects in hand reading the root they came from", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 5 } });
  const run = await Run(`TeamCollabFlow/${rec.runId}`);
  const other = await makeTempRoot();
  try {
    useDatastore(other);
    assert.is(await run.data.choice, 5);
  } finally {
    useDatastore(fx.root);
    await removeTempRoot(other);
  }
});
use("should read a root with the default run index, no setup needed", async ({ fx }) => {
  const other = await makeTempRoot();
  try {
    const ds = openDatastore(other);
    const rec = await ds.createRun(
      {
        flow: "Plain",
        user: "alice",
        systemTags: ["user:alice"],
        originRunId: null,
        startStep: "start",
        endStep: "end",
        graph: { flow: "Plain", steps: [] },
        parameters: [],
      },
      ["t"],
    );
    await ds.notifyRunChanged("Plain", rec.runId);
    useDatastore(other);
    namespace("user:alice");
    const run = await Run(`Plain/${rec.runId}`);
    assert.equal(run.userTags, ["t"]);
    assert.is(run.status, "running");
  } finally {
    await closeBackends();
    useDatastore(fx.root);
    await removeTempRoot(other);
  }
});
use.run();

const current = suite<FixtureContext>("currentBackend");
useFixture(current);
current("should open one backend per root and its index once, lazily", async ({ fx }) => {
  const b = currentBackend();
  assert.is(currentBackend(), b);
  assert.is(b.root, resolve(fx.root));
  assert.is(fx.index.inner, undefined);
  const [i1, i2] = await Promise.all([b.index(), b.index()]);
  assert.is(i1, i2);
  assert.ok(fx.index.inner);
});
current.run();

const install = suite<FixtureContext>("installBackend");
useFixture(install);
install("should replace the parts it is given and retry a failed index open", async ({ fx }) => {
  let opens = 0;
  const b = installBackend(fx.root, {
    openIndex: async () => {
      opens++;
      if (opens === 1) throw new Error("first open fails");
      return { close: async () => undefined } as unknown as RunIndexPort;
    },
  });
  await b.index().then(
    () => assert.unreachable(),
    (e: Error) => assert.is(e.message, "first open fails"),
  );
  await new Promise((r) => setTimeout(r, 1));
  await b.index();
  assert.is(opens, 2);
});
install.run();

const close = suite<FixtureContext>("closeBackends");
useFixture(close);
close("should close every open index and forget the backends", async () => {
  const b = currentBackend();
  let closed = 0;
  installBackend(b.root, { openIndex: async () => ({ close: async () => void closed++ }) as unknown as RunIndexPort });
  await currentBackend().index();
  await closeBackends();
  assert.is(closed, 1);
  assert.is.not(currentBackend(), b);
});
close.run();
