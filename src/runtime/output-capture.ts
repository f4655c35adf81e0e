/**
 * Routes what steps print to their task. `process.stdout.write`/`process.stderr.write` are wrapped
 * once per process; a write made inside a task's async context goes to that task's sink (which
 * stores it and streams it live), anything else passes through unchanged.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Receives a task's output. */
export type OutputSink = (stream: "stdout" | "stderr", text: string) => void;

const KEY = Symbol.for("tsflow.outputCapture");
type Global = { [KEY]?: AsyncLocalStorage<OutputSink> };

function install(): AsyncLocalStorage<OutputSink> {
  const sinks = new AsyncLocalStorage<OutputSink>();
  for (const stream of ["stdout", "stderr"] as const) {
    const target = process[stream];
    const original = target.write.bind(target) as (...args: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]) => {
      const sink = sinks.getStore();
      if (!sink) return original(chunk, ...rest);
      sink(stream, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof target.write;
  }
  return sinks;
}

/** Runs `fn` with its stdout/stderr writes sent to `sink`. */
export function captureOutput<T>(sink: OutputSink, fn: () => T): T {
  const sinks = ((globalThis as Global)[KEY] ??= install());
  return sinks.run(sink, fn);
}

/** Writes to the real stdout/stderr even from inside a captured task (for the runtime's own log). */
export function writeUncaptured(stream: "stdout" | "stderr", text: string): void {
  const sinks = (globalThis as Global)[KEY];
  if (sinks) sinks.exit(() => process[stream].write(text));
  else process[stream].write(text);
}
