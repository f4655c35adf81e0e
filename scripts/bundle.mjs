// Bundles the library, the CLI, the worker and batch-task entries into a few ESM files (dist/bundle/),
// with the npm packages left external: one file to load instead of ~100 cuts start-up of every CLI and worker
// process. Types still come from tsc's dist/src/*.d.ts. DuckDB's JavaScript API is bundled on its own.
import { build } from "esbuild";

// DuckDB's JavaScript API (not its native binding) as one CommonJS file, required by src/run-index/duckdb.ts.
await build({
  entryPoints: ["node_modules/@duckdb/node-api/lib/index.js"],
  outfile: "dist/bundle/duckdb-node-api.cjs",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["@duckdb/node-bindings"],
  logLevel: "warning",
});

await build({
  entryPoints: {
    index: "src/index.ts",
    cli: "src/cli/main.ts",
    task: "src/cli/task-main.ts",
    "worker-main": "src/runtime/worker-main.ts",
    "script-hooks": "src/runtime/script-hooks.ts",
  },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  chunkNames: "[name]-[hash]",
  define: { __TSFLOW_DUCKDB_API__: JSON.stringify("./duckdb-node-api.cjs") },
  logLevel: "warning",
});
