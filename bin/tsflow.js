#!/usr/bin/env node
// The tsflow command: the bundled CLI in dist/bundle/ (npm run build).
import { main } from "../dist/bundle/cli.js";

// `tsflow runs F | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
process.exitCode = await main(process.argv.slice(2));
