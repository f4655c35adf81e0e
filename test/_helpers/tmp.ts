/** Temporary datastore roots for tests: one per test, removed after. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates a fresh temporary directory. */
export async function makeTempDir(prefix = "tsflow-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a directory made by `makeTempDir`. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
