/**
 * Who is running: the user name and the identity namespace (`user:<name>` or `production:<token>`),
 * resolved from the environment at call time (never cached: the environment may change after import).
 */
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

/** Returns the production token from `TSFLOW_PRODUCTION_TOKEN`, or undefined when it is unset or empty. */
export function resolveProductionToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TSFLOW_PRODUCTION_TOKEN || undefined;
}

/** Returns the identity namespace: `production:<token>` when a token is set, else `user:<name>`. */
export function resolveIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const token = resolveProductionToken(env);
  return token ? `production:${token}` : `user:${resolveUsername(env)}`;
}
