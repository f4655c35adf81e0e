#!/usr/bin/env node
// The tsflow command: the bundled CLI in dist/bundle/ (npm run build), with the Jupyter kernel's
// commands mounted here (the library does not import the kernel; it is loaded only for `tsflow kernel`).
import { main } from "../dist/bundle/cli.js";

const kernel = {
  name: "kernel",
  description: "install, list, uninstall or start the tsflow Jupyter kernel",
  load: async () => (await import("../dist/kernel/cli.js")).registerKernelCommands,
};

// `tsflow runs F | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
process.exitCode = await main(process.argv.slice(2), { families: [kernel] });
