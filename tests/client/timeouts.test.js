// Timeouts: `idleTimeout` ends a stalled stream with StreamError idle_timeout
// (keeping what arrived); `timeout` ends a stalled plain request with
// APITimeoutError; neither fires on a healthy exchange. Timing checks are
// lower bounds plus generous sanity bounds only.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StreamError, APITimeoutError, APIConnectionError } from "modelwire";
import { emulator, client, hello, accumulate, contentOf, chatRequests, rejection, assertNoKey } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const fault = (/** @type {string} */ spec) => ({ headers: { "x-emulator-fault": spec } });
const STALL = 4000;

test("a stalled stream with idleTimeout (per request) → StreamError idle_timeout, quickly, with partial", async () => {
  const start = performance.now();
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true }, { idleTimeout: 200, ...fault(`stall:${STALL}`) });
  const chunks = [];
  const err = await rejection(async () => {
    for await (const chunk of stream) chunks.push(chunk);
  });
  const elapsed = performance.now() - start;
  assert.ok(err instanceof StreamError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.code, "idle_timeout");
  assert.ok(elapsed >= 190, `${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < STALL - 1000, `ended by the idle timeout, not the stall: ${elapsed.toFixed(0)} ms`);
  assert.ok(chunks.length > 0, "chunks before the stall were delivered");
  assert.equal(contentOf(err.partial), accumulate(chunks).content);
  assert.equal(chatRequests(emu).length, 1, "not retried: chunks had reached the caller");
  assert.equal(err.requestId, chatRequests(emu)[0].requestId);
  assertNoKey(err);
});

test("idleTimeout from the client options applies to the runner", async () => {
  const start = performance.now();
  const runner = client(emu, { idleTimeout: 200 }).chat.completions.stream(hello(), fault(`stall:${STALL}`));
  let content = "";
  runner.on("content", (d) => (content += d));
  const err = await rejection(runner.finalChatCompletion());
  assert.ok(err instanceof StreamError, `got ${err?.constructor?.name}`);
  assert.equal(err.code, "idle_timeout");
  assert.ok(performance.now() - start < STALL - 1000);
  assert.equal(contentOf(err.partial), content);
  assertNoKey(err);
});

test("a pause shorter than idleTimeout is fine", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true }, { idleTimeout: 2000, ...fault("stall:300") });
  for await (const _ of stream);
  assert.match(contentOf(stream.currentCompletion()), /^About/);
});

test("timeout on a plain request whose body stalls → APITimeoutError (maxRetries 0: 1 request)", async () => {
  const start = performance.now();
  const err = await rejection(client(emu, { maxRetries: 0 }).chat.completions.create(hello(), { timeout: 300, ...fault(`stall:${STALL}`) }));
  const elapsed = performance.now() - start;
  assert.ok(err instanceof APITimeoutError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof APIConnectionError);
  assert.equal(err.status, undefined);
  assert.ok(elapsed >= 290, `${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < STALL - 1000, `${elapsed.toFixed(0)} ms`);
  assert.equal(chatRequests(emu).length, 1);
  assertNoKey(err);
});

test("a timed-out attempt is retried: maxRetries 1 → 2 requests, then APITimeoutError", async () => {
  const err = await rejection(client(emu, { maxRetries: 1, timeout: 250 }).chat.completions.create(hello(), fault(`stall:${STALL}`)));
  assert.ok(err instanceof APITimeoutError, `got ${err?.constructor?.name}`);
  assert.equal(chatRequests(emu).length, 2);
  assertNoKey(err);
});

test("timeout ends at the headers for a stream: a mid-stream pause longer than timeout is fine", async () => {
  const stream = await client(emu, { maxRetries: 0 }).chat.completions.create({ ...hello(), stream: true }, { timeout: 300, ...fault("stall:700") });
  for await (const _ of stream);
  assert.match(contentOf(stream.currentCompletion()), /^About/);
  assert.equal(chatRequests(emu).length, 1);
});

test("a healthy plain request under a short timeout succeeds", async () => {
  const completion = await client(emu, { timeout: 2000 }).chat.completions.create(hello());
  assert.match(contentOf(completion), /^About/);
});
