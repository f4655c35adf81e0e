/**
 * A `LateEngine` stands for an engine that is built after the kernel is already answering: setting
 * up the compiler blocks the process for over a second, and a front end that gets no
 * `kernel_info_reply` meanwhile shows the kernel as still starting. Until the real engine is set,
 * cells wait for it and so do completion and inspection (through `whenReady`); a synchronous call that
 * comes anyway gets an empty answer. After that every call goes straight through.
 */
import type { CellSink, Completion, CompletenessCheck, DisplayWriter, Engine } from "./engine.js";

/** An engine whose implementation arrives later through `set`. */
export class LateEngine implements Engine {
  /** Resolves when something waits for the engine (a cell, a completion): build it now. */
  readonly wanted: Promise<void>;
  private resolveWanted!: () => void;
  private engine: Engine | undefined;
  private writer: DisplayWriter | undefined;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly pendingLocals: Record<string, unknown> = {};

  constructor(
    readonly typescriptVersion: string,
    readonly description: string,
  ) {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
    this.wanted = new Promise<void>((resolve) => (this.resolveWanted = resolve));
  }

  /** Waits for the real engine, telling whoever builds it that it is wanted now. */
  async whenReady(): Promise<void> {
    if (this.engine) return;
    this.resolveWanted();
    await this.ready;
  }

  /** Installs the real engine (once). */
  set(engine: Engine): void {
    if (this.engine) throw new Error("LateEngine.set called twice");
    this.engine = engine;
    Object.assign(engine.locals, this.pendingLocals);
    if (this.writer) engine.setDisplayWriter(this.writer);
    this.resolveReady();
  }

  get locals(): Record<string, unknown> {
    return this.engine?.locals ?? this.pendingLocals;
  }

  async execute(code: string, sink: CellSink, label?: string): Promise<boolean> {
    await this.whenReady();
    return this.engine!.execute(code, sink, label);
  }

  complete(code: string, cursor: number): Completion {
    return this.engine?.complete(code, cursor) ?? { start: cursor, end: cursor, matches: [] };
  }

  inspect(code: string, cursor: number): string | undefined {
    return this.engine?.inspect(code, cursor);
  }

  isComplete(code: string): CompletenessCheck {
    return this.engine?.isComplete(code) ?? { status: "complete" };
  }

  interrupt(): void {
    this.engine?.interrupt();
  }

  setDisplayWriter(writer: DisplayWriter): void {
    this.writer = writer;
    this.engine?.setDisplayWriter(writer);
  }

  warmUp(): void {
    this.engine?.warmUp();
  }

  close(): void {
    this.engine?.close();
  }
}
