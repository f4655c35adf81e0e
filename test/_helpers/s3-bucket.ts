/**
 * A fresh bucket on the real S3 server of the tests (Ceph RGW on 127.0.0.1:7480; settings from the
 * environment, `source /tmp/ceph-env.sh`), named `s3-sync-<random>`, emptied and removed after.
 */
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Test } from "uvu";
import { Datastore } from "../../src/store/datastore.js";
import { makeTempDir, removeTempDir } from "./tmp.js";
import { S3Storage } from "../../src/store/s3-storage.js";

/** One test bucket. */
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

function client(): S3Client {
  if (!process.env.AWS_ENDPOINT_URL_S3 && !process.env.AWS_ENDPOINT_URL) {
    throw new Error("These tests need the S3 server: `source /tmp/ceph-env.sh` (AWS_ENDPOINT_URL_S3 and credentials) first.");
  }
  return new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? "us-east-1",
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates a fresh bucket. */
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
