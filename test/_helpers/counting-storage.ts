/**
 * Counts the calls made to a real `Storage` (each is one or more requests to the S3 server), so a
 * test can check what a sync costs. It forwards every call unchanged.
 */
import type { Storage } from "../../src/store/storage.js";

/** A storage that records `method key` for every call, and the log. */
export function countCalls(inner: Storage): { storage: Storage; calls: string[] } {
  const calls: string[] = [];
  const storage = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || prop === "constructor") return value;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)} ${String(args[0])}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage, calls };
}
