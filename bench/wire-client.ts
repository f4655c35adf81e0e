/**
 * A minimal Jupyter client for timing a kernel's own latency: it speaks the wire protocol with
 * zeromq directly (shell DEALER, IOPub SUB, the kernel's codec), so a round trip is the kernel's time
 * plus one local hop, without a Python client's parsing of every message. `bench/kernel.ts` reports
 * it beside jupyter_client's figures.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { decode, encode, type Signer } from "../kernel/protocol/wire.js";
import type { JupyterMessage } from "../kernel/protocol/message.js";
import { freePort } from "../test/_helpers/jupyter-server.js";

/** A kernel process and the two sockets timing needs. */
export class WireClient {
  private readonly shell = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly control = new zmq.Dealer();
  private readonly session = randomUUID();
  private constructor(
    private readonly child: ChildProcess,
    private readonly signer: Signer,
    private readonly dir: string,
  ) {}

  /**
   * Starts `argv` (with `{connection_file}` replaced) in `cwd` with `env` added to this process's
   * environment, and resolves once it answers kernel_info on shell and IOPub.
   */
  static async start(argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ client: WireClient; readyMs: number }> {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), "tsflow-wire-"));
    const [shell, iopub, control, stdin, hb] = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
    const key = randomUUID();
    const conn = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: shell,
      iopub_port: iopub,
      control_port: control,
      stdin_port: stdin,
      hb_port: hb,
      key,
      signature_scheme: "hmac-sha256",
    };
    const file = join(dir, "connection.json");
    writeFileSync(file, JSON.stringify(conn));
    const [cmd, ...args] = argv.map((a) => a.replace("{connection_file}", file));
    const child = spawn(cmd as string, args, { stdio: ["ignore", "ignore", "inherit"], cwd: options.cwd, env: { ...process.env, ...options.env } });
    const client = new WireClient(child, { key, scheme: "hmac-sha256" }, dir);
    client.shell.connect(`tcp://127.0.0.1:${shell}`);
    client.iopub.connect(`tcp://127.0.0.1:${iopub}`);
    client.iopub.subscribe();
    client.control.connect(`tcp://127.0.0.1:${control}`);
    // Like jupyter_client: repeat kernel_info until IOPub carries its status, so no output is missed later.
    for (let sent = 1; ; sent++) {
      const id = randomUUID();
      const idle = client.untilIdle(id);
      await client.send("kernel_info_request", {}, id);
      if (await Promise.race([idle.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 200))])) {
        for (let i = 0; i < sent; i++) await client.shell.receive(); // one reply per request sent
        break;
      }
      client.waiting.delete(id); // its idle went out before the subscription was up
    }
    return { client, readyMs: performance.now() - t0 };
  }

  /** Sends a shell request with the id `msgId`. */
  async send(msgType: string, content: Record<string, unknown>, msgId: string, socket = this.shell): Promise<void> {
    const msg: JupyterMessage<unknown> = {
      identities: [],
      header: { msg_id: msgId, msg_type: msgType, session: this.session, username: "bench", date: new Date().toISOString(), version: "5.3" },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
    await socket.send(encode(this.signer, msg));
  }

  private readonly waiting = new Map<string, () => void>();
  private pumping = false;
  private closed = false;

  /** Resolves when IOPub publishes `idle` for the request `msgId`. */
  untilIdle(msgId: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiting.set(msgId, resolve));
    void this.pump();
    return done;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.size > 0 || !this.closed) {
        const msg = decode(this.signer, await this.iopub.receive());
        const parent = (msg.parent_header as { msg_id?: string }).msg_id;
        if (msg.header.msg_type === "status" && msg.content["execution_state"] === "idle" && parent) {
          this.waiting.get(parent)?.();
          this.waiting.delete(parent);
        }
      }
    } catch (err) {
      if (!this.closed) throw err; // closing the socket rejects the pending receive
    } finally {
      this.pumping = false;
    }
  }

  /** Milliseconds from sending an execute_request for `code` to the kernel's idle status for it. */
  async execute(code: string): Promise<number> {
    return await this.time("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  }

  /** Milliseconds from sending `msgType` to the kernel's idle status for it. */
  async time(msgType: string, content: Record<string, unknown>): Promise<number> {
    const id = randomUUID();
    const idle = this.untilIdle(id);
    const t0 = performance.now();
    await this.send(msgType, content, id);
    await idle;
    // The reply on shell is read (and discarded) so the socket's queue does not grow.
    await this.shell.receive();
    return performance.now() - t0;
  }

  /** Asks the kernel to shut down (on the control channel), waits for its exit, and closes the sockets. */
  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.send("shutdown_request", { restart: false }, randomUUID(), this.control);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    this.closed = true;
    this.control.close();
    this.shell.close();
    this.iopub.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
