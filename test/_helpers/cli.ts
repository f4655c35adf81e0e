/** Runs the real `tsflow` command (bin/tsflow.js over dist/) as a subprocess. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = `${REPO}bin/tsflow.js`;

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsflow <args>` with the given datastore root and user; never throws for a non-zero exit.
 * `bin` runs another installation's command (a packed install) instead of this checkout's; `netns` runs
 * it on a test's network-namespace "host"; `onStdout` sees its stdout as it comes.
 */
export function tsflow(
  args: string[],
  options: { root: string; user?: string; env?: NodeJS.ProcessEnv; cwd?: string; bin?: string; netns?: string; onStdout?: (soFar: string) => void },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, options.bin ?? BIN, ...args];
    const [file, ...rest] = options.netns ? ["ip", "netns", "exec", options.netns, ...command] : command;
    const child = spawn(file!, rest, {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, TSFLOW_USER: options.user ?? "alice", TSFLOW_DATASTORE_ROOT: options.root, TSFLOW_PRODUCTION_TOKEN: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      options.onStdout?.(stdout);
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The path of a fixture flow file. */
export function fixture(name: string): string {
  return `${REPO}test/_fixtures/flows/${name}`;
}

/** The path of an example flow file (examples/). */
export function example(name: string): string {
  return `${REPO}examples/${name}`;
}
