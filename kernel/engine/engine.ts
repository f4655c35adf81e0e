/**
 * An `Engine` compiles and runs TypeScript cells, keeping declarations between cells, and answers
 * completion, inspection and is-complete questions. The kernel speaks only to this interface, so the
 * tslab-based implementation (`tslab-engine.ts`) can be swapped for another one.
 */

/** A type error found while compiling a cell (1-based line and column). */
export interface CellDiagnostic {
  /** Set when the error is in another file the cell imports. */
  file?: string;
  line: number;
  column: number;
  message: string;
}

/** Receives what one cell execution produces besides its streams. */
export interface CellSink {
  /** The value of the cell's last expression (never called for `null`/`undefined`). */
  result(value: unknown): void;
  /** A value the cell threw, or the rejection of its top-level `await`. */
  thrown(error: unknown): void;
  /** A type error; the cell did not run. */
  diagnostic(diagnostic: CellDiagnostic): void;
}

/** Completion candidates for the text between `start` and `end`. */
export interface Completion {
  start: number;
  end: number;
  matches: string[];
}

/** Whether a cell is ready to run, and the indent for the next line when it is not. */
export interface CompletenessCheck {
  status: "complete" | "incomplete";
  indent?: string;
}

/** One `display_data` payload as the display API of the engine produces it. */
export interface DisplayPayload {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

/** Called for each display the cell code makes; `update` means update_display_data. */
export type DisplayWriter = (payload: DisplayPayload, update: boolean) => void;

/** A TypeScript cell engine. */
export interface Engine {
  /** The version of the TypeScript compiler that checks cells. */
  readonly typescriptVersion: string;
  /** A short description for the kernel banner, e.g. `tslab 1.0.22`. */
  readonly description: string;
  /** Resolves once the engine can compile (its set-up may finish after the kernel answers); absent = at once. */
  whenReady?(): Promise<void>;
  /** The cell-level variables; a magic may read or bind them. */
  readonly locals: Record<string, unknown>;
  /**
   * Compiles and runs `code`; resolves `true` when it ran without a type error or exception.
   * Outputs go to `sink`; streams go to `process.stdout`/`process.stderr`. `label` (e.g. `In[7]`)
   * names the cell in stack frames, where the engine supports it.
   */
  execute(code: string, sink: CellSink, label?: string): Promise<boolean>;
  complete(code: string, cursor: number): Completion;
  /** Returns the text shown for the symbol at `cursor`, or undefined. */
  inspect(code: string, cursor: number): string | undefined;
  isComplete(code: string): CompletenessCheck;
  /** Stops a cell waiting on a promise (a busy loop is stopped by SIGINT itself). */
  interrupt(): void;
  /** Where the cell code's display calls (e.g. `tslab.display.html`) go from now on. */
  setDisplayWriter(writer: DisplayWriter): void;
  /** Compiles a throwaway cell so the first real cell does not pay the compiler's start-up cost. */
  warmUp(): void;
  close(): void;
}
