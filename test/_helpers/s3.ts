/**
 * S3 for tests, on the real S3 server of the environment (`AWS_ENDPOINT_URL_S3` and the AWS_*
 * credentials; CI starts Ceph RGW with scripts/ceph-up.sh, here: `source /tmp/ceph-env.sh`). Two
 * shapes: a fresh root `s3://<TEST_BUCKET>/<unique prefix>` in the shared test bucket
 * (`makeS3Root`, what `TSFLOW_TEST_ROOT=s3` uses), or a fresh bucket of its own per test
 * (`createTestBucket`, `useBucket`), for suites that count or list a whole bucket. Both are removed after.
 */
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Test } from "uvu";
import { Datastore } from "../../src/store/datastore.js";
import { S3Storage } from "../../src/store/s3-storage.js";
import { makeTempDir, removeTempDir } from "./tmp.js";

/** The bucket test roots live in: `TSFLOW_TEST_BUCKET`, default `tsflow-test`, created when missing. */
export const TEST_BUCKET = process.env.TSFLOW_TEST_BUCKET || "tsflow-test";

const ensured = new Map<string, Promise<void>>();

/** Fails with a clear message when no S3 server is configured. */
export function assertS3Configured(): void {
  if (!process.env.AWS_ENDPOINT_URL_S3 && !process.env.AWS_ENDPOINT_URL) {
    throw new Error(
      "S3 tests need a server: set AWS_ENDPOINT_URL_S3 and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (CI: .ci/run starts Ceph RGW; here: source /tmp/ceph-env.sh).",
    );
  }
}

/** A client of the test server, for what tests do beside tsflow (create, empty and remove buckets). */
function client(): S3Client {
  assertS3Configured();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    region: process.env.AWS_REGION || "us-east-1",
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates a bucket unless it exists (once per process). */
export function ensureBucket(bucket = TEST_BUCKET): Promise<void> {
  let p = ensured.get(bucket);
  if (!p) {
    const s3 = client();
    p = s3
      .send(new CreateBucketCommand({ Bucket: bucket }))
      .then(
        () => undefined,
        (err: { name?: string }) => {
          if (err.name !== "BucketAlreadyOwnedByYou" && err.name !== "BucketAlreadyExists") throw err;
        },
      )
      .finally(() => s3.destroy());
    ensured.set(bucket, p);
  }
  return p;
}

/** A fresh, empty `s3://` root (a unique prefix in the test bucket). */
export async function makeS3Root(label = "t"): Promise<string> {
  await ensureBucket();
  return `s3://${TEST_BUCKET}/${label}-${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** Removes everything under an `s3://` root made by `makeS3Root`. */
export async function removeS3Root(root: string): Promise<void> {
  await new S3Storage(root).deletePrefix("");
}

/** One test bucket of its own. */
export interface TestBucket {
  /** The root URL `s3://<bucket>/root`. */
  url: string;
  /** The bucket's name. */
  bucket: string;
  /** A new `S3Storage` over the root (each call: a separate client, as another machine has). */
  storage(): S3Storage;
  /** A datastore over a new `S3Storage` of the root. */
  datastore(): Datastore;
  /** Deletes every object and the bucket. */
  destroy(): Promise<void>;
}

/** Creates a fresh bucket, named `s3-sync-<random>`. */
export async function createTestBucket(): Promise<TestBucket> {
  const s3 = client();
  const bucket = `s3-sync-${randomBytes(5).toString("hex")}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const url = `s3://${bucket}/root`;
  return {
    url,
    bucket,
    storage: () => new S3Storage(url),
    datastore: () => new Datastore(new S3Storage(url)),
    destroy: async () => {
      for (;;) {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        const objects = (out.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (objects.length === 0) break;
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      }
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      s3.destroy();
    },
  };
}

/** The context of a suite that `useBucket` set up: a fresh bucket and a temporary folder per test. */
export interface BucketContext {
  bucket: TestBucket;
  dir: string;
}

/** Gives each test of the suite a fresh bucket and temporary folder (`ctx.bucket`, `ctx.dir`), removed after. */
export function useBucket(s: Test<BucketContext>): Test<BucketContext> {
  s.before.each(async (ctx) => {
    ctx.bucket = await createTestBucket();
    ctx.dir = await makeTempDir();
  });
  s.after.each(async (ctx) => {
    await ctx.bucket.destroy();
    await removeTempDir(ctx.dir);
  });
  return s;
}
