/**
 * The first of the CLI's two parses. A flow file's parameters are options of `run`, `resume`,
 * `deploy` and `trigger`, known only once the file is loaded; so commander first parses the command
 * line with the same program minus those parameters (unknown options allowed, no action run, nothing
 * printed) only to learn the command, its file or flow name, `--flow`, `--datastore-root` and
 * `--help`. The second parse, with the parameters added, is the one that runs the command.
 */
import { existsSync } from "node:fs";
import { type Command, Option } from "commander";

/** What the first parse found on the command line. */
export interface Located {
  /** The command (`run`, `show`, ...); undefined when the line does not parse. */
  command?: string;
  /** The flow file (file commands), the deployed flow's name (`trigger`) or the script (`exec`). */
  target?: string;
  /**
   * What the target may be, in order, when a flow parameter (an option the first parse does not
   * know) came before it: the parameter's value and the target look alike. `[target]` otherwise.
   */
  candidates: string[];
  /** `--flow <Name>`. */
  flow?: string;
  /** `--executor` of `run` / `resume` (where the tasks run). */
  executor?: string;
  /** The global `--datastore-root`. */
  datastoreRoot?: string;
  /** `--help` or `-h` was given to the command. */
  help: boolean;
}

/** Names that look like a flow file (the only arguments loaded as one). */
export const FLOW_FILE = /\.(c|m)?[tj]sx?$/;

/**
 * Parses `args` with `program` (built without a flow: its actions are replaced, so nothing runs).
 * Never throws: a line that does not parse locates nothing and the second parse reports it.
 */
export function locate(program: Command, args: string[]): Located {
  const found: Located = { help: false, candidates: [] };
  quiet(program, (cmd, unknown) => {
    const opts = cmd.opts() as { flow?: string; help?: boolean; executor?: string };
    found.command = cmd.name();
    found.help = opts.help === true;
    if (opts.flow !== undefined) found.flow = opts.flow;
    if (opts.executor !== undefined) found.executor = opts.executor;
    found.candidates = candidates(cmd.name(), cmd.args, unknown);
    if (found.candidates[0] !== undefined) found.target = found.candidates[0];
  });
  try {
    program.parse(args, { from: "user" });
  } catch {
    // a usage error: the second parse prints it
  }
  const root = (program.opts() as { datastoreRoot?: string }).datastoreRoot;
  if (root !== undefined) found.datastoreRoot = root;
  return found;
}

// Every command records instead of acting, accepts what it does not know (the flow's parameters)
// and prints nothing. `unknown` is what commander could not place: the arguments from the first
// unknown option on (`cmd.args` is the operands, then those).
function quiet(cmd: Command, record: (cmd: Command, unknown: number) => void): void {
  cmd
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .helpOption(false);
  cmd.addOption(new Option("-h, --help"));
  cmd.allowUnknownOption().allowExcessArguments();
  let unknown = 0;
  const parseOptions = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) => {
    const parsed = parseOptions(argv);
    unknown = parsed.unknown.length;
    return parsed;
  };
  if (cmd.parent) cmd.action((...a: unknown[]) => record(a[a.length - 1] as Command, unknown));
  for (const sub of cmd.commands) quiet(sub, record);
}

// An operand is the target for certain. With none, the target is among the arguments after an
// unknown option (a flow parameter before the file), where the parameter's value and the target
// look alike: for a file command, the existing flow files first (else the first that looks like
// one, to say it does not exist). The CLI tries them in order; the second parse checks its choice.
function candidates(command: string, args: readonly string[], unknown: number): string[] {
  const operands = args.slice(0, args.length - unknown);
  const words = (operands.length ? operands.slice(0, 1) : args).filter((a) => !a.startsWith("-"));
  if (command === "trigger" || command === "exec") return words;
  const files = words.filter((a) => FLOW_FILE.test(a));
  const existing = files.filter((f) => existsSync(f));
  return existing.length ? existing : files.slice(0, 1);
}
