/**
 * A separate process that edits a run's tags through the client: `node --import tsx tag-worker.ts
 * <root> <pathspec> <tag>...` adds each tag with its own `addTag` call (used to test concurrent edits).
 */
import { installBackend, useDatastore } from "../../src/client/backend.js";
import { namespace, Run } from "../../src/client/index.js";
import { openDatastore } from "../../src/store/root.js";
import { ScanIndex } from "./scan-index.js";

const [root, pathspec, ...tags] = process.argv.slice(2);
const ds = openDatastore(root!);
installBackend(root!, { datastore: ds, openIndex: async () => new ScanIndex(ds) });
useDatastore(root!);
namespace(null);
const run = await Run(pathspec!);
for (const tag of tags) await run.addTag(tag);
