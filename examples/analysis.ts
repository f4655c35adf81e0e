// Two runs of MetricsFlow, compared with diffRuns, then every run's metrics queried with SQL. Run with
//   TSFLOW_USER=alice npx tsx examples/analysis.ts
import { diffRuns, querySql, runFlow } from "tsflow";
import { MetricsFlow } from "./metrics-flow.js";

const older = await runFlow(MetricsFlow, { params: { lr: 0.1 }, tags: ["baseline"] });
const newer = await runFlow(MetricsFlow, { params: { lr: 0.3 } });

const diff = await diffRuns(older, newer);
console.log(`${diff.a} -> ${diff.b}: ${diff.counts.changed} changed, ${diff.counts.same} same`);
for (const p of diff.parameters.filter((p) => p.status !== "same")) console.log(`  parameter ${p.name}: ${p.a} -> ${p.b}`);
for (const a of diff.artifacts.filter((a) => a.status === "changed")) {
  for (const c of a.value?.changes ?? []) console.log(`  ${a.name} ${c.path}: ${JSON.stringify(c.a)} -> ${JSON.stringify(c.b)}`);
  if (a.table) console.log(`  ${a.name}: ${a.table.differingRows} of ${a.table.comparedRows} rows differ, first at row ${a.table.firstDifferences[0]?.row}`);
}

// Every run's metrics in one query, next to its learning rate.
const { columns, rows } = await querySql(`
  SELECT m.run_id, v.value::DOUBLE AS lr, min(m.loss) AS best_loss
  FROM artifact('MetricsFlow', 'metrics') m
  JOIN artifact_values v ON v.run_id = m.run_id AND v.flow = 'MetricsFlow' AND v.name = 'lr' AND v.step = 'end'
  GROUP BY ALL ORDER BY best_loss`);
console.log(columns.join("\t"));
for (const r of rows) console.log(r.join("\t"));
