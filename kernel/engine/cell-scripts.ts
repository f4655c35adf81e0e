/**
 * Names each cell's compiled script and keeps its source map, so a stack frame in cell code can say
 * which cell and line it is (`Cell In[7], line 4`, as IPython does) although the code that runs is
 * TypeScript's output: type-only declarations are gone from it, so its lines are not the cell's.
 *
 * The name is a `//# sourceURL` comment appended to the cell's source, derived from the source alone:
 * re-running an unchanged cell compiles the same text, which tslab answers without a new program. The
 * compiler emits an inline source map (see `compiler-view.ts`), which `rememberCellMap` keeps, keyed by
 * that name. The CommonJS pass keeps lines, so the map of the ES module output serves the script run.
 */
import { createHash } from "node:crypto";
import { LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

const PREFIX = "tsflow-cell-";
/** A position in a cell script as a stack frame shows it: name, line, column. */
export const CELL_SCRIPT_POSITION = /(tsflow-cell-[0-9a-f]{12}):(\d+):(\d+)/;
const SOURCE_URL = /\/\/# sourceURL=(tsflow-cell-[0-9a-f]{12})\s*$/m;
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
// A notebook session rarely has more distinct cells than this; the oldest are forgotten first.
const KEEP = 500;

interface CellScript {
  label: string | undefined;
  map?: TraceMap | string;
  /** Lines the compiler saw before the cell's first line. */
  linesBefore?: number;
}

const scripts = new Map<string, CellScript>();

/** The cell's source with its script name appended; `label` (e.g. `In[7]`) is what frames will show. */
export function nameCellScript(code: string, label?: string): string {
  const name = PREFIX + createHash("sha1").update(code).digest("hex").slice(0, 12);
  const known = scripts.get(name);
  scripts.delete(name); // re-inserted last: most recently used
  scripts.set(name, { ...known, label });
  if (scripts.size > KEEP) scripts.delete(scripts.keys().next().value as string);
  return `${code}\n//# sourceURL=${name}`;
}

/**
 * Keeps the inline source map of a compiled cell (an ES module carrying a cell's script name);
 * ignores other code. `linesBefore` is the number of lines the compiler saw above the cell's code.
 */
export function rememberCellMap(esm: string, linesBefore: number): void {
  const name = SOURCE_URL.exec(esm)?.[1];
  const map = INLINE_MAP.exec(esm)?.[1];
  const script = name === undefined ? undefined : scripts.get(name);
  if (script && map !== undefined) Object.assign(script, { map, linesBefore });
}

/** Where a frame is, for a frame in a cell script: the cell's label and line. */
export interface CellLocation {
  label: string | undefined;
  /** The line in the cell; undefined when the script's map is unknown. */
  line: number | undefined;
  /** True when the position is in code the executor wrapped around the cell, not the cell's. */
  wrapper: boolean;
}

/** Where a frame position (1-based line and column, as in a stack trace) in cell script `name` is, or undefined for other scripts. */
export function cellLocation(name: string, line: number, column: number): CellLocation | undefined {
  const script = scripts.get(name);
  if (!script) return undefined;
  if (typeof script.map === "string") script.map = new TraceMap(Buffer.from(script.map, "base64").toString("utf8"));
  if (!script.map) return { label: script.label, line: undefined, wrapper: false };
  const source = originalLine(script.map, line, column - 1);
  const cellLine = source === undefined ? undefined : source - (script.linesBefore ?? 0);
  return cellLine === undefined || cellLine < 1 ? { label: script.label, line: undefined, wrapper: true } : { label: script.label, line: cellLine, wrapper: false };
}

function originalLine(map: TraceMap, line: number, column: number): number | undefined {
  // Line 1 of the script run also holds the executor's wrapper, so its columns are shifted right.
  const at = originalPositionFor(map, { line, column });
  const near = at.line === null ? originalPositionFor(map, { line, column: 0, bias: LEAST_UPPER_BOUND }) : at;
  return near.line ?? undefined;
}

/**
 * The stack frame line `frame` with a cell script position replaced by its place, as IPython words
 * it (`Cell In[7], line 4`); undefined for a frame of the executor's wrapper around the cell. Lines
 * that are not frames of cell code come back unchanged.
 */
export function placeCellFrame(frame: string): string | undefined {
  const m = CELL_SCRIPT_POSITION.exec(frame);
  if (!m) return frame;
  const at = cellLocation(m[1] as string, Number(m[2]), Number(m[3]));
  if (at?.wrapper) return undefined;
  const place = !at?.label ? "cell" : at.line === undefined ? `Cell ${at.label}` : `Cell ${at.label}, line ${at.line}`;
  // tslab calls a function from an earlier cell through its exports proxy, which V8 names as the receiver.
  return frame.replace(m[0], place).replace(/\bat (async )?Proxy\./, "at $1");
}

let installed = false;

/**
 * Makes every stack trace formatted in this process place frames of cell code at their cell and
 * line, whoever reads it: the kernel's error message, a flow's task log, `console.log(err.stack)`.
 * Frames are formatted as Node does (or by a formatter set before), then rewritten line by line.
 */
export function installCellStackTraces(): void {
  if (installed) return;
  installed = true;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, sites) => {
    const text: unknown = previous ? previous(error, sites) : nodeFormat(error, sites);
    if (typeof text !== "string") return text;
    try {
      return text
        .split("\n")
        .flatMap((line) => placeCellFrame(line) ?? [])
        .join("\n");
    } catch {
      return text; // a stack trace is never lost to a map that cannot be read
    }
  };
}

/** Node's own format when no formatter is set: the error's string, then one `at` line per frame. */
function nodeFormat(error: Error, sites: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = Error.prototype.toString.call(error);
  } catch {
    head = "<error>";
  }
  return sites.length ? `${head}\n    at ${sites.join("\n    at ")}` : head;
}
