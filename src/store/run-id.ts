/**
 * Run ids: decimal microsecond timestamps, so they sort by creation time as in Metaflow. Uniqueness
 * across processes comes from creating `run.json` create-only; on a clash the next id is tried.
 */

const origin = { wallUs: BigInt(Date.now()) * 1000n, mono: process.hrtime.bigint() };
let last = 0n;

/** The next candidate run id of this process: strictly increasing, in microseconds since the epoch. */
export function nextRunId(): string {
  const now = origin.wallUs + (process.hrtime.bigint() - origin.mono) / 1000n;
  last = now > last ? now : last + 1n;
  return last.toString();
}

/** The id to try after `id` clashed with a run another process created. */
export function bumpRunId(id: string): string {
  const next = BigInt(id) + 1n + BigInt(Math.floor(Math.random() * 50));
  if (next > last) last = next;
  return next.toString();
}
