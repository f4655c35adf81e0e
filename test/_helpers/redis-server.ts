/** A real Redis (Debian's redis-server) on 127.0.0.1 or inside a test's network namespace, stopped after. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { once } from "node:events";

/** A running Redis. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

/** Starts redis-server (no persistence: a test's queue) and waits until it answers. */
export async function startRedis(o: { host?: string; netns?: string } = {}): Promise<RedisServer> {
  const host = o.host ?? "127.0.0.1";
  const port = await freeTcpPort();
  const args = ["--bind", host, "--port", String(port), "--save", "", "--appendonly", "no", "--protected-mode", "no", "--maxmemory-policy", "noeviction"];
  const child: ChildProcess = o.netns
    ? spawn("ip", ["netns", "exec", o.netns, "redis-server", ...args], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on("data", () => {
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return {
    url: `redis://${host}:${port}/0`,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await once(child, "exit");
    },
  };
}
