/**
 * The Jupyter wire codec: turns ZeroMQ frames into a `JupyterMessage` (checking the HMAC) and back.
 * A frame list that is not a valid, correctly signed message raises `WireError`; the server drops it.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { JupyterMessage, MessageHeader } from "./message.js";

const DELIMITER = Buffer.from("<IDS|MSG>");
const PROTOCOL_VERSION = "5.3";

/** Raised when incoming frames are not a well-formed, correctly signed Jupyter message. */
export class WireError extends Error {
  override name = "WireError";
}

/** The key and algorithm used to sign messages, from the connection file. */
export interface Signer {
  key: string;
  /** e.g. `hmac-sha256`. */
  scheme: string;
}

/** Computes the hex signature of the four JSON frames; the empty key means "unsigned". */
export function sign(signer: Signer, parts: readonly (Buffer | string)[]): string {
  if (signer.key === "") return "";
  const hmac = createHmac(signer.scheme.replace(/^hmac-/, ""), signer.key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Decodes and verifies one message; throws `WireError` when it is malformed or badly signed. */
export function decode(signer: Signer, frames: readonly Buffer[]): JupyterMessage {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new WireError("message has no <IDS|MSG> delimiter");
  const body = frames.slice(at + 2);
  if (body.length < 4) throw new WireError(`message has ${body.length} body frames, expected at least 4`);
  verify(signer, String(frames[at + 1] ?? ""), body.slice(0, 4));
  const [header, parent, metadata, content] = body.slice(0, 4).map(parseJson);
  if (!isObject(header) || typeof header["msg_type"] !== "string") throw new WireError("message header has no msg_type");
  return {
    identities: frames.slice(0, at),
    header: header as unknown as MessageHeader,
    parent_header: (parent ?? {}) as unknown as MessageHeader,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
    buffers: body.slice(4),
  };
}

/** Encodes a message into signed frames, ready for a ZeroMQ socket. */
export function encode(signer: Signer, msg: JupyterMessage<unknown>): Buffer[] {
  const json = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
  return [...msg.identities, DELIMITER, Buffer.from(sign(signer, json)), ...json, ...msg.buffers];
}

/** Makes a new message of `msgType` in reply to (or on behalf of) `parent`. */
export function makeMessage<C>(parent: JupyterMessage<unknown>, msgType: string, content: C, identities = parent.identities): JupyterMessage<C> {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: parent.header.session,
      username: parent.header.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent.header,
    metadata: {},
    content,
    buffers: [],
  };
}

function verify(signer: Signer, signature: string, parts: Buffer[]): void {
  if (signer.key === "") return;
  const want = Buffer.from(sign(signer, parts));
  const got = Buffer.from(signature);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new WireError("message signature does not match");
}

function parseJson(frame: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(frame.toString("utf8"));
    if (!isObject(value)) throw new WireError("message part is not a JSON object");
    return value;
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw new WireError(`message part is not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
