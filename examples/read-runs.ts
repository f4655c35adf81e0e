// The client side of the seed scenario: read runs back by namespace. After `npm run demo` (whose
// runs are in ./.tsflow of the checkout), or after running examples/team-collab.ts yourself:
//   TSFLOW_USER=alice npx tsflow exec examples/read-runs.ts <teammate-user>
import { Flow, Run, namespace, getNamespace, defaultNamespace, getDatastoreRoot, formatUserError, NamespaceMismatchError } from "tsflow";

const teammate = process.argv[2] ?? "teammate";

async function main(): Promise<void> {
  // your own namespace (the default, user:<you>)
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  if (!run) throw new Error("no successful TeamCollabFlow run yet: run examples/team-collab.ts first");
  const runId = run.id,
    choice = await run.data.choice;
  console.log(`[${getNamespace()}] Run with id=${runId} has choice=${choice}`);

  // someone who has not switched namespace
  namespace("user:someone-else");
  try {
    await Flow("TeamCollabFlow").latestSuccessfulRun;
  } catch (m) {
    if (m instanceof NamespaceMismatchError) console.log(`[${getNamespace()}] ${m.message}`);
  }

  // the teammate's namespace
  namespace(`user:${teammate}`);
  const theirs = await Flow("TeamCollabFlow").latestSuccessfulRun;
  console.log(`[${getNamespace()}] ${theirs} has choice=${await theirs?.data.choice}`);
  namespace(defaultNamespace()); // back to your own

  // global namespace: any run by pathspec, whoever ran it
  namespace(null);
  const same = await Run(`TeamCollabFlow/${theirs?.id ?? runId}`);
  console.log(`[global] ${same} by ${same.user} has choice=${await same.data.choice}`);
}

// A script shows a user's mistake as the CLI does: one `headline: message` line, no stack.
await main().catch((err: unknown) => {
  console.error(formatUserError(err));
  console.error(`(datastore: ${getDatastoreRoot()}; runs come from \`npm run demo\` or \`npx tsflow run examples/team-collab.ts\`)`);
  process.exitCode = 1;
});
