/**
 * The `KernelServer` decodes incoming frames, drops (and logs) anything malformed or badly signed,
 * and dispatches each request to its handler between `busy` and `idle` status messages. Shell requests
 * run one at a time in arrival order, as in ipykernel; control requests (interrupt, shutdown) run at once.
 */
import { performance } from "node:perf_hooks";
import type { Channel, JupyterMessage } from "../protocol/message.js";
import type { Transport } from "../protocol/transport.js";
import { decode, encode, makeMessage, WireError } from "../protocol/wire.js";
import { log } from "../log.js";

/** One request as a handler sees it. */
export interface Request {
  readonly msg: JupyterMessage;
  readonly channel: "shell" | "control";
  /** Arrival order of this request among all requests (starts at 1). */
  readonly seq: number;
  /** Sends a message back on the request's channel. */
  reply(msgType: string, content: object): void;
  /** Publishes a message on iopub, parented to this request. */
  publish(msgType: string, content: object, metadata?: Record<string, unknown>): void;
}

/** Handles one request type. */
export type RequestHandler = (request: Request) => void | Promise<void>;

/** Dispatches Jupyter requests to handlers. */
export class KernelServer {
  private transport: Transport | undefined;
  private readonly early: [Exclude<Channel, "iopub">, Buffer[]][] = [];
  private shellTail: Promise<void> = Promise.resolve();
  private arrivals = 0;
  private arrivedAt = 0;

  constructor(private readonly routes: ReadonlyMap<string, RequestHandler>) {}

  /** How many requests have arrived so far; an execute error aborts everything up to this. */
  get lastArrival(): number {
    return this.arrivals;
  }

  /** When the last request arrived (`performance.now()`), 0 before any. */
  get lastArrivalAt(): number {
    return this.arrivedAt;
  }

  /** Starts sending through `transport` and processes anything that arrived before. */
  attach(transport: Transport): void {
    this.transport = transport;
    for (const [channel, frames] of this.early.splice(0)) this.receive(channel, frames);
  }

  /** Entry point for raw frames from the transport. */
  readonly receive = (channel: Exclude<Channel, "iopub">, frames: Buffer[]): void => {
    this.arrivedAt = performance.now();
    const transport = this.transport;
    if (!transport) {
      this.early.push([channel, frames]);
      return;
    }
    let msg: JupyterMessage;
    try {
      msg = decode({ key: transport.key, scheme: transport.signatureScheme }, frames);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      log("warn", `dropped a message on ${channel}: ${err.message}`);
      return;
    }
    const request = this.request(transport, channel, msg, ++this.arrivals);
    if (channel === "control") void this.process(request);
    else this.shellTail = this.shellTail.then(() => this.process(request));
  };

  private request(transport: Transport, channel: "shell" | "control", msg: JupyterMessage, seq: number): Request {
    const signer = { key: transport.key, scheme: transport.signatureScheme };
    return {
      msg,
      channel,
      seq,
      reply: (msgType, content) => transport.send(channel, encode(signer, makeMessage(msg, msgType, content))),
      publish: (msgType, content, metadata) => {
        const out = makeMessage(msg, msgType, content, [Buffer.from(`kernel.${msgType}`)]);
        if (metadata) out.metadata = metadata;
        transport.send("iopub", encode(signer, out));
      },
    };
  }

  private async process(request: Request): Promise<void> {
    const type = request.msg.header.msg_type;
    const started = performance.now();
    request.publish("status", { execution_state: "busy" });
    try {
      const handler = this.routes.get(type);
      if (handler) await handler(request);
      else log("warn", `no handler for ${type} on ${request.channel}; ignored`);
    } catch (err) {
      log("error", `handling ${type} failed: ${(err as Error)?.stack ?? String(err)}`);
    } finally {
      request.publish("status", { execution_state: "idle" });
      log("debug", `${type} handled in ${(performance.now() - started).toFixed(2)} ms`);
    }
  }
}
