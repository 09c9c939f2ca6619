// The async predict life cycle against the emulator's queue: submit → poll →
// succeed (with the signed webhook received on 127.0.0.1 and verified), cancel
// while queued, expiry, failure, webhook delivery failure, the bounds checked
// before sending, and waitFor's backoff and abort.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { APIUserAbortError, ValidationError, WebhookVerificationError, verifyWebhook, signWebhook } from "modelwire";
import { emulator, client, recorder, rejection, webhookReceiver, assertNoSecret, MODEL, SECRET } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
/** @type {Awaited<ReturnType<typeof webhookReceiver>>} */
let hook;
before(async () => {
  emu = await emulator();
  hook = await webhookReceiver();
});
after(async () => {
  await emu.close();
  await hook.close();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ async: { queueMs: 5, runMs: 5, secondMs: 1000, paused: false }, webhookSecrets: [SECRET] });
  hook.received.length = 0;
  hook.status = 200;
});

/** @param {string} url */
const post = (url) => fetch(url, { method: "POST" }).then((r) => r.json());

test("submit → QUEUED → IN_PROGRESS → SUCCEEDED, then the signed webhook verifies", async () => {
  // IN_PROGRESS lasts runMs and waitFor polls every 5–10 ms: 250 ms, so that a loaded
  // machine (all suites at once) still sees a poll in it (40 ms once missed it).
  emu.configure({ async: { paused: true, runMs: 250 } });
  const dep = client(emu).deployment(MODEL);
  const input = { prompt: "Summarise the queue" };
  const id = await dep.asyncPredict(input, { webhookEndpoint: hook.url, priority: 1, maxTimeInQueueSeconds: 600, allowHttpLoopbackWebhook: true });
  assert.match(id, /^[0-9a-f]{32}$/);
  const submitted = emu.log().at(-1);
  assert.equal(submitted.path, `/model/${MODEL}/environments/production/async_predict`);
  assert.equal(submitted.status, 201);
  assert.deepEqual(submitted.body, { model_input: input, webhook_endpoint: hook.url, priority: 1, max_time_in_queue_seconds: 600 });

  const queued = await dep.asyncRequest(id).status();
  assert.equal(queued.status, "QUEUED");
  assert.equal(queued.webhook_status, "PENDING");
  assert.deepEqual(await dep.queueStatus(), { model_id: MODEL, deployment_id: "dep_production", num_queued_requests: 1, num_in_progress_requests: 0 });

  /** @type {string[]} */
  const seen = [];
  const waiting = dep.waitFor(id, { pollInterval: 5, maxPollInterval: 10, onStatus: (s) => seen.push(s.status) });
  await new Promise((resolve) => setTimeout(resolve, 30));
  // The control endpoint starts held requests.
  assert.deepEqual(await post(`${emu.url}/__emulator/async/resume`), { ok: true });
  const final = await waiting;
  assert.equal(final.status, "SUCCEEDED");
  assert.equal(final.request_id, id);
  assert.deepEqual(final.errors, []);
  assert.equal(seen[0], "QUEUED");
  assert.ok(seen.includes("IN_PROGRESS"), `saw ${seen}`);
  assert.equal(seen.at(-1), "SUCCEEDED");

  const [webhook] = await hook.count(1);
  const payload = verifyWebhook(SECRET, webhook.body, /** @type {string} */ (webhook.headers["x-baseten-signature"]));
  assert.equal(payload.request_id, id);
  assert.equal(payload.type, "async_request_completed");
  assert.equal(payload.model_id, MODEL);
  assert.match(String(/** @type {any} */ (payload.data).output), /^About Summarise the queue/);
  // The same through a Headers object and Node's headers record.
  assert.equal(verifyWebhook(SECRET, webhook.body, new Headers(/** @type {any} */ (webhook.headers))).request_id, id);
  assert.equal(verifyWebhook(SECRET, webhook.body, webhook.headers).request_id, id);
  // Tampered body, wrong secret: refused.
  // The request id with its first digit changed: always a different body (replacing it
  // with a fixed "0" left one id in 16 as it was, and that once failed CI).
  const tampered = Buffer.from(webhook.body.toString().replace(id, id.replace(/^./, (c) => (c === "0" ? "1" : "0"))));
  assert.notDeepEqual(tampered, webhook.body);
  for (const [secret, body] of /** @type {[string, Buffer][]} */ ([[SECRET, tampered], ["whsec_wrong", webhook.body]])) {
    const err = await rejection(async () => verifyWebhook(secret, body, webhook.headers));
    assert.ok(err instanceof WebhookVerificationError);
    assert.equal(err.code, "mismatch");
    assertNoSecret(err);
  }
  // Ends SUCCEEDED with the webhook delivered.
  assert.equal((await dep.asyncRequest(id).status()).webhook_status, "SUCCEEDED");
});

test("rotation: the emulator signs with two secrets, either verifies", async () => {
  emu.configure({ webhookSecrets: ["whsec_old_1111", "whsec_new_2222"] });
  const dep = client(emu).deployment(MODEL);
  const id = await dep.asyncPredict({ prompt: "rotate" }, { webhookEndpoint: hook.url, allowHttpLoopbackWebhook: true });
  const [webhook] = await hook.count(1);
  const header = String(webhook.headers["x-baseten-signature"]);
  assert.equal(header.split(",").length, 2);
  assert.equal(header, [signWebhook("whsec_old_1111", webhook.body), signWebhook("whsec_new_2222", webhook.body)].join(","));
  assert.equal(verifyWebhook("whsec_old_1111", webhook.body, header).request_id, id);
  assert.equal(verifyWebhook("whsec_new_2222", webhook.body, header).request_id, id);
  // The receiver's own rotation: several secrets held at once.
  assert.equal(verifyWebhook(["whsec_unrelated", "whsec_new_2222"], webhook.body, header).request_id, id);
  assert.throws(() => verifyWebhook(["whsec_a", "whsec_b"], webhook.body, header), WebhookVerificationError);
});

test("cancel while queued → CANCELED; cancel after it ran → canceled: false", async () => {
  emu.configure({ async: { paused: true } });
  const dep = client(emu).deployment(MODEL, { environment: "staging" });
  const id = await dep.asyncPredict({ prompt: "never runs" });
  const result = await client(emu).asyncRequest(id, { modelId: MODEL }).cancel();
  assert.deepEqual({ ...result }, { request_id: id, canceled: true, message: "Request canceled" });
  const final = await dep.waitFor(id, { pollInterval: 1 });
  assert.equal(final.status, "CANCELED");
  assert.equal(final.deployment_id, "dep_staging");

  emu.configure({ async: { paused: false } });
  const done = await dep.asyncPredict({ prompt: "runs" });
  assert.equal((await dep.waitFor(done, { pollInterval: 2 })).status, "SUCCEEDED");
  const late = await dep.asyncRequest(done).cancel();
  assert.equal(late.canceled, false);
  assert.match(late.message, /SUCCEEDED/);
});

test("expired: a request held longer than maxTimeInQueueSeconds", async () => {
  // One emulated second per real millisecond: 10 s of queue time is 10 ms.
  emu.configure({ async: { paused: true, secondMs: 1 } });
  const dep = client(emu).deployment(MODEL);
  const id = await dep.asyncPredict({ prompt: "too late" }, { maxTimeInQueueSeconds: 10, webhookEndpoint: hook.url, allowHttpLoopbackWebhook: true });
  const final = await dep.waitFor(id, { pollInterval: 5 });
  assert.equal(final.status, "EXPIRED");
  assert.equal(final.errors[0].code, "ASYNC_REQUEST_EXPIRED");
  const [webhook] = await hook.count(1);
  const payload = verifyWebhook(SECRET, webhook.body, webhook.headers);
  assert.equal(payload.data, null);
  assert.equal(payload.errors[0].code, "ASYNC_REQUEST_EXPIRED");
});

test("failed model and failed webhook delivery are final statuses too", async () => {
  const dep = client(emu).deployment(MODEL);
  const failed = await dep.waitFor(await dep.asyncPredict({ fail: true }), { pollInterval: 2 });
  assert.equal(failed.status, "FAILED");
  assert.equal(failed.errors[0].code, "MODEL_PREDICT_ERROR");
  hook.status = 500;
  const id = await dep.asyncPredict({ prompt: "x" }, { webhookEndpoint: hook.url, allowHttpLoopbackWebhook: true });
  await hook.count(2);
  const final = await dep.waitFor(id, { pollInterval: 2 });
  assert.ok(["WEBHOOK_FAILED", "SUCCEEDED"].includes(final.status));
  // Poll until the emulator marks the delivery failed.
  let status = final;
  for (let i = 0; i < 100 && status.status !== "WEBHOOK_FAILED"; i++) status = await dep.asyncRequest(id).status();
  assert.equal(status.status, "WEBHOOK_FAILED");
  assert.equal(status.webhook_status, "FAILED");
});

test("the body: every option, the retry config, exactly as documented", async () => {
  const rec = recorder();
  const dep = client(emu, { fetch: rec.fetch }).deployment(MODEL);
  await dep.asyncPredict(
    { prompt: "p" },
    { webhookEndpoint: hook.url, allowHttpLoopbackWebhook: true, priority: 2, maxTimeInQueueSeconds: 259200, inferenceRetryConfig: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 5000 } },
  );
  assert.equal(
    rec.calls[0].body,
    `{"model_input":{"prompt":"p"},"webhook_endpoint":"${hook.url}","priority":2,"max_time_in_queue_seconds":259200,"inference_retry_config":{"max_attempts":3,"initial_delay_ms":100,"max_delay_ms":5000}}`,
  );
  assert.equal(rec.calls[0].headers["content-type"], "application/json");
  await dep.asyncPredict({ prompt: "p" });
  assert.equal(rec.calls[1].body, '{"model_input":{"prompt":"p"}}');
});

test("bounds are checked before sending: ValidationError naming the field", async () => {
  const rec = recorder();
  const dep = client(emu, { fetch: rec.fetch }).deployment(MODEL);
  /** @type {[any, any, string, RegExp?][]} */
  const cases = [
    [{ a: 1 }, { priority: 3 }, "priority", /from 0 to 2, got 3/],
    [{ a: 1 }, { priority: -1 }, "priority"],
    [{ a: 1 }, { priority: 1.5 }, "priority"],
    [{ a: 1 }, { priority: "1" }, "priority"],
    [{ a: 1 }, { maxTimeInQueueSeconds: 9 }, "max_time_in_queue_seconds"],
    [{ a: 1 }, { maxTimeInQueueSeconds: 259201 }, "max_time_in_queue_seconds"],
    [{ a: 1 }, { inferenceRetryConfig: { maxAttempts: 0 } }, "inference_retry_config.max_attempts"],
    [{ a: 1 }, { inferenceRetryConfig: { maxAttempts: 11 } }, "inference_retry_config.max_attempts"],
    [{ a: 1 }, { inferenceRetryConfig: { initialDelayMs: 10001 } }, "inference_retry_config.initial_delay_ms"],
    [{ a: 1 }, { inferenceRetryConfig: { maxDelayMs: 60001 } }, "inference_retry_config.max_delay_ms"],
    [{ a: 1 }, { webhookEndpoint: "http://example.com/hook" }, "webhook_endpoint", /https/],
    [{ a: 1 }, { webhookEndpoint: hook.url }, "webhook_endpoint", /https/],
    [{ a: 1 }, { webhookEndpoint: "http://example.com/hook", allowHttpLoopbackWebhook: true }, "webhook_endpoint"],
    [{ a: 1 }, { webhookEndpoint: "https://exa mple.com" }, "webhook_endpoint"],
    [{ a: 1 }, { webhookEndpoint: "ftp://x" }, "webhook_endpoint"],
    [[1, 2], {}, "model_input", /object/],
    ["text", {}, "model_input"],
    [undefined, {}, "model_input"],
    [{ blob: "x".repeat(256 * 1024) }, {}, "model_input", /256 KiB/],
  ];
  for (const [input, options, field, message] of cases) {
    const err = await rejection(dep.asyncPredict(input, options));
    assert.ok(err instanceof ValidationError, `${JSON.stringify(options)}: got ${err?.name}: ${err?.message}`);
    assert.equal(err.field, field, err.message);
    if (message) assert.match(err.message, message);
  }
  assert.equal(rec.calls.length, 0, "nothing was sent");
  // Just under the limit passes (the body is 256 KiB at most, envelope included).
  const envelope = '{"model_input":{"blob":""}}'.length;
  await dep.asyncPredict({ blob: "x".repeat(256 * 1024 - envelope) });
  assert.equal(rec.calls.length, 1);
});

test("waitFor: backs off between polls, and an abort stops it", async () => {
  emu.configure({ async: { paused: true } });
  const dep = client(emu).deployment(MODEL);
  const id = await dep.asyncPredict({ prompt: "waits" });
  const before = emu.log().length;
  const controller = new AbortController();
  /** @type {number[]} */
  const times = [];
  const waiting = dep.waitFor(id, { pollInterval: 10, maxPollInterval: 40, signal: controller.signal, onStatus: () => times.push(Date.now()) });
  await new Promise((resolve) => setTimeout(resolve, 250));
  controller.abort();
  const err = await rejection(waiting);
  assert.ok(err instanceof APIUserAbortError, `got ${err?.name}`);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps.length >= 4, `polled ${times.length} times`);
  assert.ok(gaps[0] >= 9 && gaps[0] < 40, `first gap ${gaps[0]}`);
  assert.ok(gaps.at(-1) >= 35, `the gap grew to the cap: ${gaps}`);
  const polls = emu.log().length - before;
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(emu.log().length - before, polls, "no poll after the abort");
  const bad = await rejection(dep.waitFor(id, { pollInterval: -1 }));
  assert.match(bad.message, /pollInterval/);
});
