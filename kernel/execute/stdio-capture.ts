/**
 * Routes `process.stdout` and `process.stderr` of the kernel process to the cell that ran last (as
 * IPython does, late async output goes to the most recent cell). Installed once at start-up.
 */

/** Receives text written to stdout or stderr. */
export type StreamWriter = (name: "stdout" | "stderr", text: string) => void;

let current: StreamWriter | undefined;
let installed = false;

/** Replaces the `write` of stdout and stderr; until `routeStreams` is called they go nowhere. */
export function captureStdio(): void {
  if (installed) return;
  installed = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      current?.(name, text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => done());
      return true;
    }) as typeof stream.write;
  }
}

/** Sends everything written from now on to `writer`. */
export function routeStreams(writer: StreamWriter): void {
  current = writer;
}
