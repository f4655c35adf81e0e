/** Real `tsflow worker` processes for scale-out tests: started, watched and killed like machines. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { BIN } from "./cli.js";

/** A running worker and what it printed. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Kills the worker and every process it started (its task processes), as a machine dies. */
  kill9(): Promise<void>;
  /** Stops it gracefully (SIGTERM). */
  stop(): Promise<void>;
}

/** Starts `tsflow worker --executor <url>` (in a network namespace and with its own hostname when given). */
export async function startWorker(
  url: string,
  o: { env?: NodeJS.ProcessEnv; netns?: string; hostname?: string; concurrency?: number } = {},
): Promise<WorkerProcess> {
  const args = [BIN, "worker", "--executor", url, "--concurrency", String(o.concurrency ?? 2)];
  const env = { ...process.env, TSFLOW_PRODUCTION_TOKEN: "", ...o.env };
  // A new session: the worker and its task processes form one process group, killed together.
  const child = o.netns
    ? spawn(
        "ip",
        ["netns", "exec", o.netns, "unshare", "--uts", "sh", "-c", `hostname ${o.hostname ?? o.netns} && exec "$0" "$@"`, process.execPath, ...args],
        { env, detached: true },
      )
    : spawn(process.execPath, args, { env, detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 30_000);
    const check = () => {
      if (/taking tasks from queue/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
  const gone = once(child, "exit");
  return {
    child,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      await gone;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await gone;
    },
  };
}
