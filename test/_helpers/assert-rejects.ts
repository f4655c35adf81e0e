/** Test helpers shared by every suite: the one place that checks an async rejection. */
import * as assert from "uvu/assert";

/** An error class as tests see it: something with a static `code`. */
export interface ErrorClass {
  new (...args: any[]): Error;
  readonly code: string;
}

/**
 * Awaits `promise` (or calls `fn`) and asserts it rejects with an instance of `cls`, with the same
 * `code`, and a message matching `message` (a substring or a RegExp). Returns the error.
 */
export async function rejects(work: Promise<unknown> | (() => unknown), cls: ErrorClass, message?: string | RegExp): Promise<Error & { code?: string }> {
  let caught: unknown;
  try {
    await (typeof work === "function" ? work() : work);
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) assert.unreachable(`expected a ${cls.name} (${cls.code}) but nothing was thrown`);
  const err = caught as Error & { code?: string };
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err?.constructor?.name}: ${err?.message}`);
  assert.is(err.code, cls.code);
  if (typeof message === "string") assert.ok(err.message.includes(message), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(message)}`);
  else if (message) assert.match(err.message, message);
  return err;
}
