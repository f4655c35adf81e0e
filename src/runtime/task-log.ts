/**
 * A task's stdout and stderr: streamed live to a listener as it is written, and stored with the
 * task attempt (flushed when large and when the task ends).
 */
import type { Datastore } from "../store/datastore.js";
import type { TaskSpec } from "./task-spec.js";

const FLUSH_BYTES = 64 * 1024;
/**
 * Output older than this is stored even when little: a long task's log is readable while it runs
 * (a launcher shows a Slurm task's output from it). Appending to a file is cheap: each second; a
 * root that cannot append (S3) stores each flush as an object of its own: every 5 s.
 */
const FLUSH_INTERVAL_MS = { append: 1_000, chunks: 5_000 };

/** Collects and stores one attempt's output. */
export class TaskLog {
  private readonly pending = { stdout: "", stderr: "" };
  private writes: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ds: Datastore,
    private readonly spec: TaskSpec,
    private readonly live?: (spec: TaskSpec, stream: "stdout" | "stderr", text: string) => void,
  ) {}

  /** The sink that output capture writes into. */
  readonly sink = (stream: "stdout" | "stderr", text: string): void => this.write(stream, text);

  /** Adds output to a stream. */
  write(stream: "stdout" | "stderr", text: string): void {
    this.live?.(this.spec, stream, text);
    this.pending[stream] += text;
    if (this.pending[stream].length >= FLUSH_BYTES) this.writes = this.writes.then(() => this.store(stream));
    const interval = FLUSH_INTERVAL_MS[this.ds.storage.append ? "append" : "chunks"];
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.writes = this.writes
        .then(() => this.store("stdout"))
        .then(() => this.store("stderr"))
        .catch(() => undefined);
    }, interval).unref();
  }

  /** Stores everything written so far (the task's end: no timed flush is left behind). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writes = this.writes.then(() => this.store("stdout")).then(() => this.store("stderr"));
    await this.writes;
  }

  private async store(stream: "stdout" | "stderr"): Promise<void> {
    const text = this.pending[stream];
    if (!text) return;
    this.pending[stream] = "";
    const { flow, runId, step, taskId, attempt } = this.spec;
    await this.ds.appendLog(flow, runId, step, taskId, attempt, stream, text);
  }
}
