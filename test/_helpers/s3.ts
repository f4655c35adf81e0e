/**
 * S3 datastore roots for tests, on the real S3 server of the environment (`AWS_ENDPOINT_URL_S3` and
 * the AWS_* credentials; CI starts Ceph RGW with scripts/ceph-up.sh). Each root is a fresh
 * `s3://<bucket>/<unique prefix>`, removed after. The bucket is `TSFLOW_TEST_BUCKET` (default
 * `tsflow-test`), created when missing.
 */
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3Storage } from "../../src/store/s3-storage.js";

/** The bucket test roots live in. */
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

/** Creates a bucket unless it exists. */
export function ensureBucket(bucket = TEST_BUCKET): Promise<void> {
  assertS3Configured();
  let p = ensured.get(bucket);
  if (!p) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const client = new S3Client({ forcePathStyle: true, region: process.env.AWS_REGION || "us-east-1" });
    p = client
      .send(new CreateBucketCommand({ Bucket: bucket }))
      .then(
        () => undefined,
        (err: { name?: string }) => {
          if (err.name !== "BucketAlreadyOwnedByYou" && err.name !== "BucketAlreadyExists") throw err;
        },
      )
      .finally(() => client.destroy());
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
