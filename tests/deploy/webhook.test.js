// verifyWebhook accept / reject cases, checked against node:crypto's HMAC as an
// independent reference. The emulator's own signed deliveries are in async.test.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { verifyWebhook, signWebhook, WebhookVerificationError, ModelwireError } from "modelwire";
import { assertNoSecret } from "./helpers.js";

const SECRET = "whsec_unit_8c2d4e6f0a1b3c5d";
const OLD = "whsec_old_0f9e8d7c6b5a4938";
const BODY = JSON.stringify({
  request_id: "9f1c2b3a4d5e6f708192a3b4c5d6e7f8",
  model_id: "abcd1234",
  deployment_id: "dep_production",
  type: "async_request_completed",
  time: "2026-11-22T10:00:00.000Z",
  data: { output: "Ünïcödé ✓ 東京" },
  errors: [],
});

/** The reference signature. @param {string} secret @param {string | Buffer} body */
const sig = (secret, body) => "v1=" + createHmac("sha256", secret).update(body).digest("hex");

/** @param {() => unknown} fn @param {string} code */
function refused(fn, code) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof WebhookVerificationError, `expected WebhookVerificationError(${code}), got ${caught}`);
  assert.ok(caught instanceof ModelwireError);
  assert.equal(caught.name, "WebhookVerificationError");
  assert.equal(caught.code, code, caught.message);
  assertNoSecret(caught, [SECRET, OLD]);
  return caught;
}

test("signWebhook equals node:crypto's HMAC-SHA256", () => {
  assert.equal(signWebhook(SECRET, BODY), sig(SECRET, BODY));
  assert.equal(signWebhook("k", ""), sig("k", ""));
  const big = "x".repeat(300_000);
  assert.equal(signWebhook(SECRET, big), sig(SECRET, big));
  // A key longer than the SHA-256 block is hashed first.
  const longKey = "k".repeat(200);
  assert.equal(signWebhook(longKey, BODY), sig(longKey, BODY));
});

test("accepts: the parsed payload, from a string, bytes, an ArrayBuffer or a Buffer", () => {
  const header = sig(SECRET, BODY);
  const bytes = new TextEncoder().encode(BODY);
  for (const body of [BODY, bytes, bytes.buffer, Buffer.from(BODY), new DataView(bytes.buffer)]) {
    const payload = verifyWebhook(SECRET, body, header);
    assert.equal(payload.request_id, "9f1c2b3a4d5e6f708192a3b4c5d6e7f8");
    assert.deepEqual(payload.data, { output: "Ünïcödé ✓ 東京" });
  }
  // Secret as bytes; upper-case hex; spaces after commas; a later scheme beside v1.
  assert.ok(verifyWebhook(new TextEncoder().encode(SECRET), BODY, header));
  assert.ok(verifyWebhook(SECRET, BODY, header.replace(/[a-f]/g, (c) => c.toUpperCase()).replace("V1=", "v1=")));
  assert.ok(verifyWebhook(SECRET, BODY, `${sig(OLD, BODY)}, ${header}`));
  assert.ok(verifyWebhook(SECRET, BODY, `v2=somethingnew,${header}`));
});

test("rotation: any v1 entry under any held secret", () => {
  const rotating = `${sig(OLD, BODY)},${sig(SECRET, BODY)}`;
  assert.ok(verifyWebhook(SECRET, BODY, rotating));
  assert.ok(verifyWebhook(OLD, BODY, rotating));
  assert.ok(verifyWebhook([OLD, SECRET], BODY, sig(SECRET, BODY)));
  assert.ok(verifyWebhook([OLD, SECRET], BODY, sig(OLD, BODY)));
  refused(() => verifyWebhook("whsec_third", BODY, rotating), "mismatch");
});

test("rejects a tampered body and a wrong secret", () => {
  const header = sig(SECRET, BODY);
  refused(() => verifyWebhook(SECRET, BODY.replace("abcd1234", "abcd1235"), header), "mismatch");
  refused(() => verifyWebhook(SECRET, BODY + " ", header), "mismatch");
  refused(() => verifyWebhook(SECRET, JSON.stringify(JSON.parse(BODY), null, 1), header), "mismatch");
  refused(() => verifyWebhook(SECRET + "x", BODY, header), "mismatch");
  refused(() => verifyWebhook(SECRET.slice(0, -1), BODY, header), "mismatch");
  // One flipped hex digit anywhere.
  for (const at of [3, 20, 66]) {
    const flipped = header.slice(0, at) + (header[at] === "0" ? "1" : "0") + header.slice(at + 1);
    refused(() => verifyWebhook(SECRET, BODY, flipped), "mismatch");
  }
});

test("rejects a missing or malformed header, and an empty secret", () => {
  const good = sig(SECRET, BODY);
  for (const header of [undefined, null, "", "   ", new Headers(), {}]) refused(() => verifyWebhook(SECRET, BODY, header), "missing_signature");
  const malformed = [
    good.slice(3), // bare hex
    "v1:" + good.slice(3),
    "v1=" + good.slice(3, -1), // 63 digits
    good + "0",
    "v1=" + "g".repeat(64),
    "sha256=" + good.slice(3),
    "v2=abc", // no v1 entry at all
    `${good};${good}`,
    "v1=",
    "=" + good,
    good + ",garbage",
    "v1=" + "0".repeat(64) + "," + "x".repeat(9000),
  ];
  for (const header of malformed) refused(() => verifyWebhook(SECRET, BODY, header), "malformed_signature");
  refused(() => verifyWebhook("", BODY, good), "empty_secret");
  refused(() => verifyWebhook([], BODY, good), "empty_secret");
  refused(() => verifyWebhook([SECRET, ""], BODY, good), "empty_secret");
  assert.throws(() => verifyWebhook(SECRET, /** @type {any} */ ({ body: 1 }), good), TypeError);
  assert.throws(() => verifyWebhook(/** @type {any} */ (42), BODY, good), TypeError);
});

test("a valid signature over a body that is not JSON: invalid_payload", () => {
  const body = "not json";
  const err = refused(() => verifyWebhook(SECRET, body, sig(SECRET, body)), "invalid_payload");
  assert.ok(err.cause instanceof SyntaxError);
  const bytes = Buffer.from([0x7b, 0xff, 0x7d]); // invalid UTF-8
  refused(() => verifyWebhook(SECRET, bytes, sig(SECRET, bytes)), "invalid_payload");
});

test("messages name the failed check and nothing secret", () => {
  assert.equal(refused(() => verifyWebhook(SECRET, "{}", sig(OLD, "{}")), "mismatch").message, "webhook signature does not match the body (wrong secret or altered body)");
  assert.match(refused(() => verifyWebhook(SECRET, "{}", "v1=zz"), "malformed_signature").message, /^malformed X-BASETEN-SIGNATURE header: /);
  assert.equal(refused(() => verifyWebhook(SECRET, "{}", ""), "missing_signature").message, "webhook has no X-BASETEN-SIGNATURE signature");
});
