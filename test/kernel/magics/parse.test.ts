import { suite } from "uvu";
import * as assert from "uvu/assert";
import { lineAt, parseCell } from "../../../kernel/magics/parse.js";

const parse = suite("parseCell");

parse("should return plain code unchanged", () => {
  const code = "const a = 1;\na % 2";
  const p = parseCell(code);
  assert.equal(p.lineMagics, []);
  assert.is(p.cellMagic, undefined);
  assert.is(p.code, code);
  assert.equal(p.misplaced, []);
});

parse("should parse leading line magics and blank them with spaces of the same length", () => {
  const code = "%namespace user:alice\n\n// a comment\n%runs  TeamCollabFlow --limit 5\nconst x: string = 1";
  const p = parseCell(code);
  assert.equal(
    p.lineMagics.map((m) => [m.name, m.args, m.line, m.offset]),
    [
      ["namespace", "user:alice", 0, 0],
      ["runs", "TeamCollabFlow --limit 5", 3, 36],
    ],
  );
  assert.is(p.code.length, code.length);
  assert.is(p.code.split("\n")[4], "const x: string = 1");
  assert.is(p.code.split("\n")[0], " ".repeat("%namespace user:alice".length));
  assert.is(p.code.indexOf("const"), code.indexOf("const"));
});

parse("should keep CRLF line ends and offsets", () => {
  const code = "%lsmagic\r\nlet a = 1\r\n";
  const p = parseCell(code);
  assert.is(p.code.length, code.length);
  assert.is(p.code.indexOf("let"), code.indexOf("let"));
});

parse("should parse a cell magic on the first line and keep its body", () => {
  const code = "%%sql -o runs\nSELECT *\nFROM runs";
  const p = parseCell(code);
  assert.equal(p.lineMagics, []);
  assert.is(p.cellMagic?.name, "sql");
  assert.is(p.cellMagic?.args, "-o runs");
  assert.is(p.cellMagic?.body, "SELECT *\nFROM runs");
  assert.is(code.slice(p.cellMagic?.bodyOffset), "SELECT *\nFROM runs");
  assert.is(p.code, `${" ".repeat(13)}\nSELECT *\nFROM runs`);
});

parse("should accept blank lines before a cell magic", () => {
  const p = parseCell("\n  %%with_namespace user:bob\nx");
  assert.is(p.cellMagic?.name, "with_namespace");
  assert.is(p.cellMagic?.offset, 3);
  assert.is(p.code.length, "\n  %%with_namespace user:bob\nx".length);
});

parse("should flag magics that come after code, and a late cell magic", () => {
  const p = parseCell("const a = 1\n%namespace\n%%sql");
  assert.equal(p.lineMagics, []);
  assert.equal(p.misplaced, [1, 2]);
  const q = parseCell("%lsmagic\n%%sql");
  assert.equal(q.misplaced, [1]);
});

parse("should not mistake a modulo continuation for a magic", () => {
  const p = parseCell("const a = 10\n  % 3");
  assert.equal(p.misplaced, []);
  assert.equal(p.lineMagics, []);
});

parse("should report a bare % as a magic with an empty name", () => {
  const p = parseCell("%\n1");
  assert.is(p.lineMagics[0]?.name, "");
});

parse.run();

const lines = suite("lineAt");
lines("should find the line and its start for an offset", () => {
  assert.equal(lineAt("ab\ncd\nef", 4), { line: 1, text: "cd", start: 3 });
  assert.equal(lineAt("ab", 0), { line: 0, text: "ab", start: 0 });
  assert.equal(lineAt("ab\r\ncd", 2), { line: 0, text: "ab", start: 0 });
});
lines.run();
