/**
 * A `UsageError` says a magic was called wrongly (unknown name, bad arguments). The kernel shows it
 * as an `error` output with ename `UsageError`, the message and the magic's usage, never a stack.
 */
export class UsageError extends Error {
  override name = "UsageError";
  /** The usage line(s) of the magic, shown under the message. */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** True for a `UsageError`, also one made by another copy of this module. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === "UsageError";
}
