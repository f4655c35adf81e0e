/** Runs a TypeScript fixture in a child Node process and returns its last stdout line as JSON. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const fixtures = fileURLToPath(new URL("../_fixtures/", import.meta.url));

/** Spawns `node --import tsx test/_fixtures/<name>.ts ...args` and parses the last line it prints. */
export function runFixture<T>(name: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", `${fixtures}${name}.ts`, ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${name} failed: ${err.message}\n${stderr}`));
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${name} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}
