/**
 * A task's output in transit from a remote worker to the launcher: lines gathered for a short
 * interval and sent as one message (a BullMQ progress event), so a chatty task costs a few
 * messages a second rather than one per write.
 */

/** `[stream, text, pid]` tuples, in order. */
export type OutputBatch = { o: ["stdout" | "stderr", string, number][] };

/** How long output is gathered before it is sent. */
const FLUSH_MS = 100;

/** Gathers output and sends it in batches; `flush()` sends the rest. */
export class OutputBatcher {
  private items: OutputBatch["o"] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly send: (batch: OutputBatch) => Promise<unknown>) {}

  push(stream: "stdout" | "stderr", text: string, pid: number): void {
    this.items.push([stream, text, pid]);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Sends what is gathered; resolves when everything pushed so far is sent (or failed to send). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    this.items = [];
    // Output is also in the datastore (task.stdout): a lost live message loses nothing.
    if (items.length)
      this.sending = this.sending
        .then(() => this.send({ o: items }))
        .then(
          () => undefined,
          () => undefined,
        );
    return this.sending;
  }
}

/** The tuples of a received batch, ignoring anything malformed. */
export function decodeOutput(batch: OutputBatch | unknown): OutputBatch["o"] {
  const o = (batch as OutputBatch | undefined)?.o;
  return Array.isArray(o) ? o.filter((t) => Array.isArray(t) && (t[0] === "stdout" || t[0] === "stderr") && typeof t[1] === "string") : [];
}
