/**
 * The errors of an S3 datastore root, one class per thing a user can fix: the server is unreachable,
 * the credentials are wrong, the bucket is missing, access is denied, or the server lacks conditional
 * writes. Every message names the endpoint and the bucket, never the credentials. All are
 * `DatastoreError`s, so code that handles datastore errors handles these too.
 */
import { DatastoreError } from "../util/errors.js";

/** Where an S3 request went: for messages (no credentials). */
export interface S3Target {
  /** The endpoint URL (`http://127.0.0.1:7480`), or `AWS S3 (<region>)` for AWS itself. */
  endpoint: string;
  bucket: string;
}

/** Raised when the S3 server does not answer (refused, reset, timed out) after every retry. */
export class S3UnreachableError extends DatastoreError {
  static override readonly code = "S3_UNREACHABLE";
  static override readonly headline = "S3 server unreachable";
  /** The endpoint that did not answer. */
  readonly endpoint: string;

  constructor(target: S3Target, detail: string, attempts: number) {
    super(
      `The S3 server at ${target.endpoint} did not answer (${detail}) after ${attempts} attempt(s). ` +
        "Check that it is running and that AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL point at it; " +
        "a run that stopped here can be finished later with tsflow resume.",
    );
    this.endpoint = target.endpoint;
  }
}

/** Raised when the server rejects the credentials (unknown access key, wrong secret, expired token). */
export class S3CredentialsError extends DatastoreError {
  static override readonly code = "S3_CREDENTIALS";
  static override readonly headline = "S3 credentials rejected";
  /** The endpoint that rejected them. */
  readonly endpoint: string;

  constructor(target: S3Target, reason: string) {
    super(
      `The S3 server at ${target.endpoint} rejected the credentials for bucket '${target.bucket}' (${reason}). ` +
        "Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the credentials file.",
    );
    this.endpoint = target.endpoint;
  }
}

/** Raised when the bucket of the root does not exist. */
export class S3BucketMissingError extends DatastoreError {
  static override readonly code = "S3_NO_BUCKET";
  static override readonly headline = "S3 bucket missing";
  /** The missing bucket. */
  readonly bucket: string;

  constructor(target: S3Target) {
    super(`The bucket '${target.bucket}' does not exist at ${target.endpoint}. Create it (aws s3 mb s3://${target.bucket}) or fix --datastore-root.`);
    this.bucket = target.bucket;
  }
}

/** Raised when the credentials are valid but not allowed to do something in the bucket. */
export class S3AccessDeniedError extends DatastoreError {
  static override readonly code = "S3_ACCESS_DENIED";
  static override readonly headline = "S3 access denied";

  constructor(target: S3Target, operation: string, key: string) {
    super(
      `Access denied to ${operation} '${key}' in bucket '${target.bucket}' at ${target.endpoint}. Ask for a bucket policy that allows it, or use another --datastore-root.`,
    );
  }
}

/** Raised when the server ignores or rejects conditional writes (`If-None-Match: *`), which tsflow needs. */
export class S3ConditionalWritesError extends DatastoreError {
  static override readonly code = "S3_NO_CONDITIONAL_WRITES";
  static override readonly headline = "S3 server lacks conditional writes";

  constructor(target: S3Target, detail: string) {
    super(
      `The S3 server at ${target.endpoint} does not support conditional writes (If-None-Match: *) on bucket '${target.bucket}' (${detail}). ` +
        "tsflow needs them so that run ids and task outcomes are written once: use AWS S3, Ceph RGW, MinIO or another server that supports them.",
    );
  }
}
