/**
 * Handles `execute_request` as ipykernel does: counts executions, publishes `execute_input`,
 * `execute_result`, `error` and streams, and after a failed cell (with `stop_on_error`, the default)
 * answers every execute request that had already arrived with status `aborted`. Requests that arrive
 * after the failure run normally: no timer, no silent skip.
 */
import type { Engine } from "../engine/engine.js";
import type { MagicOutput } from "../magics/magic.js";
import type { MagicRegistry } from "../magics/registry.js";
import type { History } from "../history.js";
import type { Request } from "../server/kernel-server.js";
import { toMimeBundle } from "../display/mime-bundle.js";
import { runCell, type CellRunnerDeps } from "./cell-runner.js";
import { parseCell } from "../magics/parse.js";
import { routeStreams } from "./stdio-capture.js";
import type { ActiveCell } from "../tsflow/cell-module.js";

/** What the execute handler works with. */
export interface ExecuteDeps extends CellRunnerDeps {
  engine: Engine;
  registry: MagicRegistry;
  history: History;
  /** Resolves when cells may run (the library is loaded). */
  ready: Promise<void>;
  /** The arrival number of the latest request received by the server. */
  lastArrival(): number;
}

interface ExecuteContent {
  code?: unknown;
  silent?: unknown;
  store_history?: unknown;
  stop_on_error?: unknown;
}

/** The execute_request handler and the execution counter. */
export class ExecuteHandler {
  private count = 0;
  private abortThrough = 0;
  private controller: AbortController | undefined;
  private active: ActiveCell | undefined;

  constructor(private readonly deps: ExecuteDeps) {}

  /** The number of the last cell that stored history. */
  get executionCount(): number {
    return this.count;
  }

  /** The cell running now: where library code shows output, and its interrupt signal. */
  get activeCell(): ActiveCell | undefined {
    return this.active;
  }

  /** Interrupts the running cell: aborts its magic and wakes a pending top-level await. */
  interrupt(): void {
    this.controller?.abort();
    this.deps.engine.interrupt();
  }

  readonly handle = async (req: Request): Promise<void> => {
    const content = req.msg.content as ExecuteContent;
    if (req.seq <= this.abortThrough) {
      req.reply("execute_reply", { status: "aborted", execution_count: this.count });
      return;
    }
    const code = typeof content.code === "string" ? content.code : "";
    const silent = content.silent === true;
    const store = !silent && content.store_history !== false;
    const count = store ? ++this.count : this.count;
    if (!silent) req.publish("execute_input", { code, execution_count: count });
    if (store) this.deps.history.add({ line: count, input: code });
    await this.deps.ready;
    const controller = (this.controller = new AbortController());
    const out = this.output(req, count, silent, store);
    this.active = { out, signal: controller.signal, cell: { source: parseCell(code).code, label: `In[${count}]` } };
    const error = await runCell(code, this.deps, out, controller.signal, `In[${count}]`);
    if (this.controller === controller) [this.controller, this.active] = [undefined, undefined];
    if (!error) {
      req.reply("execute_reply", { status: "ok", execution_count: count, user_expressions: {}, payload: [] });
      return;
    }
    req.publish("error", error);
    if (content.stop_on_error !== false) this.abortThrough = this.deps.lastArrival();
    req.reply("execute_reply", { status: "error", execution_count: count, ...error });
  };

  private output(req: Request, count: number, silent: boolean, store: boolean): MagicOutput {
    const display = (data: Record<string, unknown>, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean) =>
      req.publish(update ? "update_display_data" : "display_data", { data, metadata, transient: displayId ? { display_id: displayId } : {} });
    routeStreams((name, text) => req.publish("stream", { name, text }));
    this.deps.engine.setDisplayWriter((p, update) => display(p.data, p.metadata, p.transient?.display_id, update));
    return {
      print: (text) => req.publish("stream", { name: "stdout", text }),
      display: (data, options) => display(data, {}, options?.displayId, options?.update === true),
      result: async (value) => {
        if (silent) return;
        const data = await toMimeBundle(value);
        req.publish("execute_result", { execution_count: count, data, metadata: {} });
        if (store) this.deps.history.setOutput(count, String(data["text/plain"]));
      },
    };
  }
}
