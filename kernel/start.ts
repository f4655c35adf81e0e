/**
 * Starts a kernel on a connection file: builds the engine (with tsflow served to cells), the magic
 * registry and the request handlers, binds the sockets and serves until a shutdown request.
 */
import { performance } from "node:perf_hooks";
import { createTslabEngine, loadTypeScript, openTslabTransport, tslabEngineInfo } from "./engine/tslab-engine.js";
import { CellLog } from "./execute/cell-log.js";
import { notebookFlowCode } from "./tsflow/notebook-code.js";
import { LateEngine } from "./engine/late-engine.js";
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
import { KernelServer, type RequestHandler } from "./server/kernel-server.js";
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
  const { typescriptVersion, description } = tslabEngineInfo();
  const engine = new LateEngine(typescriptVersion, description);
  const registry = createBuiltinRegistry();
  const history = new History();
  const holder: { server?: KernelServer } = {};
  let libraryLoaded = (): void => {};
  const ready = new Promise<void>((resolve) => (libraryLoaded = resolve));
  const cells = new CellLog();
  const flowCode = notebookFlowCode(cells, loadTypeScript, process.cwd());
  const deps: ExecuteDeps = { engine, registry, history, cells, ready, lastArrival: () => holder.server?.lastArrival ?? 0 };
  const execute = new ExecuteHandler(deps);
  const completers: ExtraCompleter[] = [];
  const routes = createRoutes({
    engine,
    registry,
    history,
    execute,
    completers,
    info: kernelInfo(engine, kernelVersion()),
    shutdown: (restart) => stop(restart),
  });
  const infoAnswered = answeredOnce(routes, "kernel_info_request");
  const server = (holder.server = new KernelServer(routes));
  installProcessGuards();
  captureStdio();
  process.on("SIGINT", () => execute.interrupt());
  const transport = await openTslabTransport(connectionFile, server.receive);
  server.attach(transport);
  log("info", `kernel answering in ${Math.round(performance.now() - t0)} ms (cwd ${process.cwd()})`);
  // The front end's first kernel_info gets its answer before the compiler's set-up blocks the
  // process (~1.5 s); requests that arrive meanwhile queue in the sockets. Clients ask again when
  // the reply's IOPub status was lost to a subscription still connecting (ZeroMQ's slow joiner), so
  // the set-up waits for the requests to pause, or for a cell or a completion that needs it. The
  // library (DuckDB, Arrow) loads first, in short slices between which the kernel keeps answering;
  // magic cells (%namespace, %runs, ...) run as soon as it is there.
  await Promise.race([infoAnswered, sleep(QUIET_MS * 2)]);
  const exports = library ? await importLibrary() : undefined;
  if (exports) {
    provideModule(
      "tsflow",
      cellModule(exports, () => execute.activeCell, flowCode),
    );
    const api = connectLibrary(exports, registry, completers, flowCode);
    if (api) deps.explain = (err, source) => elsewhereHint(api, err, source);
  }
  libraryLoaded();
  log("info", `library ${exports ? "loaded" : "absent"} after ${Math.round(performance.now() - t0)} ms`);
  await Promise.race([requestsPause(() => server.lastArrivalAt), engine.wanted]);
  engine.set(createTslabEngine({ cwd: process.cwd(), packages, ...(roots ? { nodeTypesRoot: roots } : {}) }));
  engine.warmUp();
  log("info", `compiler ready after ${Math.round(performance.now() - t0)} ms`);

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

/** How long the requests must pause before the compiler's set-up may block the process. */
const QUIET_MS = 250;
/** The longest a busy front end can hold the set-up back. */
const MAX_SETTLE_MS = 2000;

/** Resolves once no request has arrived for `QUIET_MS` (or after `MAX_SETTLE_MS` in any case). */
async function requestsPause(lastArrivalAt: () => number): Promise<void> {
  for (const until = performance.now() + MAX_SETTLE_MS; performance.now() < until; ) {
    const quiet = performance.now() - lastArrivalAt();
    if (quiet >= QUIET_MS) return;
    await sleep(QUIET_MS - quiet);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wraps the handler of `type` so the returned promise resolves once it has answered a first request. */
function answeredOnce(routes: Map<string, RequestHandler>, type: string): Promise<void> {
  const handler = routes.get(type);
  if (!handler) return Promise.resolve();
  let answered!: () => void;
  const done = new Promise<void>((resolve) => (answered = resolve));
  routes.set(type, async (request) => {
    await handler(request);
    answered();
  });
  return done;
}
