// Bundles the library, the CLI and the worker entry into a few ESM files (dist/bundle/), with the
// npm packages left external: one file to load instead of ~100 cuts start-up of every CLI and worker
// process. Types still come from tsc's dist/src/*.d.ts.
import { build } from "esbuild";

await build({
  entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts", "worker-main": "src/runtime/worker-main.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
});
