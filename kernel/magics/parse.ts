/**
 * The magic parser: pure functions, no I/O. A cell may start with `%name args` lines (line magics;
 * blank lines and `//` comments may sit between them) or with one `%%name args` line (a cell magic
 * that owns the rest of the cell). Magic lines are blanked with spaces of the same length, so the
 * remaining code keeps its line numbers and cursor offsets for type errors, completion and inspection.
 */

/** One `%name args` line. */
export interface LineMagicCall {
  name: string;
  /** Everything after the name, trimmed. */
  args: string;
  /** 0-based line number in the cell. */
  line: number;
  /** Offset of the `%` in the cell. */
  offset: number;
}

/** The `%%name args` line that starts a cell, and the cell body after it. */
export interface CellMagicCall {
  name: string;
  args: string;
  /** The text after the first line (the first line's newline excluded). */
  body: string;
  /** Offset of `body` in the cell. */
  bodyOffset: number;
  offset: number;
}

/** A cell split into its magics and its code. */
export interface ParsedCell {
  lineMagics: LineMagicCall[];
  cellMagic?: CellMagicCall;
  /** The cell with every magic line replaced by spaces: the code to compile. */
  code: string;
  /** 0-based lines that look like line magics but come after code (they are not run). */
  misplaced: number[];
}

const MAGIC_LINE = /^(\s*)(%%?)(\S*)(.*)$/;
const MISPLACED = /^%%?[A-Za-z_]/;

/** Splits a cell into magics and code. Never throws. */
export function parseCell(source: string): ParsedCell {
  const lines = splitLines(source);
  const result: ParsedCell = { lineMagics: [], code: source, misplaced: [] };
  let inHeader = true;
  let blanked = "";
  for (const [index, { text, start, eol }] of lines.entries()) {
    const match = inHeader ? MAGIC_LINE.exec(text) : null;
    if (match && match[2] === "%%" && result.lineMagics.length === 0 && isBlankBefore(lines, index)) {
      const bodyOffset = start + text.length + eol.length;
      result.cellMagic = {
        name: match[3] ?? "",
        args: (match[4] ?? "").trim(),
        body: source.slice(bodyOffset),
        bodyOffset,
        offset: start + (match[1]?.length ?? 0),
      };
      result.code = blanked + blank(text) + source.slice(start + text.length);
      return result;
    }
    if (match && match[2] === "%") {
      result.lineMagics.push({ name: match[3] ?? "", args: (match[4] ?? "").trim(), line: index, offset: start + (match[1]?.length ?? 0) });
      blanked += blank(text) + eol;
      continue;
    }
    if (inHeader && !isHeaderFiller(text)) inHeader = false;
    if (!inHeader && MISPLACED.test(text)) result.misplaced.push(index);
    blanked += text + eol;
  }
  result.code = blanked;
  return result;
}

/** The 0-based line holding `offset`, with the line's text and start offset. */
export function lineAt(source: string, offset: number): { line: number; text: string; start: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  const end = source.indexOf("\n", start);
  return { line, text: source.slice(start, end < 0 ? source.length : end).replace(/\r$/, ""), start };
}

interface Line {
  text: string;
  start: number;
  eol: string;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    lines.push({ text: source.slice(start, m.index), start, eol: m[0] });
    start = m.index + m[0].length;
  }
  lines.push({ text: source.slice(start), start, eol: "" });
  return lines;
}

function isHeaderFiller(text: string): boolean {
  const t = text.trim();
  return t === "" || t.startsWith("//");
}

function isBlankBefore(lines: Line[], index: number): boolean {
  return lines.slice(0, index).every((l) => l.text.trim() === "");
}

function blank(text: string): string {
  return " ".repeat(text.length);
}
