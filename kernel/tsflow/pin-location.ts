/**
 * Where a notebook's pins live: `<notebook>.tsflow-pins.json` beside the notebook when the kernel
 * can learn the notebook's name, else `tsflow-pins.json` in the kernel's working directory (which
 * Jupyter sets to the notebook's folder). How the name is learnt, first match wins:
 * 1. `TSFLOW_PIN_FILE`: an explicit pin file (relative to the working directory).
 * 2. `JPY_SESSION_NAME`: the notebook's path, which jupyter_server 2 (JupyterLab 4, Notebook 7) sets
 *    for the kernels it starts. Relative paths are relative to the server's root, not to the kernel,
 *    so only the file name is used, beside the kernel's working directory.
 * The Jupyter wire protocol itself never names the notebook, and Notebook 6 (classic) and nbclient set
 * neither variable: there the working-directory file is used.
 */
import { basename, isAbsolute, join, resolve } from "node:path";

/** The pin file of the kernel's notebook, and how it was chosen. */
export interface PinLocation {
  file: string;
  /** `explicit`, `notebook` or `unknown notebook`. */
  source: "explicit" | "notebook" | "unknown notebook";
}

/** Decides the pin file from the kernel's environment and working directory. */
export function pinLocation(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): PinLocation {
  const explicit = env["TSFLOW_PIN_FILE"];
  if (explicit) return { file: resolve(cwd, explicit), source: "explicit" };
  const session = env["JPY_SESSION_NAME"];
  if (session?.endsWith(".ipynb")) {
    const notebook = isAbsolute(session) ? session : join(cwd, basename(session));
    return { file: `${notebook}.tsflow-pins.json`, source: "notebook" };
  }
  return { file: join(cwd, "tsflow-pins.json"), source: "unknown notebook" };
}
