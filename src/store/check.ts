/**
 * `checkDatastore` tells whether a datastore root works for tsflow: it lists the root, creates a
 * probe value create-only, checks that a second create-only write is refused (the server honours
 * `If-None-Match: *`), reads the value back and deletes it. Each step reports what went wrong in
 * words a user can act on (the S3 errors name the endpoint, the bucket, the credentials' problem).
 */
import { CachedStorage } from "./cached-storage.js";
import { randomBytes } from "node:crypto";
import type { Datastore } from "./datastore.js";
import { formatUserError, isTsflowError } from "../util/errors.js";
import { S3ConditionalWritesError } from "./s3-errors.js";
import { S3Storage } from "./s3-storage.js";

/** One step of a check. */
export interface CheckStep {
  /** What was tried: `list`, `conditional put`, `read back`, `delete`. */
  name: string;
  ok: boolean;
  ms: number;
  /** What is wrong (`headline: message`), when the step failed. */
  problem?: string;
  /** The stable code of the error, when the step failed with a tsflow error. */
  code?: string;
}

/** The outcome of `checkDatastore`. */
export interface CheckReport {
  location: string;
  /** The S3 endpoint, for an S3 root. */
  endpoint?: string;
  ok: boolean;
  steps: CheckStep[];
}

/**
 * Checks a datastore root: list, conditional put, read back, delete. Stops at the first failure.
 * @param ds - the datastore to check.
 * @returns every step tried, and whether all passed.
 */
export async function checkDatastore(ds: Datastore): Promise<CheckReport> {
  const storage = ds.storage;
  const key = `.tsflow-check/${process.pid}-${randomBytes(6).toString("hex")}`;
  const body = `tsflow datastore check ${new Date().toISOString()}`;
  const steps: CheckStep[] = [];
  const run = async (name: string, work: () => Promise<void>) => {
    if (steps.some((s) => !s.ok)) return;
    const t0 = Date.now();
    try {
      await work();
      steps.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (err) {
      steps.push({ name, ok: false, ms: Date.now() - t0, problem: formatUserError(err), ...(isTsflowError(err) ? { code: err.code } : {}) });
    }
  };
  // An s3:// root from openDatastore sits behind the artifact cache: check the bucket underneath.
  const backend = storage instanceof CachedStorage ? storage.inner : storage;
  const s3 = backend instanceof S3Storage ? backend : undefined;
  await run("list", async () => {
    if (s3) await s3.checkBucket();
    await storage.list("");
  });
  await run("conditional put", async () => {
    if (!(await storage.write(key, body, { ifAbsent: true }))) throw new Error(`the probe key ${key} exists already`);
    if (await storage.write(key, "second", { ifAbsent: true })) {
      throw s3
        ? new S3ConditionalWritesError(
            { endpoint: s3.endpoint, bucket: s3.bucket },
            "a second If-None-Match: * PUT replaced the value instead of failing with 412",
          )
        : new Error("a second create-only write replaced the value");
    }
  });
  await run("read back", async () => {
    const text = await storage.readText(key);
    if (text !== body) throw new Error(`read back ${text === undefined ? "nothing" : `${text.length} different bytes`} instead of what was written`);
  });
  await run("delete", async () => {
    await storage.delete(key);
    if (await storage.exists(key)) throw new Error("the probe value is still there after delete");
  });
  if (steps.some((s) => s.name !== "delete" && s.name !== "list" && !s.ok)) await storage.delete(key).catch(() => undefined);
  return { location: storage.location, ...(s3 ? { endpoint: s3.endpoint } : {}), ok: steps.length === 4 && steps.every((s) => s.ok), steps };
}
