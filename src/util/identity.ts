/**
 * Who is running: the user name and the identity namespace (`user:<name>` or `production:<token>`),
 * resolved from the environment at call time (never cached: the environment may change after import).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { UnknownUserError } from "./errors.js";

const USER_VARIABLES = ["TSFLOW_USER", "SUDO_USER", "USERNAME", "USER"] as const;

/**
 * Returns the user name: the first of `TSFLOW_USER`, `SUDO_USER`, `USERNAME`, `USER` that is set,
 * non-empty and not `root`.
 * @throws UnknownUserError when none is.
 */
export function resolveUsername(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of USER_VARIABLES) {
    const value = env[name];
    if (value && value !== "root") return value;
  }
  throw new UnknownUserError();
}

const productionScope = new AsyncLocalStorage<string>();

/**
 * Runs `fn` (and everything it awaits) as a production deployment with `token`: inside it, the
 * identity read from the process environment is `production:<token>`. `tsflow trigger` runs the
 * deployed flow's code this way instead of changing the process environment.
 */
export function withProductionToken<T>(token: string, fn: () => T): T {
  return productionScope.run(token, fn);
}

/**
 * Returns the production token: the one `withProductionToken` set for the current call, else
 * `TSFLOW_PRODUCTION_TOKEN`; undefined when neither is set (or it is empty).
 */
export function resolveProductionToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const scoped = env === process.env ? productionScope.getStore() : undefined;
  return scoped || env.TSFLOW_PRODUCTION_TOKEN || undefined;
}

/** Returns the identity namespace: `production:<token>` when a token is set, else `user:<name>`. */
export function resolveIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const token = resolveProductionToken(env);
  return token ? `production:${token}` : `user:${resolveUsername(env)}`;
}
