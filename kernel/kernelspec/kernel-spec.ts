/**
 * The kernelspec (`kernel.json`) of the tsflow kernel: an absolute node path and the absolute path of
 * the kernel entry, so it works with any Jupyter and whatever `python3` or `node` is first on PATH.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DISPLAY_NAME } from "../server/kernel-info.js";

/** The content of `kernel.json`. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  env?: Record<string, string>;
  metadata: { tsflow: { version: string } };
}

/** Kernelspec names Jupyter accepts. */
export const KERNEL_NAME = /^[a-z0-9._-]+$/i;

/**
 * The command that starts this kernel: `[node, <abs>/main.js, "{connection_file}"]` from a build;
 * from the TypeScript sources (tests) the tsx loader and the `tsflow-source` condition are added.
 */
export function kernelCommand(): string[] {
  // Found from the package root, not from this file: the CLI bundle may have moved this code.
  const fromSource = import.meta.url.endsWith(".ts");
  const root = dirname(createRequire(import.meta.url).resolve("tsflow/package.json"));
  const entry = join(root, fromSource ? "kernel/main.ts" : "dist/kernel/main.js");
  const loader = fromSource ? ["--conditions=tsflow-source", "--import", import.meta.resolve("tsx/esm")] : [];
  return [process.execPath, ...loader, entry, "{connection_file}"];
}

/** Builds the kernelspec for this install. */
export function buildKernelSpec(version: string, argv: string[] = kernelCommand()): KernelSpec {
  return { argv, display_name: DISPLAY_NAME, language: "typescript", interrupt_mode: "signal", metadata: { tsflow: { version } } };
}

/** True when `value` is a kernelspec written by tsflow. */
export function isTsflowSpec(value: unknown): value is KernelSpec {
  const meta = (value as { metadata?: { tsflow?: unknown } } | null)?.metadata;
  return typeof meta?.tsflow === "object" && meta.tsflow !== null;
}
