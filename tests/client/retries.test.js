// Retries over real HTTP: the count of requests in the emulator's log, the
// waits the server asked for (lower bounds only), and the error when the
// budget runs out.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { RateLimitError, InternalServerError, BadRequestError } from "modelwire";
import { emulator, client, hello, chatRequests, rejection, assertApiError, contentOf } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const fault = (/** @type {string} */ spec) => ({ headers: { "x-emulator-fault": spec } });

test("429:3 with retry-after-ms=200 and maxRetries 3: exactly 4 requests, ≥ 600 ms, then success", async () => {
  const c = client(emu, { maxRetries: 3 });
  const start = performance.now();
  const completion = await c.chat.completions.create(hello(), fault("429:3;retry-after-ms=200"));
  const elapsed = performance.now() - start;
  const log = chatRequests(emu);
  assert.deepEqual(log.map((e) => e.status), [429, 429, 429, 200]);
  assert.ok(elapsed >= 3 * 200, `waited ${elapsed.toFixed(0)} ms, expected ≥ 600`);
  assert.ok(elapsed < 20_000, `sanity: ${elapsed.toFixed(0)} ms`);
  // The gaps between attempts honour the header.
  for (let i = 1; i < log.length; i++) {
    const gap = Date.parse(log[i].time) - Date.parse(log[i - 1].time);
    assert.ok(gap >= 190, `gap ${i}: ${gap} ms`);
  }
  assert.equal(completion._request_id, log[3].requestId, "the request id of the answer that succeeded");
  assert.match(contentOf(completion), /^About/);
  // Every attempt sent the same body.
  for (const e of log) assert.deepEqual(e.body, log[0].body);
});

test("the default budget is 2 retries: 429:3 → RateLimitError after 3 requests", async () => {
  const err = await rejection(client(emu).chat.completions.create(hello(), fault("429:3;retry-after-ms=10")));
  assertApiError(err, RateLimitError, 429, emu);
  assert.equal(chatRequests(emu).length, 3);
});

test("maxRetries 0: the first 429 → RateLimitError with its headers", async () => {
  const err = await rejection(client(emu, { maxRetries: 0 }).chat.completions.create(hello(), fault("429:3;retry-after-ms=200")));
  assertApiError(err, RateLimitError, 429, emu);
  assert.equal(chatRequests(emu).length, 1);
  assert.ok(err.headers instanceof Headers);
  assert.equal(err.headers.get("retry-after-ms"), "200");
  assert.equal(err.headers.get("x-baseten-request-id"), chatRequests(emu)[0].requestId);
  assert.match(err.message, /Rate limit exceeded/);
});

test("per-request maxRetries overrides the client's", async () => {
  const c = client(emu, { maxRetries: 5 });
  const err = await rejection(c.chat.completions.create(hello(), { maxRetries: 1, ...fault("429:9;retry-after-ms=10") }));
  assertApiError(err, RateLimitError, 429, emu);
  assert.equal(chatRequests(emu).length, 2);
});

for (const maxRetries of [1, 2, 4]) {
  test(`a 503 storm beyond the budget → InternalServerError after ${maxRetries + 1} requests`, async () => {
    const err = await rejection(client(emu, { maxRetries }).chat.completions.create(hello(), fault("503:50;retry-after-ms=20")));
    assertApiError(err, InternalServerError, 503, emu);
    assert.deepEqual(chatRequests(emu).map((e) => e.status), Array(maxRetries + 1).fill(503));
  });
}

test("503 within the budget, without retry headers (exponential backoff): success on the third request", async () => {
  const start = performance.now();
  const completion = await client(emu).chat.completions.create(hello(), fault("503:2"));
  assert.deepEqual(chatRequests(emu).map((e) => e.status), [503, 503, 200]);
  assert.ok(performance.now() - start < 20_000);
  assert.match(contentOf(completion), /^About/);
});

test("retry-after in seconds is honoured", async () => {
  const start = performance.now();
  await client(emu).chat.completions.create(hello(), fault("503:1;retry-after=1"));
  const elapsed = performance.now() - start;
  assert.equal(chatRequests(emu).length, 2);
  assert.ok(elapsed >= 950, `waited ${elapsed.toFixed(0)} ms, expected ≥ 1000`);
});

test("500 and 502 are retried too", async () => {
  await client(emu).chat.completions.create(hello(), fault("500:1;retry-after-ms=10"));
  await client(emu).chat.completions.create(hello("again"), fault("502:1;retry-after-ms=10"));
  assert.deepEqual(chatRequests(emu).map((e) => e.status), [500, 200, 502, 200]);
});

test("a streamed request is retried while nothing has streamed: 429:2 then the whole stream", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true }, fault("429:2;retry-after-ms=20"));
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.deepEqual(chatRequests(emu).map((e) => e.status), [429, 429, 200]);
  assert.equal(stream.requestId, chatRequests(emu)[2].requestId);
  assert.ok(chunks.length > 3);
});

test("the runner retries the same way", async () => {
  const content = await client(emu).chat.completions.stream(hello(), fault("503:2;retry-after-ms=20")).finalContent();
  assert.deepEqual(chatRequests(emu).map((e) => e.status), [503, 503, 200]);
  assert.match(content ?? "", /^About/);
});

test("a 400 is never retried", async () => {
  const err = await rejection(client(emu, { maxRetries: 5 }).chat.completions.create(hello(), fault("400:3")));
  assertApiError(err, BadRequestError, 400, emu);
  assert.equal(chatRequests(emu).length, 1);
});

test("408 and 409 are retried", async () => {
  await client(emu).chat.completions.create(hello(), fault("408:1;retry-after-ms=10"));
  await client(emu).chat.completions.create(hello("b"), fault("409:1;retry-after-ms=10"));
  assert.deepEqual(chatRequests(emu).map((e) => e.status), [408, 200, 409, 200]);
});
