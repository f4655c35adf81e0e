/**
 * A `Transport` is the kernel's ZeroMQ side: the bound sockets of one connection file. It delivers raw
 * frames from the shell and control sockets and sends raw frames; the heartbeat is answered inside it.
 */
import type { Channel } from "./message.js";

/** Called with the raw frames of each message that arrives on shell or control. */
export type FramesListener = (channel: Exclude<Channel, "iopub">, frames: Buffer[]) => void;

/** The sockets of one running kernel. */
export interface Transport {
  /** The HMAC key from the connection file ("" means unsigned). */
  readonly key: string;
  /** The signature scheme from the connection file, e.g. `hmac-sha256`. */
  readonly signatureScheme: string;
  /** Sends one multipart message; sends on one socket keep their order. */
  send(channel: Channel, frames: Buffer[]): void;
  /** Closes every socket. */
  close(): void;
}
