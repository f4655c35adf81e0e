/**
 * A real Jupyter client for kernel tests and benchmarks: installs the kernelspec into a temporary
 * prefix (never a global dir) and drives the kernel through Debian's jupyter_client
 * (`jupyter_driver.py`, run with /usr/bin/python3), one JSON command per line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelSpec } from "../../kernel/kernelspec/install.js";
import { makeTempDir, removeTempDir } from "./tmp.js";

const DRIVER = fileURLToPath(new URL("./jupyter_driver.py", import.meta.url));
const PYTHON = "/usr/bin/python3";

/** Options of `openKernelSession`. */
export interface KernelSessionOptions {
  /** The kernel's working directory (the notebook folder). @default a fresh temp dir */
  cwd?: string;
  /** Extra environment for the kernel. @default TSFLOW_USER=kernel-tester, a fresh TSFLOW_DATASTORE_ROOT */
  env?: Record<string, string>;
  /** The kernel argv to install. @default kernelCommand() */
  argv?: string[];
  /** Runs the client and so the kernel on this network-namespace "host" (a test cluster's login node). */
  netns?: string;
}

/** One driver command's answer: `ok` plus command-specific fields. */
export type Answer = { ok: boolean; error?: string; trace?: string } & Record<string, any>;

/** One iopub message, as the driver reports it. */
export interface IopubMessage {
  msg_type: string;
  content: any;
}

/** The answer to `execute`: the execute_reply content and the iopub messages of the request. */
export type ExecuteAnswer = Answer & { ms: number; reply: any; iopub: IopubMessage[] };

/** A started kernel and the client driving it. */
export interface KernelSession {
  /** The temporary folder holding the kernelspec and Jupyter's runtime files. */
  dir: string;
  cwd: string;
  /** What the `start` command answered (startup time `ms`, `kernel_info`). */
  started: Answer;
  /** Sends one driver command; rejects if the driver reports an error. */
  send(command: Record<string, unknown>): Promise<Answer>;
  /** Same, but resolves with failures too. */
  trySend(command: Record<string, unknown>): Promise<Answer>;
  /** Stops the kernel and the driver and removes the temp dir. */
  close(): Promise<void>;
}

/** Installs the kernelspec in a temp prefix and starts a kernel through jupyter_client. */
export async function openKernelSession(options: KernelSessionOptions = {}): Promise<KernelSession> {
  const dir = await makeTempDir("tsflow-kernel-test-");
  const cwd = options.cwd ?? join(dir, "notebooks");
  await mkdir(cwd, { recursive: true });
  await installKernelSpec({ prefix: dir, name: "tsflow-test", ...(options.argv ? { argv: options.argv } : {}) });
  const [file, ...args] = options.netns ? ["ip", "netns", "exec", options.netns, PYTHON, DRIVER] : [PYTHON, DRIVER];
  const child = spawn(file!, args, {
    env: {
      ...process.env,
      TSFLOW_USER: "kernel-tester",
      TSFLOW_DATASTORE_ROOT: join(dir, "datastore"),
      ...options.env,
      JUPYTER_PATH: join(dir, "share", "jupyter"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const ask = driverChannel(child);
  const started = await ask({ op: "start", kernel_name: "tsflow-test", cwd });
  const close = async () => {
    await ask({ op: "shutdown", now: true }).catch(() => undefined);
    child.stdin.end();
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    await removeTempDir(dir);
  };
  if (!started.ok) {
    await close();
    throw new Error(`kernel did not start: ${started.error}\n${started.trace ?? ""}`);
  }
  const send = async (command: Record<string, unknown>) => {
    const answer = await ask(command);
    if (!answer.ok) throw new Error(`${String(command["op"])} failed: ${answer.error}\n${answer.trace ?? ""}`);
    return answer;
  };
  return { dir, cwd, started, send, trySend: ask, close };
}

function driverChannel(child: ChildProcessWithoutNullStreams): (command: Record<string, unknown>) => Promise<Answer> {
  const waiting: ((a: Answer) => void)[] = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.(JSON.parse(line) as Answer));
  child.on("exit", () => {
    for (const w of waiting.splice(0)) w({ ok: false, error: `driver exited: ${stderr.slice(-2000)}` });
  });
  return (command) =>
    new Promise<Answer>((resolve) => {
      if (child.exitCode !== null) return resolve({ ok: false, error: `driver exited: ${stderr.slice(-2000)}` });
      waiting.push(resolve);
      child.stdin.write(`${JSON.stringify(command)}\n`);
    });
}
