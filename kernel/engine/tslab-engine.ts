/**
 * The tslab adapter: the only file that imports tslab (pinned to 1.0.22, whose `dist/*` internals are
 * used). It turns tslab's executor and converter into an `Engine`, and tslab's `ZmqServer` (sockets,
 * heartbeat) into a `Transport` that hands raw frames to the kernel's own protocol layer. Replace this
 * file to change engines; nothing else knows tslab exists.
 */
import { createRequire } from "node:module";
import type * as TslabExecutor from "tslab/dist/executor.js";
import type * as TslabConverter from "tslab/dist/converter.js";
import type * as TslabJupyter from "tslab/dist/jupyter.js";
import type * as TslabInspect from "tslab/dist/inspect.js";
import type * as TS from "typescript";
import type { CellDiagnostic, CellSink, Engine, DisplayWriter } from "./engine.js";
import type { Channel } from "../protocol/message.js";
import type { FramesListener, Transport } from "../protocol/transport.js";
import { hasNodeTypes, overlayPackages, type OverlayPackage, type SysLike } from "./type-overlay.js";
import { type CachedModule, kernelCacheDir, requireWithCodeCache } from "./code-cache.js";
import { compilerViewForTslab, type CompilerLike } from "./compiler-view.js";
import { installCellStackTraces, nameCellScript } from "./cell-scripts.js";

const require = createRequire(import.meta.url);
const tslabVersion = (require("tslab/package.json") as { version: string }).version;
// tslab's own TypeScript, as its converter resolves it.
const TYPESCRIPT = "@tslab/typescript-for-tslab";
const requireFromTslab = createRequire(require.resolve("tslab/dist/converter.js"));

/** The engine's compiler version and description, known without loading the compiler. */
export function tslabEngineInfo(): { typescriptVersion: string; description: string } {
  const { version } = requireFromTslab(`${TYPESCRIPT}/package.json`) as { version: string };
  return { typescriptVersion: version, description: `tslab ${tslabVersion}` };
}

/** What the cell compiler should see besides the notebook's own folder. */
export interface TslabEngineOptions {
  /** The notebook folder: relative imports and `node_modules` resolve from here. */
  cwd: string;
  /** Packages shown to the type checker under `<cwd>/node_modules` (e.g. tsflow's typings). */
  packages: readonly OverlayPackage[];
  /** The kernel's own `@types/node` folder, used when none is found from `cwd` upwards. */
  nodeTypesRoot?: string;
}

let compilerModule: CachedModule | undefined;

/**
 * Loads tslab's TypeScript through V8's code cache, before any tslab module requires it (all of
 * them do, even the socket server's): ~120 ms instead of ~350 ms. tslab's modules get the compiler
 * through `compilerViewForTslab`, which removes two per-cell costs.
 */
function loadCompiler(): CachedModule {
  if (compilerModule) return compilerModule;
  const file = requireFromTslab.resolve(TYPESCRIPT);
  compilerModule = requireWithCodeCache(file, kernelCacheDir());
  const registered = require.cache[file] as NodeJS.Module;
  registered.exports = compilerViewForTslab(registered.exports as CompilerLike);
  return compilerModule;
}

/** The TypeScript compiler API cells are compiled with (loaded once, shared with tslab). */
export function loadTypeScript(): typeof TS {
  return loadCompiler().exports as typeof TS;
}

/**
 * Creates the tslab-backed engine. This blocks for about 1.5 s (tslab's converter parses the
 * standard library and @types/node).
 */
export function createTslabEngine(options: TslabEngineOptions): Engine {
  const compiler = loadCompiler();
  installCellStackTraces();
  const ts = compiler.exports as { version: string; sys: SysLike };
  installOverlay(ts.sys, options);
  const converters = require("tslab/dist/converter.js") as typeof TslabConverter;
  const executors = require("tslab/dist/executor.js") as typeof TslabExecutor;
  const jupyter = require("tslab/dist/jupyter.js") as typeof TslabJupyter;
  const { printQuickInfo } = require("tslab/dist/inspect.js") as typeof TslabInspect;

  let sink: CellSink | undefined;
  const console = { log: (value: unknown) => sink?.result(value), error: (...args: unknown[]) => routeError(sink, args) };
  const node = converters.createConverter();
  let browser: TslabConverter.Converter | undefined;
  const convs: TslabExecutor.ConverterSet = {
    node,
    get browser() {
      return (browser ??= converters.createConverter({ isBrowser: true }));
    },
    close: () => {
      node.close();
      browser?.close();
    },
  };
  const executor = executors.createExecutor(options.cwd, convs, console);
  return {
    ...tslabEngineInfo(),
    locals: executor.locals,
    async execute(code, target, label) {
      sink = target;
      try {
        return await executor.execute(nameCellScript(code, label));
      } finally {
        if (sink === target) sink = undefined;
      }
    },
    complete(code, cursor) {
      const info = executor.complete(code, cursor);
      return { start: info.start, end: info.end, matches: info.candidates };
    },
    inspect(code, cursor) {
      const info = executor.inspect(code, cursor);
      return info ? printQuickInfo(info) : undefined;
    },
    isComplete(code) {
      const r = converters.isCompleteCode(code);
      return r.completed ? { status: "complete" } : { status: "incomplete", indent: r.indent ?? "" };
    },
    interrupt: () => executor.interrupt(),
    setDisplayWriter(writer: DisplayWriter) {
      // tslab's public `display` API reads this module-level variable on every call.
      (jupyter as { lastWriteDisplayData: unknown }).lastWriteDisplayData = writer;
    },
    warmUp: () => {
      node.convert("", "const __warm_up__: number = 1; __warm_up__");
      compiler.save(); // now that a compile ran, the cache holds the functions compiles need
    },
    close: () => executor.close(),
  };
}

function installOverlay(sys: SysLike, options: TslabEngineOptions): void {
  const packages = [...options.packages];
  if (options.nodeTypesRoot && !hasNodeTypes(sys, options.cwd)) packages.push({ name: "@types/node", root: options.nodeTypesRoot });
  overlayPackages(sys, options.cwd.replace(/\\/g, "/"), packages);
}

/** tslab reports thrown values as `error(value)` and type errors as `error("%s%d:%d - %s", ...)`. */
function routeError(sink: CellSink | undefined, args: unknown[]): void {
  if (!sink) return;
  if (args[0] === "%s%d:%d - %s" && args.length === 5) {
    const [, file, line, column, message] = args;
    const diagnostic: CellDiagnostic = { line: Number(line), column: Number(column), message: String(message) };
    if (typeof file === "string" && file.trim() !== "") diagnostic.file = file.trim();
    sink.diagnostic(diagnostic);
    return;
  }
  sink.thrown(args[0]);
}

type ZmqSocket = { send(frames: Buffer[]): Promise<void> };

/**
 * Binds the sockets of `connectionFile` through tslab's `ZmqServer` (which also answers the heartbeat)
 * and passes every shell and control message, as raw frames, to `listener`.
 */
export async function openTslabTransport(connectionFile: string, listener: FramesListener): Promise<Transport> {
  loadCompiler();
  const { ZmqServer } = require("tslab/dist/jupyter.js") as typeof TslabJupyter;
  type Handler = ConstructorParameters<typeof ZmqServer>[0];
  class FramesServer extends ZmqServer {
    override async handleShellMessage(sock: unknown, ...frames: Buffer[]): Promise<void> {
      listener(sock === this.control ? "control" : "shell", frames);
    }
  }
  const server = new FramesServer({ close() {} } as unknown as Handler, connectionFile);
  await server.init();
  const queues = new Map<Channel, SendQueue>();
  const socketOf = (c: Channel): ZmqSocket => (c === "iopub" ? server.iopub : c === "control" ? server.control : server.shell) as unknown as ZmqSocket;
  return {
    key: server.connInfo.key,
    signatureScheme: server.connInfo.signature_scheme || "hmac-sha256",
    send(channel, frames) {
      let q = queues.get(channel);
      if (!q) queues.set(channel, (q = new SendQueue(socketOf(channel))));
      q.push(frames);
    },
    close: () => server.close(),
  };
}

/**
 * zeromq 6 allows one pending send per socket; a send that can go out at once does so synchronously,
 * so output written just before a busy loop still reaches the client.
 */
class SendQueue {
  private pending: Buffer[][] = [];
  private busy = false;
  constructor(private readonly socket: ZmqSocket) {}

  push(frames: Buffer[]): void {
    if (this.busy) {
      this.pending.push(frames);
      return;
    }
    this.busy = true;
    this.socket.send(frames).then(
      () => this.next(),
      (err: unknown) => {
        process.emitWarning(`kernel: send failed: ${(err as Error).message}`);
        this.next();
      },
    );
  }

  private next(): void {
    this.busy = false;
    const frames = this.pending.shift();
    if (frames) this.push(frames);
  }
}
