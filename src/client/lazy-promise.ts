/**
 * `LazyPromise` is a Promise whose work starts only when someone awaits it (`then`, `catch`,
 * `finally`). The client hands these out for properties such as `task.data.x`, so touching a
 * property (a kernel's completer, `console.log`) neither does I/O nor leaves an unhandled rejection.
 */

/** A Promise that runs its work on first `then`; derived promises are plain Promises. */
export class LazyPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #start: (() => void) | undefined;

  /** Makes a promise that calls `work` once, when first awaited. */
  static from<T>(work: () => Promise<T> | T): LazyPromise<T> {
    let settle!: { resolve: (v: T | PromiseLike<T>) => void; reject: (e: unknown) => void };
    const promise = new this<T>((resolve, reject) => (settle = { resolve, reject }));
    promise.#start = () => {
      try {
        Promise.resolve(work()).then(settle.resolve, settle.reject);
      } catch (err) {
        settle.reject(err);
      }
    };
    return promise as LazyPromise<T>;
  }

  // biome-ignore lint/suspicious/noThenProperty: a LazyPromise is a Promise whose then() starts the work
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const start = this.#start;
    this.#start = undefined;
    start?.();
    return super.then(onFulfilled, onRejected);
  }
}
