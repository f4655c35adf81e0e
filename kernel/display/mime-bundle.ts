/**
 * Turns a value into a Jupyter MIME bundle. A value that has a `Symbol.for("Jupyter.display")` method
 * (the convention of Deno's kernel) supplies its own bundle, possibly asynchronously; registered
 * formatters come next (e.g. tsflow's client objects); `text/plain` always comes from `util.inspect`.
 */
import { inspect } from "node:util";

/** MIME type → data (strings, or JSON values for `application/json`-like types). */
export type MimeBundle = Record<string, unknown>;

/** The symbol a value uses to display itself (Deno-compatible `Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** A formatter returns a bundle for values it knows, or undefined. */
export type Formatter = (value: unknown) => MimeBundle | undefined | Promise<MimeBundle | undefined>;

const formatters: Formatter[] = [];

/** Adds a formatter, tried before plain `util.inspect` (later additions win). */
export function registerFormatter(formatter: Formatter): void {
  formatters.unshift(formatter);
}

/** The MIME bundle for `value`; always has `text/plain`. */
export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  const own = await selfDisplay(value);
  if (own) return withText(own, value);
  for (const formatter of formatters) {
    const bundle = await formatter(value);
    if (bundle) return withText(bundle, value);
  }
  return { "text/plain": plainText(value) };
}

/** `util.inspect` without colors, as the REPL prints it. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, breakLength: 100 });
}

async function selfDisplay(value: unknown): Promise<MimeBundle | undefined> {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  const method = (value as { [JUPYTER_DISPLAY]?: unknown })[JUPYTER_DISPLAY];
  if (typeof method !== "function") return undefined;
  const bundle: unknown = await method.call(value);
  return typeof bundle === "object" && bundle !== null ? (bundle as MimeBundle) : undefined;
}

function withText(bundle: MimeBundle, value: unknown): MimeBundle {
  return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainText(value) };
}
