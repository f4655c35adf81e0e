/**
 * Whole-value reads over a `RandomAccessFile`: one exactly sized buffer, filled by positional reads.
 * A remote value (no file descriptor: each read is a ranged GET) is read in 8 MiB ranges, 16 in flight.
 */
import { DatastoreError } from "../util/errors.js";
import { mapLimit } from "../util/concurrency.js";
import type { RandomAccessFile } from "./storage.js";

const LOCAL_CHUNK = 16 << 20;
const REMOTE_CHUNK = 8 << 20;
const REMOTE_IN_FLIGHT = 16;

/**
 * Reads a whole value into one uninitialised buffer (no zero-fill, no copies); does not close `file`.
 * @param file - the open value.
 * @param size - its size, when known already.
 * @throws DatastoreError when the value is shorter than its size.
 */
export async function readWhole(file: RandomAccessFile, size?: number): Promise<Buffer> {
  const total = size ?? (await file.stat()).size;
  const buffer = Buffer.allocUnsafeSlow(total);
  const remote = file.fd < 0;
  const chunk = remote ? REMOTE_CHUNK : LOCAL_CHUNK;
  const starts = Array.from({ length: Math.ceil(total / chunk) }, (_, i) => i * chunk);
  await mapLimit(starts, remote ? REMOTE_IN_FLIGHT : 1, async (start) => {
    for (let offset = start, end = Math.min(total, start + chunk); offset < end; ) {
      const { bytesRead } = await file.read(buffer, offset, end - offset, offset);
      if (bytesRead === 0) throw new DatastoreError("A stored object is shorter than its size; the object is damaged.");
      offset += bytesRead;
    }
  });
  return buffer;
}
