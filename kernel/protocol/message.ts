/**
 * A Jupyter message as the kernel sees it: the decoded form of one multipart ZeroMQ message
 * (messaging spec 5.3, "The wire protocol").
 */

/** The header of a Jupyter message. */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A Jupyter message, decoded; `content` is the message-type specific payload. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** ZeroMQ routing identities, copied to replies so the ROUTER socket can route them back. */
  identities: Buffer[];
  header: MessageHeader;
  /** The header of the request this message answers, or `{}`. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  /** Extra binary frames after the content. */
  buffers: Buffer[];
}

/** The sockets a kernel speaks on. */
export type Channel = "shell" | "control" | "iopub";
