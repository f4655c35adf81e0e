import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { S3Storage, formatS3Url, parseS3Url } from "../../src/store/s3-storage.js";
import { S3BucketMissingError, S3CredentialsError, S3UnreachableError } from "../../src/store/s3-errors.js";
import { DatastoreError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { makeS3Root, removeS3Root } from "../_helpers/s3.js";

let root = "";
let storage: S3Storage;

const urls = suite("parseS3Url");

urls("should split a root into bucket and prefix, dropping stray slashes", () => {
  assert.equal(parseS3Url("s3://team-bucket/a/b/"), { bucket: "team-bucket", prefix: "a/b" });
  assert.equal(parseS3Url("s3://team-bucket"), { bucket: "team-bucket", prefix: "" });
  assert.is(formatS3Url(parseS3Url("s3://b-1//x//y/")), "s3://b-1/x/y");
});

urls("should refuse a root without a valid bucket name", async () => {
  await rejects(() => parseS3Url("s3:///prefix"), DatastoreError, "write it as s3://<bucket>/<prefix>");
  await rejects(() => parseS3Url("s3://Upper_Case/x"), DatastoreError, "not an S3 datastore root");
});
urls.run();

const s3 = suite("S3Storage");
s3.before.each(async () => {
  root = await makeS3Root("storage");
  storage = new S3Storage(root);
});
s3.after.each(async () => removeS3Root(root));

s3("should write, read and report values, and undefined for missing keys", async () => {
  assert.ok(await storage.write("a/b.json", '{"x":1}'));
  assert.is(await storage.readText("a/b.json"), '{"x":1}');
  assert.equal([...((await storage.read("a/b.json")) ?? [])].length, 7);
  assert.is(await storage.readText("a/missing"), undefined);
  assert.is(await storage.read("a/missing"), undefined);
  assert.ok(await storage.exists("a/b.json"));
  assert.not.ok(await storage.exists("a/missing"));
  assert.is(await storage.size("a/b.json"), 7);
  const at = (await storage.modifiedAt("a/b.json"))!;
  assert.ok(Math.abs(Date.now() - at) < 60_000, `modifiedAt ${at}`);
});

s3("should create once with ifAbsent and keep the first value", async () => {
  assert.ok(await storage.write("once", "first", { ifAbsent: true }));
  assert.not.ok(await storage.write("once", "second", { ifAbsent: true }));
  assert.is(await storage.readText("once"), "first");
  await storage.delete("once");
  assert.ok(await storage.write("once", "again", { ifAbsent: true }));
});

s3("should let exactly one of many racing creators win", async () => {
  const results = await Promise.all(Array.from({ length: 24 }, (_, i) => storage.write("race", `w${i}`, { ifAbsent: true })));
  assert.is(results.filter(Boolean).length, 1);
  assert.is(await storage.readText("race"), `w${results.indexOf(true)}`);
});

s3("should list direct children: values and folders, not deeper keys", async () => {
  await Promise.all(["d/x.json", "d/sub/y.json", "d/sub/deeper/z", "d/w"].map((k) => storage.write(k, "1")));
  assert.equal((await storage.list("d")).sort(), ["sub", "w", "x.json"]);
  assert.equal((await storage.list("d/sub")).sort(), ["deeper", "y.json"]);
  assert.equal(await storage.list("nothing-here"), []);
  assert.ok((await storage.list("")).includes("d"));
});

s3("should page through listings longer than one response", async () => {
  await Promise.all(Array.from({ length: 1_050 }, (_, i) => storage.write(`many/${String(i).padStart(4, "0")}`, "")));
  assert.is((await storage.list("many")).length, 1_050);
});

s3("should delete keys, and a missing key without complaint", async () => {
  await storage.write("gone", "x");
  await storage.delete("gone");
  await storage.delete("gone");
  assert.not.ok(await storage.exists("gone"));
});

s3("should make a streamed value visible only at commit, at the final key, with no staging left", async () => {
  const staged = await storage.openWriteStream("objects/incoming");
  const big = Buffer.alloc(20 << 20, 3); // three multipart parts
  await pipeline(Readable.from([big.subarray(0, 9 << 20), big.subarray(9 << 20)]), staged.stream);
  assert.not.ok(await storage.exists("objects/ab/final"));
  await staged.commit("objects/ab/final");
  assert.is(await storage.size("objects/ab/final"), 20 << 20);
  assert.equal(await storage.list("objects"), ["ab"]);
});

s3("should store a streamed value byte for byte whatever the sizes of the writes around part boundaries", async () => {
  const bytes = new Uint8Array(13 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >>> 16)) & 0xff;
  // a 1-byte write, one larger than a part (an Arrow column), many small ones, an odd tail
  const cuts = [0, 1, (7 << 20) + 3, ...Array.from({ length: 40 }, (_, i) => (7 << 20) + 3 + (i + 1) * 65_537), 13 << 20];
  const writes = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i]!, end));
  const staged = await storage.openWriteStream("objects/incoming");
  await pipeline(Readable.from(writes), staged.stream);
  await staged.commit("objects/cd/final");
  const back = await storage.read("objects/cd/final");
  assert.is(back?.byteLength, bytes.byteLength);
  assert.ok(Buffer.from(back!).equals(bytes), "the value read back is the bytes written, in order");
});

s3("should leave nothing behind when a streamed write is aborted", async () => {
  const staged = await storage.openWriteStream("objects/incoming");
  staged.stream.write(Buffer.alloc(1 << 20));
  await staged.abort();
  assert.equal(await storage.listRecursive(""), []);
});

s3("should read byte ranges without reading the whole value", async () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  await storage.write("ranged", bytes);
  const file = await storage.openRandomAccess("ranged");
  assert.is(file.fd, -1);
  assert.equal(await file.stat(), { size: 1000 });
  const buf = Buffer.alloc(20);
  const { bytesRead } = await file.read(buf, 5, 10, 500);
  assert.is(bytesRead, 10);
  assert.equal([...buf.subarray(5, 15)], [...bytes.subarray(500, 510)]);
  assert.is((await file.read(buf, 0, 20, 995)).bytesRead, 5);
  const missing = await storage.openRandomAccess("nope").then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e.code,
  );
  assert.is(missing, "ENOENT");
});
s3.run();

const errors = suite("S3Storage errors");

errors("should name the endpoint, not the credentials, when the server does not answer", async () => {
  const down = new S3Storage("s3://tsflow-test/x", { endpoint: "http://127.0.0.1:9", maxAttempts: 2 });
  const err = await rejects(down.readText("k"), S3UnreachableError, "The S3 server at http://127.0.0.1:9 did not answer");
  assert.match(err.message, /after 2 attempt/);
  assert.not.ok(err.message.includes(process.env.AWS_SECRET_ACCESS_KEY ?? "(none)"));
  assert.not.ok(err.message.includes(process.env.AWS_ACCESS_KEY_ID ?? "(none)"));
});

errors("should say the credentials were rejected when the secret is wrong", async () => {
  const saved = process.env.AWS_SECRET_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret-xyz";
  try {
    const err = await rejects(new S3Storage("s3://tsflow-test/x").readText("k"), S3CredentialsError, "rejected the credentials");
    assert.not.ok(err.message.includes("not-the-secret-xyz"));
  } finally {
    process.env.AWS_SECRET_ACCESS_KEY = saved;
  }
});

errors("should say the bucket is missing", async () => {
  await rejects(new S3Storage("s3://no-such-bucket-tsflow/x").readText("k"), S3BucketMissingError, "The bucket 'no-such-bucket-tsflow' does not exist");
  await rejects(new S3Storage("s3://no-such-bucket-tsflow/x").checkBucket(), S3BucketMissingError, "aws s3 mb s3://no-such-bucket-tsflow");
});
errors.run();

const uploads = suite("S3Storage.abortStaleUploads");
uploads.before.each(async () => {
  root = await makeS3Root("uploads");
  storage = new S3Storage(root);
});
uploads.after.each(async () => removeS3Root(root));

uploads("should abort the unfinished multipart uploads a killed writer left, and only old ones", async () => {
  const staged = await storage.openWriteStream("objects/incoming");
  staged.stream.write(Buffer.alloc(6 << 20)); // more than one part: the multipart upload starts
  for (let i = 0; i < 100 && (await storage.abortStaleUploads(Number.MAX_SAFE_INTEGER)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await storage.abortStaleUploads(60_000), [], "a fresh upload is left alone");
  const dry = await storage.abortStaleUploads(0, { dryRun: true });
  assert.is(dry.length, 1);
  assert.match(dry[0]!, /^objects\/incoming\.tmp-\d+-[0-9a-f]+$/);
  assert.equal(await storage.abortStaleUploads(0), dry);
  assert.equal(await storage.abortStaleUploads(0), [], "nothing is left to abort");
  staged.stream.destroy();
});
uploads.run();
