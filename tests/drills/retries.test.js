// Drill: rate limits and outages before a stream began. 429 ×3 with a
// retry-after then success → exactly 4 requests, each wait at least what the
// server asked for (and not much more); a 503 storm longer than the retry
// budget → the typed error after exactly the configured attempts, in bounded
// time. Both protocols, streamed and plain.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { RateLimitError, InternalServerError } from "modelwire";
import { startEmulator, KEY, PROTOCOLS, client, fault, tracedFetch, drain, rejection, requests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
});
after(() => emu.close());
beforeEach(() => emu.reset());

/**
 * Gaps between the starts of consecutive fetches: each is the client's wait
 * plus one round trip on 127.0.0.1. The wait must not be shorter than asked
 * (1 ms of timer rounding allowed) and not much longer (10 % plus 500 ms for
 * a loaded machine: a bound, not a benchmark).
 * @param {{ start: number }[]} calls @param {number} askedMs @param {import("node:test").TestContext} t
 */
function assertWaits(calls, askedMs, t) {
  const gaps = calls.slice(1).map((c, i) => c.start - calls[i].start);
  t.diagnostic(`asked ${askedMs} ms; waited ${gaps.map((g) => g.toFixed(1)).join(", ")} ms`);
  for (const gap of gaps) {
    assert.ok(gap >= askedMs - 1, `retried after ${gap.toFixed(1)} ms, before the ${askedMs} ms asked for`);
    assert.ok(gap <= askedMs * 1.1 + 500, `waited ${gap.toFixed(1)} ms for a ${askedMs} ms retry-after`);
  }
}

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  test(`${protocol}: 429 ×3 with retry-after-ms=300, stream → exactly 4 requests, waits ≥ 300 ms, then the whole stream`, async (t) => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
    const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("429:3;retry-after-ms=300"));
    const { items, error } = await drain(stream);
    assert.equal(error, null);
    assert.ok(items.length > 3);
    assert.equal(trace.calls.length, 4, "exactly 4 requests");
    assert.deepEqual(requests(emu, protocol).map((e) => e.status), [429, 429, 429, 200]);
    assertWaits(trace.calls, 300, t);
    assert.deepEqual(p.view(protocol === "chat" ? stream.currentCompletion() : stream.currentMessage()), p.expected(items));
  });

  test(`${protocol}: 429 ×3 with retry-after-ms=300 through the runner → 4 requests, waits ≥ 300 ms, final result`, async (t) => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
    const runner = p.api(c).stream(p.body(), fault("429:3;retry-after-ms=300"));
    const final = await p.final(runner);
    assert.ok(final);
    assert.equal(trace.calls.length, 4);
    assertWaits(trace.calls, 300, t);
  });

  test(`${protocol}: 429 with maxRetries 0 → the first RateLimitError, with its retry headers, 1 request`, async () => {
    const c = client(emu, { maxRetries: 0 });
    const err = await rejection(p.api(c).create(p.body(), fault("429:3;retry-after-ms=300")));
    assert.ok(err instanceof RateLimitError, `got ${err?.constructor?.name}`);
    assert.equal(err.status, 429);
    assert.equal(err.headers.get("retry-after-ms"), "300");
    assert.equal(err.requestId, requests(emu, protocol)[0].requestId);
    assert.equal(requests(emu, protocol).length, 1);
  });
}

test("chat: 429 ×3 with retry-after=1 (seconds), plain → 4 requests, waits ≥ 1 s", async (t) => {
  const trace = tracedFetch();
  const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
  const completion = await c.chat.completions.create(PROTOCOLS.chat.body(), fault("429:3;retry-after=1"));
  assert.equal(completion.object, "chat.completion");
  assert.equal(trace.calls.length, 4);
  assertWaits(trace.calls, 1000, t);
});

test("chat: a 503 storm (50) with retry-after-ms=100, maxRetries 3 → InternalServerError after exactly 4 requests, 0.3–2.5 s", async () => {
  const trace = tracedFetch();
  const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
  const start = performance.now();
  const err = await rejection(c.chat.completions.create({ ...PROTOCOLS.chat.body(), stream: true }, fault("503:50;retry-after-ms=100")));
  const ms = performance.now() - start;
  assert.ok(err instanceof InternalServerError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 503);
  assert.equal(err.requestId, requests(emu, "chat").at(-1).requestId, "the last response's error");
  assert.equal(trace.calls.length, 4);
  assert.equal(requests(emu, "chat").length, 4);
  assert.ok(ms >= 300 && ms < 2500, `took ${ms.toFixed(0)} ms`);
});

test("messages: a 503 storm without retry headers (backoff with jitter), maxRetries 2, runner → InternalServerError after 3 requests, < 1.5 s of waits", async () => {
  const trace = tracedFetch();
  const c = client(emu, { maxRetries: 2, fetch: trace.fetch });
  const runner = c.messages.stream(PROTOCOLS.messages.body(), fault("503:50"));
  /** @type {unknown[]} */
  const errors = [];
  runner.on("error", (e) => errors.push(e));
  const start = performance.now();
  const err = await rejection(runner.finalMessage());
  const ms = performance.now() - start;
  assert.ok(err instanceof InternalServerError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 503);
  assert.deepEqual(errors, [err], "one error event, the same error");
  assert.equal(trace.calls.length, 3);
  // Full jitter: the waits are at most 0.5 s and 1 s.
  assert.ok(ms < 1500 + 1000, `took ${ms.toFixed(0)} ms`);
});

test("a 503 storm longer than the default budget → 3 requests (maxRetries 2 by default)", async () => {
  const trace = tracedFetch();
  const c = client(emu, { fetch: trace.fetch });
  const err = await rejection(c.messages.create(PROTOCOLS.messages.body(), fault("503:50;retry-after-ms=50")));
  assert.ok(err instanceof InternalServerError);
  assert.equal(trace.calls.length, 3);
});

test("messages: a retry-after beyond the 60 s cap (3600) is not obeyed: backoff instead, success on the 2nd request in < 1.5 s", async () => {
  const trace = tracedFetch();
  const c = client(emu, { maxRetries: 1, fetch: trace.fetch });
  const start = performance.now();
  const message = await c.messages.create(PROTOCOLS.messages.body(), fault("429:1;retry-after=3600"));
  const ms = performance.now() - start;
  assert.equal(message.type, "message");
  assert.equal(trace.calls.length, 2);
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
});
