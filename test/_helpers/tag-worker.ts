/**
 * A separate process that edits a run's tags through the client: `node --import tsx tag-worker.ts
 * <root> <pathspec> <tag>...` adds each tag with its own `addTag` call (used to test concurrent edits).
 */
import { closeClient, namespace, Run, useDatastore } from "../../src/client/index.js";

const [root, pathspec, ...tags] = process.argv.slice(2);
useDatastore(root!);
namespace(null);
const run = await Run(pathspec!);
for (const tag of tags) await run.addTag(tag);
await closeClient();
