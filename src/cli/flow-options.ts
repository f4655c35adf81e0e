/**
 * Flow-file commands (`run`, `resume`, `show`, `deploy`) know the flow's parameters only after
 * loading its file: the file is loaded first and each parameter becomes a real `--<name>` option
 * of the command, so `--help` lists them with their defaults and types.
 */
import { Command, Option } from "commander";
import { listParameters, type FlowParameter } from "../flow/parameter.js";
import { loadFlowFile, type LoadedFlow } from "../runtime/load-flow-file.js";

/** Loads the flow file named on a command line, if the command takes one and the file exists. */
export async function preloadFlow(allArgs: string[], fileCommands: ReadonlySet<string>): Promise<LoadedFlow | undefined> {
  const args = withoutGlobalOptions(allArgs);
  const command = args[0];
  if (!command || !fileCommands.has(command)) return undefined;
  const file = args.slice(1).find((a) => !a.startsWith("-"));
  if (!file || !/\.(c|m)?[tj]sx?$/.test(file)) return undefined;
  const flowIndex = args.indexOf("--flow");
  return loadFlowFile(file, flowIndex > 0 ? args[flowIndex + 1] : undefined);
}

/** The command line without the global `--datastore-root` option, so `args[0]` is the command. */
export function withoutGlobalOptions(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--datastore-root") i++;
    else if (!args[i]!.startsWith("--datastore-root=")) out.push(args[i]!);
  }
  return out;
}

/** The value of the global `--datastore-root` option, if given. */
export function datastoreRootArg(args: string[]): string | undefined {
  const i = args.indexOf("--datastore-root");
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith("--datastore-root="))?.slice("--datastore-root=".length);
}

/** Adds one option per flow parameter to a command. */
export function addParameterOptions(cmd: Command, loaded: LoadedFlow | undefined): FlowParameter[] {
  if (!loaded) return [];
  const params = listParameters(loaded.flowClass);
  for (const { spec } of params) {
    const shown = typeof spec.default === "function" ? "(computed)" : spec.default === undefined ? undefined : JSON.stringify(spec.default);
    const option = new Option(`--${spec.name} <${spec.type}>`, `${spec.help || `parameter ${spec.name}`}${spec.required ? " (required)" : ""}`);
    if (shown !== undefined) option.default(undefined, shown);
    cmd.addOption(option);
  }
  return params;
}

/** The parameter values given on the command line, keyed by parameter name (strings, parsed later). */
export function givenParameters(cmd: Command, params: FlowParameter[]): Record<string, string> {
  const opts = cmd.opts() as Record<string, string | undefined>;
  const given: Record<string, string> = {};
  for (const { spec } of params) {
    const value = opts[camel(spec.name)];
    if (value !== undefined) given[spec.name] = value;
  }
  return given;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}
