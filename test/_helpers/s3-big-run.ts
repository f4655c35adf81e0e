/**
 * A writer process for the kill -9 test: `node --import tsx s3-big-run.ts <root> <rows>` runs
 * BigArrowFlow in this process (runFlow), so its start task uploads a large Arrow table.
 */
import { runFlow, useDatastore } from "../../src/index.js";
import { BigArrowFlow } from "../_fixtures/flows/s3-load.js";

const [root, rows] = process.argv.slice(2);
useDatastore(root!);
await runFlow(BigArrowFlow, { params: { rows: Number(rows) }, onEvent: () => {} });
