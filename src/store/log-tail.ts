/**
 * `LogTail` follows one task attempt's stdout and stderr in the datastore while the task writes
 * them, returning only what is new at each read: the bytes past the last offset of a log file a
 * root appends to, or the chunks past the last one read where a root cannot append (S3). A
 * launcher whose tasks run elsewhere (Slurm) shows their output live this way.
 */
import type { Storage } from "./storage.js";
import { keys } from "./layout.js";

/** The attempt a tail follows. */
export interface LogAddress {
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  attempt: number;
}

type Stream = "stdout" | "stderr";
const STREAMS: readonly Stream[] = ["stdout", "stderr"];
const CHUNK = /^(\d+)\.log$/;

/** Reads what an attempt's logs gained since the last read. */
export class LogTail {
  private readonly offsets = { stdout: 0, stderr: 0 };
  /** Chunked logs: the sequence number of the next chunk to read. */
  private readonly nextChunk = { stdout: 0, stderr: 0 };
  // A read can end inside a multi-byte character: the decoder keeps its first bytes for the next read.
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(
    private readonly storage: Storage,
    readonly address: LogAddress,
  ) {}

  /** The new text of each stream, stdout first (a stream with nothing new is left out). */
  async read(): Promise<{ stream: Stream; text: string }[]> {
    const out: { stream: Stream; text: string }[] = [];
    for (const stream of STREAMS) {
      const text = this.storage.append ? await this.readAppended(stream) : await this.readChunks(stream);
      if (text) out.push({ stream, text });
    }
    return out;
  }

  private async readAppended(stream: Stream): Promise<string> {
    const { flow, runId, step, taskId, attempt } = this.address;
    const key = keys.log(flow, runId, step, taskId, attempt, stream);
    const size = (await this.storage.size(key)) ?? 0;
    const from = this.offsets[stream];
    if (size <= from) return "";
    const file = await this.storage.openRandomAccess(key);
    try {
      const buffer = new Uint8Array(size - from);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, from);
      this.offsets[stream] = from + bytesRead;
      return this.decoders[stream].decode(buffer.subarray(0, bytesRead), { stream: true });
    } finally {
      await file.close();
    }
  }

  // Chunks are written one after another, so only an unbroken run from the next expected one is read.
  private async readChunks(stream: Stream): Promise<string> {
    const { flow, runId, step, taskId, attempt } = this.address;
    const dir = keys.logChunksDir(flow, runId, step, taskId, attempt, stream);
    const chunk = (seq: number) => keys.logChunk(flow, runId, step, taskId, attempt, stream, seq);
    const last = this.nextChunk[stream] - 1;
    const names = await this.storage.list(dir, last < 0 ? {} : { startAfter: chunk(last).slice(dir.length + 1) });
    const seqs = names.flatMap((n) => (CHUNK.test(n) ? [Number(CHUNK.exec(n)![1])] : [])).sort((a, b) => a - b);
    let text = "";
    for (const seq of seqs) {
      if (seq !== this.nextChunk[stream]) break;
      text += (await this.storage.readText(chunk(seq))) ?? "";
      this.nextChunk[stream] = seq + 1;
    }
    return text;
  }
}
