/**
 * Where a Redis-backed queue lives: `redis://[user:password@]host[:port][/db][?queue=name]`
 * (`rediss://` for TLS), parsed once, checked for reachability with a deadline (ioredis would retry
 * for ever), and shown without its password.
 */
import { connect } from "node:net";
import { ExecutorError } from "../../util/errors.js";

/** A parsed `redis://` executor address. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The BullMQ queue name. @default "tsflow" */
  queue: string;
  /** The address without credentials, for messages and records. */
  display: string;
}

/** The default queue name. */
export const DEFAULT_QUEUE = "tsflow";

/** Parses a `redis://` address; `queue` overrides the URL's `?queue=`. @throws ExecutorError */
export function parseRedisTarget(address: string, queue?: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ExecutorError(`'${address}' is not a Redis address: write redis://host:6379/0 (optionally redis://user:password@host:6379/0?queue=name).`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new ExecutorError(`'${url.protocol}' is not a Redis address scheme: write redis://host:6379/0.`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new ExecutorError(`'${url.pathname.slice(1)}' in ${address} is not a Redis database number: write redis://host:6379/0.`);
  const name = queue ?? url.searchParams.get("queue") ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new ExecutorError(`'${name}' is not a valid queue name: use letters, digits, '_', '.', '-'.`);
  const port = url.port ? Number(url.port) : 6379;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return {
    host,
    port,
    db,
    tls: url.protocol === "rediss:",
    queue: name,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    display: `${url.protocol}//${url.hostname}:${port}/${db}`,
  };
}

/** BullMQ connection options for a target; workers need `maxRetriesPerRequest: null` (BullMQ's rule). */
export function connectionOptions(t: RedisTarget, forWorker: boolean): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: forWorker ? null : 20,
    enableOfflineQueue: true,
  };
}

/** Fails fast, with what to do, when nothing answers at the target. @throws ExecutorError */
export function checkReachable(t: RedisTarget, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: t.host, port: t.port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new ExecutorError(`Cannot reach Redis at ${t.display} (${why}). Start it (\`redis-server\`) or fix the address given to --executor.`));
    };
    const timer = setTimeout(() => fail(`no answer in ${timeoutMs / 1000} s`), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code ?? err.message);
    });
  });
}
