/**
 * Splits a magic's argument string into words the way a shell does: whitespace separates, single
 * quotes are literal, double quotes and backslashes escape. Pure.
 */
import { UsageError } from "./usage-error.js";

/** Splits `args` into words; throws `UsageError` on an unterminated quote. */
export function tokenize(args: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < args.length) word += args[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < args.length) {
      word += args[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`unterminated ${quote === "'" ? "single" : "double"} quote in: ${args}`);
  if (inWord) words.push(word);
  return words;
}
