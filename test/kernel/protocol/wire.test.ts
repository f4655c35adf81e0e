import { suite } from "uvu";
import * as assert from "uvu/assert";
import { decode, encode, makeMessage, sign, WireError } from "../../../kernel/protocol/wire.js";
import type { JupyterMessage } from "../../../kernel/protocol/message.js";

const signer = { key: "secret", scheme: "hmac-sha256" };
const request: JupyterMessage = {
  identities: [Buffer.from("client-1")],
  header: { msg_id: "m1", msg_type: "execute_request", session: "s", username: "u", date: "d", version: "5.3" },
  parent_header: {},
  metadata: {},
  content: { code: "1" },
  buffers: [],
};
const isWire = (re: RegExp) => (e: unknown) => e instanceof WireError && re.test((e as Error).message);

const w = suite("decode/encode");
w("should round-trip a signed message", () => {
  const back = decode(signer, encode(signer, request));
  assert.equal(back.header, request.header);
  assert.equal(back.content, { code: "1" });
  assert.equal(back.identities, [Buffer.from("client-1")]);
});
w("should refuse a bad signature, bad JSON, a missing delimiter or too few frames", () => {
  const frames = encode(signer, request);
  const badSig = [...frames];
  badSig[2] = Buffer.from("0".repeat(64));
  assert.throws(() => decode(signer, badSig), isWire(/signature does not match/));
  const parts = [Buffer.from("{not json"), ...frames.slice(4, 7)];
  assert.throws(() => decode(signer, [frames[0] as Buffer, frames[1] as Buffer, Buffer.from(sign(signer, parts)), ...parts]), isWire(/not valid JSON/));
  assert.throws(
    () =>
      decode(
        signer,
        frames.filter((_, i) => i !== 1),
      ),
    isWire(/no <IDS\|MSG> delimiter/),
  );
  assert.throws(() => decode(signer, frames.slice(0, 5)), isWire(/expected at least 4/));
});
w("should accept unsigned messages when the key is empty", () => {
  const open = { key: "", scheme: "hmac-sha256" };
  assert.is(decode(open, encode(open, request)).header.msg_id, "m1");
});
w("should make replies that keep the session and point to the parent", () => {
  const reply = makeMessage(request, "execute_reply", { status: "ok" });
  assert.is(reply.header.session, "s");
  assert.is(reply.parent_header, request.header);
  assert.equal(reply.identities, request.identities);
  assert.is.not(reply.header.msg_id, "m1");
});
w.run();
