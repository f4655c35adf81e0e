/**
 * Starts a kernel on a connection file: builds the engine (with tsflow served to cells), the magic
 * registry and the request handlers, binds the sockets and serves until a shutdown request.
 */
import { performance } from "node:perf_hooks";
import { createTslabEngine, openTslabTransport } from "./engine/tslab-engine.js";
import { provideModule, redirectModule } from "./engine/provided-modules.js";
import type { OverlayPackage } from "./engine/type-overlay.js";
import { createBuiltinRegistry } from "./magics/builtin/index.js";
import { ExecuteHandler, type ExecuteDeps } from "./execute/execute-handler.js";
import type { ExtraCompleter } from "./code-intel.js";
import { connectLibrary } from "./tsflow/connect.js";
import { cellModule } from "./tsflow/cell-module.js";
import { elsewhereHint } from "./tsflow/elsewhere.js";
import { captureStdio } from "./execute/stdio-capture.js";
import { History } from "./history.js";
import { KernelServer } from "./server/kernel-server.js";
import { createRoutes } from "./server/routes.js";
import { kernelInfo } from "./server/kernel-info.js";
import { installProcessGuards } from "./process-guards.js";
import { importLibrary, kernelVersion, locateLibrary, nodeTypesRoot, sharedPackages } from "./library.js";
import { log } from "./log.js";

/** Runs the kernel for `connectionFile` in the current folder (the notebook's). */
export async function startKernel(connectionFile: string): Promise<void> {
  const t0 = performance.now();
  const library = locateLibrary();
  const shared = sharedPackages();
  const packages: OverlayPackage[] = [
    ...(library?.types ? [{ name: "tsflow", root: library.root, types: library.types }] : []),
    ...shared.map((p) => ({ name: p.name, root: p.root })),
  ];
  for (const p of shared) redirectModule(p.name, p.esmEntry);
  const roots = nodeTypesRoot();
  const engine = createTslabEngine({ cwd: process.cwd(), packages, ...(roots ? { nodeTypesRoot: roots } : {}) });
  const registry = createBuiltinRegistry();
  const history = new History();
  const holder: { server?: KernelServer } = {};
  let libraryLoaded = (): void => {};
  const ready = new Promise<void>((resolve) => (libraryLoaded = resolve));
  const deps: ExecuteDeps = { engine, registry, history, ready, lastArrival: () => holder.server?.lastArrival ?? 0 };
  const execute = new ExecuteHandler(deps);
  const completers: ExtraCompleter[] = [];
  const server = (holder.server = new KernelServer(
    createRoutes({ engine, registry, history, execute, completers, info: kernelInfo(engine, kernelVersion()), shutdown: (restart) => stop(restart) }),
  ));
  installProcessGuards();
  captureStdio();
  process.on("SIGINT", () => execute.interrupt());
  const transport = await openTslabTransport(connectionFile, server.receive);
  server.attach(transport);
  log("info", `kernel ready in ${Math.round(performance.now() - t0)} ms (cwd ${process.cwd()})`);
  // Answer the front end's first kernel_info before paying the compiler's first compile; cells wait.
  await new Promise((resolve) => setTimeout(resolve, 20));
  engine.warmUp();
  // Loading the library (DuckDB, Arrow) happens while the user looks at the notebook; cells wait for it.
  const exports = library ? await importLibrary() : undefined;
  if (exports) {
    provideModule("tsflow", cellModule(exports, () => execute.activeCell));
    const api = connectLibrary(exports, registry, completers);
    if (api) deps.explain = (err, source) => elsewhereHint(api, err, source);
  }
  libraryLoaded();
  log("info", `library ${exports ? "loaded" : "absent"} after ${Math.round(performance.now() - t0)} ms`);

  function stop(restart: boolean): void {
    log("info", `shutdown requested${restart ? " (restart)" : ""}`);
    // Give the reply and the idle status a moment to leave the sockets.
    setTimeout(() => {
      engine.close();
      transport.close();
      process.exit(0);
    }, 30);
  }
}
