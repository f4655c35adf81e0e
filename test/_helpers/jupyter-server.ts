/**
 * A real Jupyter Notebook server for browser tests: Debian's `jupyter-notebook` run with
 * /usr/bin/python3 on 127.0.0.1, a random token and a free port (`port_retries=0`, so it never
 * silently moves to another port), with every Jupyter dir and the tsflow kernelspec in a temp folder.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { access, constants, mkdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const PYTHON = "/usr/bin/python3";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "bin", "tsflow.js");
const run = promisify(execFile);

/** Options of `startNotebookServer`. */
export interface NotebookServerOptions {
  /** A temp folder owned by the test: the kernelspec, Jupyter's dirs and the server log go here. */
  dir: string;
  /** The folder the server serves (notebooks are opened relative to it). */
  notebookDir: string;
  /** Extra environment for the server and so for every kernel it starts (TSFLOW_USER, ...). */
  env?: Record<string, string>;
  /** The kernelspec name to install (the notebooks' `metadata.kernelspec.name`). @default "tsflow" */
  kernelName?: string;
  /** A prefix that already holds the kernelspec (`installKernel`), shared by several servers. @default install it into `dir` */
  kernelPrefix?: string;
}

/** A running server. */
export interface NotebookServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  token: string;
  pid: number;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /** The REST API with the token: `api("GET", "sessions")`. */
  api(method: string, path: string): Promise<unknown>;
  /** Ends every kernel session whose notebook is `path`, so the next open starts a fresh kernel. */
  deleteSessions(path: string): Promise<number>;
  /** Stops the server and waits until its process has exited. */
  stop(): Promise<void>;
}

let jupyterChecked: Promise<void> | undefined;

/** Fails with a message that says what to install when Jupyter Notebook or its kernel client is missing. */
export function checkJupyterInstalled(): Promise<void> {
  jupyterChecked ??= run(PYTHON, ["-c", "import notebook, jupyter_client"], { timeout: 30_000 }).then(
    () => undefined,
    () => {
      throw new Error(`Jupyter Notebook is not installed for ${PYTHON}: apt-get install jupyter-notebook python3-jupyter-client (bash .ci/run does this)`);
    },
  );
  return jupyterChecked;
}

/** Installs the kernelspec with the built CLI, as a user would (`tsflow kernel install --prefix`). */
export async function installKernel(prefix: string, name: string): Promise<void> {
  try {
    await access(join(ROOT, "dist", "bundle", "cli.js"), constants.R_OK);
  } catch {
    throw new Error("dist/ is missing: run `npm run build` before the browser tests (npm test does)");
  }
  await run(process.execPath, [CLI, "kernel", "install", "--prefix", prefix, "--name", name], { timeout: 60_000 });
  const specFile = join(prefix, "share", "jupyter", "kernels", name, "kernel.json");
  const spec = JSON.parse(await readFile(specFile, "utf8")) as { argv: string[] };
  for (const arg of spec.argv.filter((a) => isAbsolute(a))) {
    await access(arg).catch(() => {
      throw new Error(
        `tsflow kernel install wrote ${specFile} with argv ${JSON.stringify(spec.argv)}, but ${arg} does not exist: Jupyter could not start the kernel`,
      );
    });
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Installs the kernelspec in `dir` and starts Jupyter Notebook; resolves once `/api/status` answers. */
export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  await checkJupyterInstalled();
  const { dir } = options;
  const kernelPrefix = options.kernelPrefix ?? dir;
  if (options.kernelPrefix === undefined) await installKernel(dir, options.kernelName ?? "tsflow");
  for (const sub of ["config", "data", "runtime"]) await mkdir(join(dir, sub), { recursive: true });
  // A free port can be taken before Jupyter binds it (other tests start kernels on random ports): try another.
  for (let attempt = 1; ; attempt++) {
    const launched = await launchServer(options, kernelPrefix, await freePort());
    if (launched.server) return launched.server;
    if (!PORT_TAKEN.test(launched.log) || attempt === 5) throw launched.error;
  }
}

const PORT_TAKEN = /port \d+ is (already in use|not available)/;

async function launchServer(
  options: NotebookServerOptions,
  kernelPrefix: string,
  port: number,
): Promise<{ server?: NotebookServer; error?: unknown; log: string }> {
  const { dir } = options;
  const token = randomBytes(16).toString("hex");
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PYTHON, serverArgs(port, token, options.notebookDir), {
    cwd: options.notebookDir,
    env: {
      ...process.env,
      ...options.env,
      JUPYTER_PATH: join(kernelPrefix, "share", "jupyter"),
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const server = serverHandle(child, url, token, () => output);
  try {
    await waitReady(child, url, token, () => output);
    return { server, log: output };
  } catch (error) {
    await server.stop();
    return { error, log: output };
  }
}

function serverArgs(port: number, token: string, notebookDir: string): string[] {
  return [
    "-m",
    "notebook",
    "--no-browser",
    "--allow-root",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--NotebookApp.port_retries=0",
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${notebookDir}`,
  ];
}

async function waitReady(child: ChildProcess, url: string, token: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // A dying server from an earlier run could answer on a reused port: the new one must be alive.
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Jupyter Notebook exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    const ok = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Jupyter Notebook did not answer on ${url} within 30 s:\n${log()}`);
}

function serverHandle(child: ChildProcess, url: string, token: string, log: () => string): NotebookServer {
  const headers = { Authorization: `token ${token}` };
  const api = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${url}/api/${path}`, { method, headers });
    if (!res.ok) throw new Error(`${method} /api/${path}: HTTP ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };
  return {
    url,
    token,
    pid: child.pid ?? -1,
    log,
    api,
    async deleteSessions(path) {
      const sessions = (await api("GET", "sessions")) as { id: string; path: string }[];
      const mine = sessions.filter((s) => s.path === path);
      for (const s of mine) await api("DELETE", `sessions/${s.id}`);
      return mine.length;
    },
    stop: () => stopProcess(child),
  };
}

// SIGTERM lets the server shut its kernels down first (1-2 s); SIGKILL only if it hangs.
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
