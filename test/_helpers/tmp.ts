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

/**
 * Creates a fresh datastore root for a test: a temporary directory, or, when `TSFLOW_TEST_ROOT=s3`,
 * a fresh `s3://` root on the environment's S3 server (the one switch that runs the suite on S3).
 */
export async function makeTempRoot(prefix = "tsflow-test-"): Promise<string> {
  if (process.env.TSFLOW_TEST_ROOT !== "s3") return makeTempDir(prefix);
  const { makeS3Root } = await import("./s3.js");
  return makeS3Root(prefix.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "t");
}

/** Removes a root made by `makeTempRoot`. */
export async function removeTempRoot(root: string): Promise<void> {
  if (!root.startsWith("s3://")) return removeTempDir(root);
  const { removeS3Root } = await import("./s3.js");
  await removeS3Root(root);
}
