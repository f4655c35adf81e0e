/**
 * `S3Storage` is the `Storage` backend for a datastore root in an S3-compatible bucket
 * (`s3://bucket/prefix`): AWS S3, Ceph RGW, MinIO. This is the only file that imports the AWS SDK,
 * and it loads it on first use, so a local root never pays for it.
 *
 * Connection settings follow the SDK's own conventions: the default credential chain (environment,
 * `AWS_PROFILE` and the shared files, SSO, web identity, instance metadata), the region from
 * `AWS_REGION` or the profile (`us-east-1` when none and a custom endpoint is set), the endpoint from
 * `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, with path-style addressing whenever an endpoint is set.
 *
 * Atomicity: a PUT is atomic on S3, so `write` is one PutObject; `ifAbsent` is `If-None-Match: *`
 * (always a single PutObject: RGW ignores the condition on CompleteMultipartUpload). Streams are
 * multipart uploads (5 MiB parts, 16 in flight) to a temporary key, copied server-side to their key
 * on commit (RGW copies by reference, in milliseconds) and then deleted.
 */
import { randomBytes } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ListOptions, RandomAccessFile, StagedWrite, Storage, WriteOptions } from "./storage.js";
import { tempName } from "./temp-name.js";
import { DatastoreError } from "../util/errors.js";
import { S3AccessDeniedError, S3BucketMissingError, S3ConditionalWritesError, S3CredentialsError, S3UnreachableError, type S3Target } from "./s3-errors.js";

/**
 * Multipart part size: S3's minimum, 5 MiB. With 16 in flight the parts hold 80 MiB (see
 * `partFeeder`), whatever the size of the value: less than the 120 MB of a 10M-row table.
 */
export const PART_SIZE = 5 << 20;
/** Parts (and ranged GETs) in flight per stream. */
export const PARTS_IN_FLIGHT = 16;
/** Attempts per request (the first plus retries) unless `AWS_MAX_ATTEMPTS` says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** The bucket and key prefix of an `s3://` root. */
export interface S3Url {
  bucket: string;
  /** The key prefix without leading or trailing `/`; `''` for the bucket's top. */
  prefix: string;
}

/** Tells whether a datastore root is an S3 URL. */
export function isS3Url(root: string): boolean {
  return /^s3:\/\//i.test(root);
}

/**
 * Parses `s3://bucket/prefix` (the prefix is optional; slashes around it are dropped).
 * @throws DatastoreError when the bucket name is missing or not a valid bucket name.
 */
export function parseS3Url(url: string): S3Url {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(url);
  const bucket = m?.[1] ?? "";
  if (!/^[a-z0-9][a-z0-9.\-_]{1,62}$/.test(bucket)) {
    throw new DatastoreError(
      `'${url}' is not an S3 datastore root: write it as s3://<bucket>/<prefix>, with a bucket name of 3-63 lowercase letters, digits, '.', '-'.`,
    );
  }
  const prefix = (m?.[2] ?? "").replace(/^\/+|\/+$/g, "").replace(/\/{2,}/g, "/");
  return { bucket, prefix };
}

/** The canonical form of an S3 root: `s3://bucket/prefix` (no trailing slash). */
export function formatS3Url(u: S3Url): string {
  return u.prefix ? `s3://${u.bucket}/${u.prefix}` : `s3://${u.bucket}`;
}

/** Options of an `S3Storage`. */
export interface S3StorageOptions {
  /**
   * The endpoint URL; by default `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, else AWS.
   * @default from the environment
   */
  endpoint?: string;
  /**
   * Attempts per request, the first included.
   * @default `AWS_MAX_ATTEMPTS`, else 8
   */
  maxAttempts?: number;
}

/** The SDK's error shape, as far as this file reads it. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
}

/** A `Storage` in an S3 bucket under a key prefix. */
export class S3Storage implements Storage {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly target: S3Target;
  private readonly options: S3StorageOptions;
  private client: Promise<{ client: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> | undefined;

  constructor(url: string, options: S3StorageOptions = {}) {
    const parsed = parseS3Url(url);
    this.bucket = parsed.bucket;
    this.prefix = parsed.prefix;
    this.location = formatS3Url(parsed);
    this.options = options;
    this.target = { endpoint: displayEndpoint(configuredEndpoint(options)), bucket: this.bucket };
  }

  /**
   * Starts loading the SDK and resolving the client now, so it overlaps other start-up work (a CLI
   * process, a worker being prewarmed); the first request then does not wait for it.
   */
  warm(): void {
    this.sdk().catch(() => undefined);
  }

  /** The endpoint requests go to, for messages (never with credentials). */
  get endpoint(): string {
    return this.target.endpoint;
  }

  private key(key: string): string {
    return this.prefix ? (key ? `${this.prefix}/${key}` : this.prefix) : key;
  }

  private sdk(): Promise<{ client: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> {
    this.client ??= createClient(this.options);
    return this.client;
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : body.transformToByteArray();
  }

  async readText(key: string): Promise<string | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : body.transformToString("utf8");
  }

  private async get(key: string, range?: string): Promise<Body | undefined> {
    const { client, sdk } = await this.sdk();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(key), Range: range }));
      return out.Body as Body;
    } catch (err) {
      if (isNotFound(err)) return this.missingOrBucket(err, undefined);
      throw this.wrap(err, "read", key);
    }
  }

  async write(key: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<boolean> {
    const { client, sdk } = await this.sdk();
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    // If-Match goes without the quotes S3 puts around ETags: RGW 16 answers 412 to a quoted one.
    const condition = options.ifAbsent ? { IfNoneMatch: "*" } : options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {};
    const input = { Bucket: this.bucket, Key: this.key(key), Body: body, ...condition };
    for (let conflict = 0; ; conflict++) {
      try {
        await client.send(new sdk.PutObjectCommand(input));
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (options.ifAbsent && status === 412) return this.createdByUs(key, body, err);
        if (options.ifMatch !== undefined && (status === 412 || status === 404)) return this.createdByUs(key, body, err);
        // 409: another conditional write to this key is in flight (AWS); ask again once it settled.
        if (options.ifAbsent && status === 409 && conflict < 5) {
          await sleep(20 * (conflict + 1));
          continue;
        }
        if (options.ifAbsent && status === 501) throw new S3ConditionalWritesError(this.target, "501 Not Implemented");
        throw this.wrap(err, "write", key);
      }
    }
  }

  // A 412 after a retried PUT may be our own first attempt that succeeded while its response was
  // lost: the key then holds exactly our bytes, and the write counts as ours.
  private async createdByUs(key: string, body: Uint8Array, err: unknown): Promise<boolean> {
    if (((err as SdkError).$metadata?.attempts ?? 1) <= 1) return false;
    const stored = await this.read(key);
    return stored !== undefined && Buffer.compare(Buffer.from(stored), Buffer.from(body)) === 0;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<string[]> {
    const { client, sdk } = await this.sdk();
    const base = this.key(prefix);
    const dir = base ? `${base}/` : "";
    const names = new Set<string>();
    const startAfter = options.startAfter === undefined ? undefined : `${dir}${options.startAfter}`;
    let token: string | undefined;
    try {
      do {
        const out = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: dir, Delimiter: "/", ContinuationToken: token, StartAfter: startAfter }),
        );
        for (const p of out.CommonPrefixes ?? []) if (p.Prefix) names.add(p.Prefix.slice(dir.length, -1));
        for (const o of out.Contents ?? []) if (o.Key && o.Key.length > dir.length) names.add(o.Key.slice(dir.length));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.wrap(err, "list", prefix);
    }
    return options.startAfter === undefined ? [...names] : [...names].sort();
  }

  /**
   * Lists every key under a prefix, recursively (relative to the root), with sizes.
   * @param prefix - a key prefix; `''` lists the whole root.
   */
  async listRecursive(prefix: string): Promise<{ key: string; size: number; modifiedAt: number }[]> {
    const { client, sdk } = await this.sdk();
    const base = this.key(prefix);
    const root = this.prefix ? `${this.prefix}/` : "";
    const out: { key: string; size: number; modifiedAt: number }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: base && !base.endsWith("/") ? `${base}/` : base, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key.slice(root.length), size: o.Size ?? 0, modifiedAt: o.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.wrap(err, "list", prefix);
    }
    return out;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    return (await this.head(key))?.size;
  }

  async modifiedAt(key: string): Promise<number | undefined> {
    return (await this.head(key))?.modifiedAt;
  }

  /** The object's ETag without its quotes (the form `ifMatch` takes). */
  async version(key: string): Promise<string | undefined> {
    return (await this.head(key))?.etag;
  }

  private async head(key: string): Promise<{ size: number; modifiedAt: number; etag: string } | undefined> {
    const { client, sdk } = await this.sdk();
    try {
      const out = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return { size: out.ContentLength ?? 0, modifiedAt: out.LastModified?.getTime() ?? 0, etag: (out.ETag ?? "").replace(/"/g, "") };
    } catch (err) {
      if (isNotFound(err)) return this.missingOrBucket(err, undefined);
      throw this.wrap(err, "read", key);
    }
  }

  /** Deletes one key (S3 has no folders: a prefix is not deleted recursively, see `deletePrefix`). */
  async delete(key: string): Promise<void> {
    const { client, sdk } = await this.sdk();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.wrap(err, "delete", key);
    }
  }

  /** Deletes every key under a prefix (1,000 per request). */
  async deletePrefix(prefix: string): Promise<number> {
    const { client, sdk } = await this.sdk();
    const all = await this.listRecursive(prefix);
    for (let i = 0; i < all.length; i += 1000) {
      const batch = all.slice(i, i + 1000).map((o) => ({ Key: this.key(o.key) }));
      await client.send(new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })).catch((err) => {
        throw this.wrap(err, "delete", prefix);
      });
    }
    return all.length;
  }

  /**
   * Aborts the unfinished multipart uploads under the root started longer ago than `olderThanMs`
   * (a writer killed mid-upload leaves one: invisible, but it holds space on the server).
   * @returns the keys whose uploads were (or, in a dry run, would be) aborted.
   */
  async abortStaleUploads(olderThanMs: number, options: { dryRun?: boolean; now?: number } = {}): Promise<string[]> {
    const { client, sdk } = await this.sdk();
    const now = options.now ?? Date.now();
    const root = this.prefix ? `${this.prefix}/` : "";
    const aborted: string[] = [];
    try {
      let keyMarker: string | undefined;
      let idMarker: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: root, KeyMarker: keyMarker, UploadIdMarker: idMarker }),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || now - (u.Initiated?.getTime() ?? now) < olderThanMs) continue;
          if (!options.dryRun) await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted.push(u.Key.slice(root.length));
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (err) {
      throw this.wrap(err, "clean up uploads under", "");
    }
    return aborted.sort();
  }

  async openReadStream(key: string): Promise<Readable> {
    const body = await this.get(key);
    if (body === undefined) throw enoent(key);
    return body;
  }

  async openRandomAccess(key: string): Promise<RandomAccessFile> {
    const found = await this.head(key);
    if (found === undefined) throw enoent(key);
    return {
      fd: -1,
      stat: async () => ({ size: found.size }),
      read: async (buffer, offset, length, position) => {
        const end = Math.min(found.size, position + length);
        if (end <= position) return { bytesRead: 0, buffer };
        const body = await this.get(key, `bytes=${position}-${end - 1}`);
        if (body === undefined) throw enoent(key);
        const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, end - position);
        const bytesRead = await readInto(body, view);
        return { bytesRead, buffer };
      },
      close: async () => {},
    };
  }

  async openWriteStream(key: string): Promise<StagedWrite> {
    const { client } = await this.sdk();
    const { Upload } = await import("@aws-sdk/lib-storage");
    const staging = tempName(key);
    const stream = partFeeder();
    const upload = new Upload({
      client,
      queueSize: PARTS_IN_FLIGHT,
      partSize: PART_SIZE,
      leavePartsOnError: false,
      params: { Bucket: this.bucket, Key: this.key(staging), Body: stream },
    });
    const uploaded = upload.done();
    uploaded.catch(() => undefined); // observed in commit(); a failure must not crash the process first
    let settled = false;
    const discard = async () => {
      settled = true;
      await upload.abort().catch(() => undefined);
      await uploaded.catch(() => undefined);
      await this.delete(staging).catch(() => undefined);
    };
    return {
      stream,
      commit: async (finalKey?: string) => {
        if (settled) throw new DatastoreError(`The upload of '${key}' was already committed or aborted.`);
        if (!stream.writableEnded) stream.end();
        try {
          await uploaded;
          await this.copy(staging, finalKey ?? key);
        } catch (err) {
          await discard();
          throw err instanceof DatastoreError ? err : this.wrap(err, "write", finalKey ?? key);
        }
        settled = true;
        await this.delete(staging).catch(() => undefined);
      },
      abort: async () => {
        if (settled) return;
        stream.destroy();
        await discard();
      },
    };
  }

  private async copy(from: string, to: string): Promise<void> {
    const { client, sdk } = await this.sdk();
    try {
      await client.send(new sdk.CopyObjectCommand({ Bucket: this.bucket, Key: this.key(to), CopySource: encodeURI(`${this.bucket}/${this.key(from)}`) }));
    } catch (err) {
      throw this.wrap(err, "write", to);
    }
  }

  /**
   * Checks that the bucket exists and the credentials work (one HeadBucket).
   * @throws S3UnreachableError, S3CredentialsError, S3BucketMissingError or S3AccessDeniedError.
   */
  async checkBucket(): Promise<void> {
    // Not HeadBucket: its bodiless 403 cannot tell bad credentials from a denied bucket.
    const { client, sdk } = await this.sdk();
    try {
      await client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix ? `${this.prefix}/` : "", MaxKeys: 1 }));
    } catch (err) {
      if (isNotFound(err)) throw new S3BucketMissingError(this.target);
      throw this.wrap(err, "list", "");
    }
  }

  // A 404 is a missing key, unless the bucket itself is missing: that is the user's to fix.
  private missingOrBucket<T>(err: unknown, value: T): T {
    if ((err as SdkError).name === "NoSuchBucket" || (err as SdkError).code === "NoSuchBucket") throw new S3BucketMissingError(this.target);
    return value;
  }

  /** Turns an SDK error into a tsflow error that names the endpoint and bucket, never the credentials. */
  private wrap(err: unknown, verb: string, key: string): DatastoreError {
    if (err instanceof DatastoreError) return err;
    const e = err as SdkError;
    const name = e.name ?? e.code ?? "Error";
    const status = statusOf(err);
    const attempts = e.$metadata?.attempts ?? 1;
    if (name === "NoSuchBucket") return new S3BucketMissingError(this.target);
    if (["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "CredentialsProviderError"].includes(name)) {
      return new S3CredentialsError(this.target, name);
    }
    if (name === "AccessDenied" || status === 403) return new S3AccessDeniedError(this.target, verb, key);
    if (isConnectionError(e) || (status !== undefined && status >= 500)) {
      return new S3UnreachableError(this.target, status ? `HTTP ${status} ${name}` : connectionCode(e), attempts);
    }
    return new DatastoreError(
      `Could not ${verb} '${key}' in ${this.location} at ${this.target.endpoint} (${name}${status ? `, HTTP ${status}` : ""}). Check the root with tsflow datastore check.`,
    );
  }
}

/** The endpoint the SDK will use, from the options or the SDK's environment variables. */
function configuredEndpoint(options: S3StorageOptions): string | undefined {
  return options.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined);
}

// An endpoint URL may carry user:password; messages never show it.
function displayEndpoint(endpoint: string | undefined): string {
  if (!endpoint) return `AWS S3 (${process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "default region"})`;
  try {
    const u = new URL(endpoint);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(an invalid AWS_ENDPOINT_URL)";
  }
}

async function createClient(options: S3StorageOptions): Promise<{ client: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> {
  // The SDK is pinned (package.json): its advice to upgrade Node is noise on every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const sdk = await import("@aws-sdk/client-s3");
  const { ConfiguredRetryStrategy } = await import("@smithy/core/retry");
  const endpoint = configuredEndpoint(options);
  const attempts = options.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || DEFAULT_MAX_ATTEMPTS);
  const probe = new sdk.S3Client({});
  const client = new sdk.S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // A custom endpoint needs some region to sign with; AWS itself needs the real one (env or profile).
    region: async () => {
      try {
        return await probe.config.region();
      } catch (err) {
        if (endpoint) return "us-east-1";
        throw err;
      }
    },
    // WHEN_SUPPORTED sends streamed bodies aws-chunked with trailing checksums, which RGW 16 refuses (411).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Exponential backoff, 100 ms doubling to a 2 s cap: 8 attempts ride out about 8 s of a gateway restart.
    retryStrategy: new ConfiguredRetryStrategy(attempts, (attempt) => Math.min(2_000, 100 * 2 ** attempt)),
  });
  return { client, sdk };
}

/** A GetObject body in Node: a readable stream with the SDK's collectors. */
type Body = Readable & { transformToByteArray(): Promise<Uint8Array>; transformToString(encoding?: string): Promise<string> };

async function readInto(stream: Readable, view: Uint8Array): Promise<number> {
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    const take = Math.min(chunk.byteLength, view.byteLength - n);
    view.set(chunk.subarray(0, take), n);
    n += take;
  }
  return n;
}

function statusOf(err: unknown): number | undefined {
  return (err as SdkError).$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const e = err as SdkError;
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.name === "NoSuchBucket" || statusOf(err) === 404;
}

function isConnectionError(e: SdkError): boolean {
  const code = e.code ?? e.name ?? "";
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "TimeoutError", "RequestTimeout"].includes(code) ||
    /ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT/.test(e.message ?? "")
  );
}

function connectionCode(e: SdkError): string {
  return /\b(E[A-Z_]{3,})\b/.exec(`${e.code ?? ""} ${e.message ?? ""}`)?.[1] ?? e.name ?? "no answer";
}

function enoent(key: string): NodeJS.ErrnoException {
  const err = new Error(`no such key '${key}'`) as NodeJS.ErrnoException;
  err.code = "ENOENT";
  return err;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A key unique to this process and call, for probes (`datastore check`). */
export function probeKey(): string {
  return `.tsflow-check/${process.pid}-${randomBytes(6).toString("hex")}`;
}

// Upload copies what it is fed once, into one buffer per part (Buffer.concat), and sends a view of
// that buffer. Fed a PassThrough, it got what each read() returned: several writes joined (a copy of
// its own), or a chunk of a few MiB whose overflow past the part was copied along and stayed alive
// with the part, so each part in flight held up to twice PART_SIZE (161 MB extra for a 120 MB table).
// Fed views of at most 256 KiB (no copy), a part's buffer is PART_SIZE plus less than one view.
const FEED_CHUNK = 256 << 10;

/** The stream an upload reads: written bytes, passed on as views of at most FEED_CHUNK. */
function partFeeder(): Transform {
  return new Transform({
    writableHighWaterMark: 1 << 20,
    readableObjectMode: true,
    readableHighWaterMark: 4,
    transform(chunk: Buffer, _encoding, done) {
      for (let at = 0; at < chunk.byteLength; at += FEED_CHUNK) this.push(chunk.subarray(at, at + FEED_CHUNK));
      done();
    },
  });
}
