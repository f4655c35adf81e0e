/**
 * Flow-file commands (`run`, `resume`, `show`, `deploy`) know the flow's parameters only after
 * loading its file: the file is loaded first (the command line's first parse found it, see
 * `locate.ts`) and each parameter becomes a real `--<name>` option of the command, so `--help` lists
 * them with their defaults and types.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { listParameters, type FlowParameter } from "../flow/parameter.js";
import { loadFlowFile, type LoadedFlow } from "../runtime/load-flow-file.js";
import { FLOW_FILE, type Located } from "./locate.js";

/** The commands whose argument is a flow file. */
export const FILE_COMMANDS: ReadonlySet<string> = new Set(["run", "resume", "show", "deploy"]);

/** Loads the flow file the first parse found, if the command takes one. */
export async function preloadFlow(located: Located): Promise<LoadedFlow | undefined> {
  const { command } = located;
  if (!command || !FILE_COMMANDS.has(command)) return undefined;
  return firstLoaded(
    located.candidates.filter((c) => FLOW_FILE.test(c)),
    (file) => loadFlowFile(file, located.flow),
  );
}

/**
 * The first of `candidates` that `load` loads (a parameter's value that looks like a flow file may
 * come before the file); when none does, the first one's error.
 */
export async function firstLoaded<T>(candidates: readonly string[], load: (candidate: string) => Promise<T>): Promise<T | undefined> {
  let first: unknown;
  for (const candidate of candidates) {
    try {
      return await load(candidate);
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
  return undefined;
}

/**
 * Thrown by a command's action when the second parse gave it another flow file (or deployed flow)
 * than the one the first parse loaded: a parameter's value that looked like a file came first.
 * The CLI loads `target` and parses again.
 */
export class RelocatedTarget extends Error {
  constructor(readonly target: string) {
    super(`the flow to load is ${target}`);
  }
}

/** The flow loaded for `file`; throws `RelocatedTarget` when another file was loaded. */
export function loadedFor(loaded: LoadedFlow | undefined, file: string): LoadedFlow | undefined {
  if (loaded && path.resolve(file) !== loaded.file) throw new RelocatedTarget(file);
  return loaded;
}

/** Adds one option per flow parameter to a command (a boolean one also as `--no-<name>`). */
export function addParameterOptions(cmd: Command, loaded: LoadedFlow | undefined): FlowParameter[] {
  if (!loaded) return [];
  const params = listParameters(loaded.flowClass);
  for (const { spec } of params) {
    const shown = typeof spec.default === "function" ? "(computed)" : spec.default === undefined ? undefined : JSON.stringify(spec.default);
    // The default is shown, not set: the run resolves defaults itself (a default function gets the
    // run's context), and commander shows a default description only with a default value.
    const help = `${spec.help || `parameter ${spec.name}`}${spec.required ? " (required)" : ""}${shown === undefined ? "" : ` (default: ${shown})`}`;
    cmd.addOption(new Option(spec.type === "boolean" ? `--${spec.name} [boolean]` : `--${spec.name} <${spec.type}>`, help));
    if (spec.type === "boolean") cmd.addOption(new Option(`--no-${spec.name}`, `set ${spec.name} to false`));
  }
  bareBooleanFlags(
    cmd,
    params.filter((p) => p.spec.type === "boolean").map((p) => `--${p.spec.name}`),
    loaded,
  );
  return params;
}

// Commander gives an option with an optional value the next argument whatever it is, so
// `--fail flow.ts` would take the file as the value: a boolean parameter's option takes the next
// argument unless it is an option or the command's target (the flow file, or the deployed flow's
// name), and is `true` when bare (`--fail`). A value that is not a boolean word is then refused.
function bareBooleanFlags(cmd: Command, flags: string[], loaded: LoadedFlow): void {
  if (flags.length === 0) return;
  const isTarget = (arg: string) => arg === loaded.flowClass.name || path.resolve(arg) === loaded.file;
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      const next = argv[i + 1];
      if (arg === "--") {
        out.push(...argv.slice(i));
        break;
      }
      if (!flags.includes(arg)) out.push(arg);
      else if (next !== undefined && !next.startsWith("-") && !isTarget(next)) out.push(`${arg}=${argv[++i]}`);
      else out.push(`${arg}=true`);
    }
    return parse(out);
  };
}

/** The parameter values given on the command line, keyed by parameter name (strings, parsed later). */
export function givenParameters(cmd: Command, params: FlowParameter[]): Record<string, string> {
  const opts = cmd.opts() as Record<string, string | boolean | undefined>;
  const given: Record<string, string> = {};
  for (const { spec } of params) {
    const value = opts[camel(spec.name)];
    if (value !== undefined) given[spec.name] = String(value);
  }
  return given;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}
