// Reads the latest ArrowTypesFlow run through the client, as a user's script would, and prints JSON.
import { DataArtifact, Flow, Step } from "tsflow";

const run = await Flow("ArrowTypesFlow").latestSuccessfulRun;
const task = (await (await Step(`ArrowTypesFlow/${run.id}/start`)).task).pathspec;
const table = await run.data.table;
const empty = await (await DataArtifact(`${task}/empty`)).data;
const preview = await (await DataArtifact(`${task}/table`)).preview(2);
console.log(JSON.stringify({
  run: run.id,
  startTask: task,
  seen: await run.data.seen,
  schema: table.schema.fields.map((f) => `${f.name}: ${f.type}`),
  rows: JSON.parse(JSON.stringify(table.toArray())),
  empty: { rows: empty.numRows, schema: empty.schema.fields.map((f) => `${f.name}: ${f.type}`) },
  preview: { schema: preview.schema, numRows: preview.numRows, rows: preview.rows },
}));
