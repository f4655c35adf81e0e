/**
 * Parses a magic's words against its declared options: `--name value`, `--name=value`, `-x value`,
 * `--flag`, positionals, and `--` to end options. Pure; wrong input raises `UsageError`.
 */
import { UsageError } from "./usage-error.js";

/** How one option is given. */
export interface OptionSpec {
  /** `flag` takes no value; `string`/`integer` take one. */
  type: "flag" | "string" | "integer";
  /** A one-letter alias, e.g. `o` for `-o`. */
  short?: string;
  /** When true the option may repeat and its value is a list. */
  repeat?: boolean;
}

/** The arguments a magic accepts. */
export interface ArgsSpec {
  options?: Record<string, OptionSpec>;
  /** How many positionals are allowed. @default { min: 0, max: 0 } */
  positionals?: { min: number; max: number };
  /** When true, unknown `--name value` pairs are collected in `extra` (e.g. flow parameters). */
  allowExtra?: boolean;
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | string[] | number[]>;
  /** Unknown `--name value` pairs, when the spec allows them. */
  extra: Record<string, string>;
}

/** Parses `words` against `spec`; `usage` is attached to every `UsageError`. */
export function parseArgs(words: readonly string[], spec: ArgsSpec, usage?: string): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: {}, extra: {} };
  const fail = (msg: string): never => {
    throw new UsageError(msg, usage);
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "--") {
      out.positionals.push(...words.slice(i + 1));
      break;
    }
    const opt = optionOf(word, spec, fail);
    if (!opt) {
      out.positionals.push(word);
      continue;
    }
    const { name, def, inline } = opt;
    if (!def) {
      if (!spec.allowExtra) fail(`unknown option ${word.split("=")[0]}`);
      const value = inline ?? words[++i];
      if (value === undefined) fail(`option --${name} needs a value`);
      out.extra[name] = value as string;
      continue;
    }
    if (def.type === "flag") {
      if (inline !== undefined) fail(`option --${name} takes no value`);
      out.options[name] = true;
      continue;
    }
    const raw = inline ?? words[++i];
    if (raw === undefined) fail(`option --${name} needs a value`);
    const value = def.type === "integer" ? toInteger(name, raw as string, fail) : (raw as string);
    if (def.repeat) out.options[name] = [...((out.options[name] as unknown[] | undefined) ?? []), value] as string[] | number[];
    else if (name in out.options) fail(`option --${name} given twice`);
    else out.options[name] = value;
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  if (out.positionals.length < min) fail(min === 1 ? "missing argument" : `expected at least ${min} arguments`);
  if (out.positionals.length > max) fail(max === 0 ? `unexpected argument '${out.positionals[0]}'` : `too many arguments (at most ${max})`);
  return out;
}

function optionOf(
  word: string,
  spec: ArgsSpec,
  fail: (msg: string) => never,
): { name: string; def: OptionSpec | undefined; inline: string | undefined } | undefined {
  const long = /^--([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(word);
  if (long) return { name: long[1] as string, def: spec.options?.[long[1] as string], inline: long[2] };
  const short = /^-([A-Za-z])$/.exec(word);
  if (!short) return undefined;
  const entry = Object.entries(spec.options ?? {}).find(([, d]) => d.short === short[1]);
  if (!entry) return fail(`unknown option ${word}`);
  return { name: entry[0], def: entry[1], inline: undefined };
}

function toInteger(name: string, raw: string, fail: (msg: string) => never): number {
  if (!/^-?\d+$/.test(raw)) fail(`option --${name} needs an integer, got '${raw}'`);
  return Number(raw);
}
