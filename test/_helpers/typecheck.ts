/**
 * Type tests: runs the repository's TypeScript (`tsc --noEmit`, the repository's compiler options,
 * `tsflow` resolved as a user's code resolves it) over chosen files and returns its diagnostics.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir, removeTempDir } from "./tmp.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One diagnostic of `tsc`: the file (relative to the repository), 1-based line, code and message. */
export interface Diagnostic {
  file: string;
  line: number;
  code: string;
  message: string;
}

/**
 * Type-checks `files` (paths relative to the repository, or absolute: a user's project elsewhere) as
 * one program; resolves to every diagnostic. `compilerOptions` override the repository's.
 */
export async function typecheckFiles(
  files: readonly string[],
  compilerOptions: Record<string, unknown> = {},
): Promise<{ diagnostics: Diagnostic[]; exitCode: number }> {
  const dir = await makeTempDir("tsflow-types-");
  try {
    const config = {
      extends: join(ROOT, "tsconfig.json"),
      // rootDir "/": files outside the repository are checked too (nothing is emitted).
      compilerOptions: { rootDir: "/", typeRoots: [join(ROOT, "node_modules/@types")], ...compilerOptions },
      include: [],
      files: files.map((f) => resolve(ROOT, f)),
    };
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(config));
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const { out, code } = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--noEmit", "--pretty", "false"]);
    return { diagnostics: parse(out), exitCode: code };
  } finally {
    await removeTempDir(dir);
  }
}

function parse(out: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const m of out.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    found.push({ file: relative(ROOT, join(ROOT, m[1]!)), line: Number(m[2]), code: m[3]!, message: m[4]! });
  }
  return found;
}

function run(cmd: string, args: string[]): Promise<{ out: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ out, code: code ?? 1 }));
  });
}
