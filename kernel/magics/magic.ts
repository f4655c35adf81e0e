/**
 * A `Magic` is a kernel command written `%name args` (line magic) or `%%name args` + body (cell
 * magic). It declares its arguments as data, so parsing, usage messages, `%help` and completion all
 * come from one place.
 */
import type { MimeBundle } from "../display/mime-bundle.js";
import type { ArgsSpec, ParsedArgs } from "./options.js";
import type { Completion } from "../engine/engine.js";

/** Where a magic writes what it shows. */
export interface MagicOutput {
  /** Writes text to the cell's stdout. */
  print(text: string): void;
  /** Shows a display; with `displayId`, later calls with `update: true` replace it. */
  display(data: MimeBundle, options?: { displayId?: string; update?: boolean }): void;
  /** Shows `value` as the cell's result (`Out[n]`), formatted like a last expression. */
  result(value: unknown): Promise<void>;
}

/** What a running magic can use. */
export interface MagicContext {
  out: MagicOutput;
  /** Aborted when the user interrupts the kernel. */
  signal: AbortSignal;
  /** Compiles and runs TypeScript as if it were (the rest of) the cell; resolves false on error. */
  runCode(code: string): Promise<boolean>;
  /** Every magic known to the kernel (for `%lsmagic`, `%help`). */
  registry: MagicLookup;
  /** The variables defined by earlier cells. */
  locals: Readonly<Record<string, unknown>>;
  /** Defines `name` for later cells, typed as `type` (a TypeScript type expression). */
  bind(name: string, value: unknown, type: string): Promise<void>;
}

/** One invocation of a magic. */
export interface MagicCall {
  /** The arguments as written, after the name. */
  raw: string;
  args: ParsedArgs;
  /** For a cell magic: the cell after its first line. */
  body: string;
  /** For a cell magic: the whole cell with the magic line blanked (offsets unchanged). */
  code: string;
}

/** Completion of a magic's argument: the words before the cursor and the partial word at it. */
export interface ArgCompletionRequest {
  words: string[];
  partial: string;
  registry: MagicLookup;
  /** The variables defined by earlier cells (e.g. flow classes for `%run`). */
  locals: Readonly<Record<string, unknown>>;
}

/** Completion inside a cell magic's body: the body (the cell after its first line) and the cursor in it. */
export interface BodyCompletionRequest {
  body: string;
  /** The cursor's offset in `body`. */
  cursor: number;
}

/** A kernel magic. */
export interface Magic {
  name: string;
  kind: "line" | "cell";
  /** One sentence for `%lsmagic`. */
  summary: string;
  /** The usage line, e.g. `%runs <Flow> [--tag T] [--limit N]`. */
  usage: string;
  /** Longer help for `%help`, optional. */
  help?: string;
  args: ArgsSpec;
  /** For a cell magic: whether its body is TypeScript (completed and inspected as code). @default "text" */
  body?: "typescript" | "text";
  run(call: MagicCall, ctx: MagicContext): void | Promise<void>;
  /** Candidates for the argument being typed. */
  completeArgs?(request: ArgCompletionRequest): string[] | Promise<string[]>;
  /** For a cell magic with a text body: completion at the cursor in the body (offsets in the body). */
  completeBody?(request: BodyCompletionRequest): Completion | Promise<Completion>;
}

/** Read access to the registered magics. */
export interface MagicLookup {
  find(kind: Magic["kind"], name: string): Magic | undefined;
  list(): Magic[];
}

export type { Completion };
