/**
 * Names each cell's compiled script and keeps the source maps of what cells run, so a stack frame
 * says where its code came from: `Cell In[7], line 4` for a cell (as IPython words it), the
 * TypeScript file and line for a local module a cell imports. The code that runs is TypeScript's
 * output, whose lines are not the source's once type-only declarations are compiled away.
 *
 * A cell's name is a `//# sourceURL` comment appended to its source, derived from the source alone:
 * re-running an unchanged cell compiles the same text, which tslab answers without a new program. The
 * compiler emits inline source maps (see `compiler-view.ts`), which `rememberCompiledMap` keeps: a
 * cell's under its name, a local module's under the path tslab runs it from. The CommonJS pass keeps
 * lines, so the map of the ES module output serves the code that runs.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
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
  keepRecent(scripts, name, { ...scripts.get(name), label });
  return `${code}\n//# sourceURL=${name}`;
}

/** Sets `key` as the most recently used entry of `map`, forgetting the oldest beyond `KEEP`. */
function keepRecent<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as string);
}

/** Where the compiler's output comes from, for `rememberCompiledMap`. */
export interface CompileLayout {
  /** Lines the compiler saw before a cell's first line. */
  cellLinesBefore: number;
  /** The folder local modules are compiled from, and run from under the same relative paths. */
  rootDir: string | undefined;
}

/** Local modules a cell imports, by the path of the JavaScript that runs: its map and its source file. */
const modules = new Map<string, { map: TraceMap | string; source: string }>();

/**
 * Keeps the inline source map of a compiled ES module: a cell's (it carries a cell's script name)
 * under that name, another file's (a local module) under the path tslab runs it from. Returns the
 * module with its map's source made absolute (the compiler names it relative to an output folder that
 * does not exist), so any source-map-aware formatter also finds the file; a cell comes back unchanged.
 */
export function rememberCompiledMap(esm: string, layout: CompileLayout): string {
  const inline = INLINE_MAP.exec(esm);
  const map = inline?.[1];
  if (!inline || map === undefined) return esm;
  const name = SOURCE_URL.exec(esm)?.[1];
  if (name !== undefined) {
    const script = scripts.get(name);
    if (script) Object.assign(script, { map, linesBefore: layout.cellLinesBefore });
    return esm;
  }
  const absolute = layout.rootDir === undefined ? undefined : withAbsoluteSource(map, layout.rootDir);
  if (!absolute) return esm;
  keepRecent(modules, absolute.source.replace(/\.[cm]?[jt]sx?$/, ".js"), { map: absolute.map, source: absolute.source });
  return `${esm.slice(0, inline.index)}//# sourceMappingURL=data:application/json;base64,${absolute.map}`;
}

/**
 * The map (base64) with its source as an absolute path, and that path. The compiler names the source
 * relative to the output file, which sits as deep below the output folder (one level below the root)
 * as the source sits below the root.
 */
function withAbsoluteSource(base64: string, rootDir: string): { map: string; source: string } | undefined {
  try {
    const map = JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as { sources?: unknown[]; sourceRoot?: string };
    const first = map.sources?.[0];
    if (typeof first !== "string" || !first.startsWith("../")) return undefined;
    const source = join(rootDir, first.replace(/^(\.\.\/)+/, ""));
    const fixed = { ...map, sourceRoot: "", sources: [source] };
    return { map: Buffer.from(JSON.stringify(fixed)).toString("base64"), source };
  } catch {
    return undefined;
  }
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
  if (typeof script.map === "string") script.map = decode(script.map);
  if (!script.map) return { label: script.label, line: undefined, wrapper: false };
  const source = originalPosition(script.map, line, column - 1)?.line;
  const cellLine = source === undefined ? undefined : source - (script.linesBefore ?? 0);
  return cellLine === undefined || cellLine < 1
    ? { label: script.label, line: undefined, wrapper: true }
    : { label: script.label, line: cellLine, wrapper: false };
}

function decode(base64: string): TraceMap {
  return new TraceMap(Buffer.from(base64, "base64").toString("utf8"));
}

function originalPosition(map: TraceMap, line: number, column: number): { line: number; column: number } | undefined {
  // Line 1 of the code run also holds a wrapper (the executor's or Node's), so its columns are shifted right.
  const at = originalPositionFor(map, { line, column });
  const near = at.line === null ? originalPositionFor(map, { line, column: 0, bias: LEAST_UPPER_BOUND }) : at;
  return near.line === null ? undefined : { line: near.line, column: near.column };
}

/**
 * The stack frame line `frame` with the position of compiled code replaced by where it came from:
 * a cell's as IPython words it (`Cell In[7], line 4`), a local module's as its TypeScript file, line
 * and column. Undefined for a frame of the executor's wrapper around a cell; other lines come back
 * unchanged.
 */
export function placeFrame(frame: string): string | undefined {
  const m = CELL_SCRIPT_POSITION.exec(frame);
  if (!m) return placeModuleFrame(frame);
  const at = cellLocation(m[1] as string, Number(m[2]), Number(m[3]));
  if (at?.wrapper) return undefined;
  const place = !at?.label ? "cell" : at.line === undefined ? `Cell ${at.label}` : `Cell ${at.label}, line ${at.line}`;
  // tslab calls a function from an earlier cell through its exports proxy, which V8 names as the receiver.
  return frame.replace(m[0], place).replace(/\bat (async )?Proxy\./, "at $1");
}

const MODULE_POSITION = /([^\s()]+\.js):(\d+):(\d+)/;

function placeModuleFrame(frame: string): string {
  const m = MODULE_POSITION.exec(frame);
  const known = m ? modules.get(m[1] as string) : undefined;
  if (!m || !known) return frame;
  if (typeof known.map === "string") known.map = decode(known.map);
  const at = originalPosition(known.map, Number(m[2]), Number(m[3]) - 1);
  return at ? frame.replace(m[0], `${known.source}:${at.line}:${at.column + 1}`) : frame;
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
        .flatMap((line) => placeFrame(line) ?? [])
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
