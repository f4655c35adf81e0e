/**
 * The request handlers of the kernel, by message type. Each is a few lines over the parts it needs;
 * execution lives in `ExecuteHandler`, code intelligence in `code-intel.ts`.
 */
import type { Engine } from "../engine/engine.js";
import type { MagicRegistry } from "../magics/registry.js";
import type { History, HistoryQuery } from "../history.js";
import type { ExecuteHandler } from "../execute/execute-handler.js";
import type { RequestHandler } from "./kernel-server.js";
import { checkCompleteness, completeCell, inspectCell, type ExtraCompleter } from "../code-intel.js";
import { log } from "../log.js";

/** The parts of a running kernel the handlers use. */
export interface KernelParts {
  engine: Engine;
  registry: MagicRegistry;
  history: History;
  execute: ExecuteHandler;
  info: object;
  /** Completers tried after magics and before the engine (filled once the library is loaded). */
  completers: ExtraCompleter[];
  /** Stops the process after the reply went out. */
  shutdown(restart: boolean): void;
}

type Content = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === "string" ? v : "");
const cursorOf = (c: Content): number => (typeof c["cursor_pos"] === "number" ? c["cursor_pos"] : text(c["code"]).length);

/** Builds the message-type → handler map. */
export function createRoutes(k: KernelParts): Map<string, RequestHandler> {
  const ignore: RequestHandler = () => {};
  return new Map<string, RequestHandler>([
    ["kernel_info_request", (r) => r.reply("kernel_info_reply", k.info)],
    ["execute_request", k.execute.handle],
    [
      "complete_request",
      async (r) => {
        const c = r.msg.content as Content;
        const found = await completeCell(k.engine, k.registry, text(c["code"]), cursorOf(c), k.completers);
        r.reply("complete_reply", { status: "ok", matches: found.matches, cursor_start: found.start, cursor_end: found.end, metadata: {} });
      },
    ],
    [
      "inspect_request",
      async (r) => {
        const c = r.msg.content as Content;
        const found = await inspectCell(k.engine, k.registry, text(c["code"]), cursorOf(c));
        r.reply("inspect_reply", { status: "ok", found: found !== undefined, data: found === undefined ? {} : { "text/plain": found }, metadata: {} });
      },
    ],
    ["is_complete_request", async (r) => r.reply("is_complete_reply", await checkCompleteness(k.engine, k.registry, text((r.msg.content as Content)["code"])))],
    ["history_request", (r) => r.reply("history_reply", { status: "ok", history: k.history.query(r.msg.content as HistoryQuery) })],
    ["comm_info_request", (r) => r.reply("comm_info_reply", { status: "ok", comms: {} })],
    [
      "comm_open",
      (r) => {
        const c = r.msg.content as Content;
        log("info", `no comm target '${text(c["target_name"])}'; closing comm ${text(c["comm_id"])}`);
        r.publish("comm_close", { comm_id: c["comm_id"], data: {} });
      },
    ],
    ["comm_msg", ignore],
    ["comm_close", ignore],
    ["input_reply", ignore],
    [
      "interrupt_request",
      (r) => {
        k.execute.interrupt();
        r.reply("interrupt_reply", { status: "ok" });
      },
    ],
    [
      "shutdown_request",
      (r) => {
        const restart = (r.msg.content as Content)["restart"] === true;
        r.reply("shutdown_reply", { status: "ok", restart });
        r.publish("shutdown_reply", { status: "ok", restart });
        k.shutdown(restart);
      },
    ],
  ]);
}
