// Streams that go wrong, via the emulator's `x-emulator-fault`: a mid-stream
// error event, a malformed event, a dropped connection, a stall against
// idleTimeout, an abort, retried 429s, huge lines and byte-by-byte delivery.
// Every failure keeps what arrived (`partial`) and never shows the key.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StreamError, APIUserAbortError, InternalServerError, RateLimitError } from "modelwire";
import {
  emulator,
  client,
  params,
  drain,
  rejection,
  assertNoKey,
  assertPrefixMessage,
  rawMessages,
  sseBlocks,
  accumulate,
  stable,
  messageRequests,
  fault,
  sleep,
  REASONING_MODEL,
} from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** The complete message for `body`, streamed without a fault (then the state is reset). @param {any} body */
async function fullMessage(body = params()) {
  const message = await client(emu).messages.stream(body).finalMessage();
  emu.reset();
  return message;
}

/**
 * Common checks for a StreamError.
 * @param {any} err @param {string} code @param {any} full  the complete message
 */
function assertStreamError(err, code, full) {
  assert.ok(err instanceof StreamError, `expected StreamError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.name, "StreamError");
  assert.equal(err.code, code, `code (message: ${err.message})`);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0);
  assert.ok(err.partial, "partial is set");
  assertPrefixMessage(err.partial, full);
  const last = messageRequests(emu).at(-1);
  assert.equal(err.requestId, last.requestId, "requestId of the response that broke");
  assertNoKey(err);
}

// ---------------------------------------------------------------- error event

for (const spec of ["error", "error:data"]) {
  test(`mid-stream overloaded error (${spec}) → StreamError server_error, kind InternalServerError, partial`, async () => {
    const full = await fullMessage();
    const stream = await client(emu).messages.create(params({ stream: true }), fault(spec));
    const { events, error } = await drain(stream);
    assertStreamError(error, "server_error", full);
    assert.equal(error.kind, "InternalServerError");
    assert.equal(error.type, "overloaded_error");
    assert.match(error.message, /Overloaded/);
    assert.ok(!(error instanceof InternalServerError), "a StreamError, with the class in kind");
    // What arrived before the error was delivered, and partial is exactly that.
    assert.ok(events.length > 3, `events before the error (${events.length})`);
    assert.ok(!events.some((e) => e.type === "message_stop" || e.type === "error"));
    assert.ok(error.partial.content[0].text.length > 0, "partial has text");
    assert.deepEqual(stable(error.partial), stable(accumulate(events)));
    assert.deepEqual(stream.currentMessage(), error.partial);
    assert.equal(messageRequests(emu).length, 1, "not retried: events were delivered");
  });
}

test("mid-stream error in the runner: error + end events, finalMessage rejects, no abort event", async () => {
  const full = await fullMessage();
  const runner = client(emu).messages.stream(params(), fault("error"));
  /** @type {string[]} */
  const seen = [];
  /** @type {any} */
  let errorEvent;
  let text = "";
  runner.on("text", (delta) => (text += delta));
  runner.on("error", (err) => {
    errorEvent = err;
    seen.push("error");
  });
  runner.on("abort", () => seen.push("abort"));
  runner.on("finalMessage", () => seen.push("finalMessage"));
  runner.on("end", () => seen.push("end"));
  const err = await rejection(runner.finalMessage());
  assertStreamError(err, "server_error", full);
  assert.equal(err.kind, "InternalServerError");
  assert.equal(errorEvent, err);
  assert.deepEqual(seen, ["error", "end"]);
  assert.equal(err.partial.content[0].text, text, "partial holds exactly the text delivered");
  assert.ok(text.length > 0);
  await rejection(runner.finalText());
  assert.equal(messageRequests(emu).length, 1);
});

test("mid-stream error during thinking keeps the thinking so far", async () => {
  const body = params({ model: REASONING_MODEL });
  const full = await fullMessage(body);
  const err = await rejection(client(emu).messages.stream(body, fault("error;at=4")).finalMessage());
  assertStreamError(err, "server_error", full);
  assert.equal(err.partial.content[0].type, "thinking");
  assert.ok(err.partial.content[0].thinking.length > 0);
});

// ---------------------------------------------------------------- malformed

test("malformed event → StreamError invalid_chunk with partial, not retried", async () => {
  const full = await fullMessage();
  const stream = await client(emu).messages.create(params({ stream: true }), fault("malformed"));
  const { events, error } = await drain(stream);
  assertStreamError(error, "invalid_chunk", full);
  assert.ok(events.length > 0);
  assert.deepEqual(stable(error.partial), stable(accumulate(events)));
  assert.equal(messageRequests(emu).length, 1);
});

// ---------------------------------------------------------------- dropped connection

test("drop:K after some events → StreamError connection_lost, partial = the events before the cut, 1 request", async () => {
  const body = params({ stream: true });
  const raw = await rawMessages(emu, body);
  const blocks = sseBlocks(raw.bytes);
  const full = accumulate(blocks.map((b) => JSON.parse(b.data)));
  // Cut a few bytes into the block after the 9th: 9 complete events went through.
  const K = blocks[8].end + 5;
  const expected = blocks.slice(0, 9).map((b) => JSON.parse(b.data)).filter((e) => e.type !== "ping");
  assert.ok(expected.some((e) => e.type === "content_block_delta"), "the cut is inside the text");
  emu.reset();

  const stream = await client(emu).messages.create(body, fault(`drop:${K}`));
  const { events, error } = await drain(stream);
  assertStreamError(error, "connection_lost", full);
  assert.equal(messageRequests(emu).length, 1, "exactly one request: events had been delivered");
  const id = events[0]?.message?.id;
  assert.deepEqual(events, expected.map((e) => (e.type === "message_start" ? { ...e, message: { ...e.message, id } } : e)));
  assert.deepEqual(stable(error.partial), stable(accumulate(expected)));
  assert.ok(full.content[0].text.startsWith(error.partial.content[0].text));
  assert.ok(error.partial.content[0].text.length < full.content[0].text.length, "cut short");
});

test("drop:K in the runner: connection_lost, text events = partial text", async () => {
  const full = await fullMessage();
  const runner = client(emu).messages.stream(params(), fault("drop:900"));
  let text = "";
  runner.on("text", (delta) => (text += delta));
  const err = await rejection(runner.finalMessage());
  assertStreamError(err, "connection_lost", full);
  assert.equal(err.partial.content[0].text, text);
  assert.ok(text.length > 0, "the cut came after some text (else raise K)");
  assert.equal(messageRequests(emu).length, 1);
});

test("drop:0 (right after the headers) → retried: more than one request", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }), fault("drop:0;id=d0", { maxRetries: 2 }));
  const { events, error } = await drain(stream);
  // Every attempt drops, so it ends with connection_lost after the retries.
  assert.ok(error instanceof StreamError, `${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.code, "connection_lost");
  assert.deepEqual(events, []);
  assert.equal(messageRequests(emu).length, 3, "1 + maxRetries requests");
  assert.deepEqual(error.partial.content, []);
  assertNoKey(error);
});

test("a 503 before the stream began → retried, then the whole stream arrives once", async () => {
  const full = await fullMessage();
  const stream = await client(emu).messages.create(params({ stream: true }), fault("503:1;retry-after-ms=1"));
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  assert.deepEqual(messageRequests(emu).map((e) => e.status), [503, 200]);
  assert.equal(events.filter((e) => e.type === "message_start").length, 1);
  assert.equal(events.at(-1).type, "message_stop");
  assert.deepEqual(stable(stream.currentMessage()), stable(full));
});

test("a plain (non-streamed) body cut by drop → retried, then APIConnectionError", async () => {
  const err = await rejection(client(emu).messages.create(params(), fault("drop:40", { maxRetries: 1 })));
  assert.equal(err.name, "APIConnectionError");
  assert.equal(messageRequests(emu).length, 2);
  assertNoKey(err);
});

// ---------------------------------------------------------------- stall / idle timeout

test("stall + idleTimeout → StreamError idle_timeout with partial, without waiting for the stall", async () => {
  const full = await fullMessage();
  const started = Date.now();
  const stream = await client(emu).messages.create(params({ stream: true }), fault("stall:2000", { idleTimeout: 150 }));
  const { events, error } = await drain(stream);
  assertStreamError(error, "idle_timeout", full);
  assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  assert.ok(events.length > 0);
  assert.deepEqual(stable(error.partial), stable(accumulate(events)));
  assert.equal(messageRequests(emu).length, 1);
});

test("idleTimeout on the client applies to stream(); a stall shorter than it is fine", async () => {
  const full = await fullMessage();
  const err = await rejection(client(emu, { idleTimeout: 150 }).messages.stream(params(), fault("stall:2000")).finalMessage());
  assertStreamError(err, "idle_timeout", full);
  emu.reset();
  const ok = await client(emu, { idleTimeout: 1000 }).messages.stream(params(), fault("stall:100")).finalMessage();
  assert.deepEqual(stable(ok), stable(full));
});

test("a stall before the first event is retried (nothing was delivered)", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }), fault("stall:2000;at=0", { idleTimeout: 100, maxRetries: 2 }));
  const { events, error } = await drain(stream);
  assert.ok(error instanceof StreamError, `${error?.constructor?.name}`);
  assert.equal(error.code, "idle_timeout");
  assert.deepEqual(events, []);
  assert.equal(messageRequests(emu).length, 3);
  assertNoKey(error);
});

// ---------------------------------------------------------------- abort

test("abort through options.signal mid-stream → APIUserAbortError with partial", async () => {
  const full = await fullMessage();
  const controller = new AbortController();
  const started = Date.now();
  const stream = await client(emu).messages.create(params({ stream: true }), fault("stall:2000", { signal: controller.signal }));
  const { events, error } = await drain(stream, (_, n) => {
    if (n === 5) controller.abort();
  });
  assert.ok(error instanceof APIUserAbortError, `${error?.constructor?.name}: ${error?.message}`);
  assert.ok(!(error instanceof StreamError));
  assert.ok(Date.now() - started < 1500, "the abort did not wait for the stall");
  assert.ok(events.length >= 5);
  assert.ok(!events.some((e) => e.type === "message_stop"));
  assertPrefixMessage(error.partial, full);
  assert.deepEqual(stable(error.partial), stable(accumulate(events)));
  assert.equal(messageRequests(emu).length, 1);
  assertNoKey(error);
});

test("stream.controller.abort() mid-stream → APIUserAbortError", async () => {
  const full = await fullMessage();
  const stream = await client(emu).messages.create(params({ stream: true }), fault("stall:2000"));
  const { error } = await drain(stream, (_, n) => {
    if (n === 3) stream.controller.abort();
  });
  assert.ok(error instanceof APIUserAbortError, `${error?.constructor?.name}: ${error?.message}`);
  assertPrefixMessage(error.partial, full);
  assert.equal(messageRequests(emu).length, 1);
  assertNoKey(error);
});

test("runner.abort() mid-stream → abort, error, end events; finalMessage rejects with APIUserAbortError", async () => {
  const full = await fullMessage();
  const runner = client(emu).messages.stream(params(), fault("stall:2000"));
  /** @type {string[]} */
  const seen = [];
  let texts = 0;
  runner.on("text", () => {
    if (++texts === 3) runner.abort();
  });
  runner.on("abort", (err) => seen.push(`abort:${err.constructor.name}`));
  runner.on("error", (err) => seen.push(`error:${err.constructor.name}`));
  runner.on("end", () => seen.push("end"));
  const started = Date.now();
  const err = await rejection(runner.finalMessage());
  assert.ok(err instanceof APIUserAbortError, `${err?.constructor?.name}: ${err?.message}`);
  assert.ok(Date.now() - started < 1500);
  assert.deepEqual(seen, ["abort:APIUserAbortError", "error:APIUserAbortError", "end"]);
  assertPrefixMessage(err.partial, full);
  assert.equal(messageRequests(emu).length, 1);
  assertNoKey(err);
});

test("abort while waiting to retry a 429 → APIUserAbortError at once, no further request", async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = client(emu).messages.create(params(), fault("429:5;retry-after-ms=5000", { signal: controller.signal }));
  await sleep(150);
  controller.abort();
  const err = await rejection(pending);
  assert.ok(err instanceof APIUserAbortError, `${err?.constructor?.name}: ${err?.message}`);
  assert.ok(Date.now() - started < 2000);
  assert.equal(messageRequests(emu).length, 1);
  assertNoKey(err);
});

test("a signal aborted before the call → APIUserAbortError, no request", async () => {
  const controller = new AbortController();
  controller.abort();
  const err = await rejection(client(emu).messages.create(params(), { signal: controller.signal }));
  assert.ok(err instanceof APIUserAbortError);
  assert.equal(emu.log().length, 0);
});

// ---------------------------------------------------------------- 429 with retry-after-ms

/**
 * Runs `work` with Math.random pinned to 0: the jittered backoff is then 0, so
 * any wait observed comes from the server's retry-after hint alone.
 * @template T @param {() => Promise<T>} work @returns {Promise<T>}
 */
async function withoutJitter(work) {
  const random = Math.random;
  Math.random = () => 0;
  try {
    return await work();
  } finally {
    Math.random = random;
  }
}

const WAIT = 120;

/** The gaps between the arrivals of the logged requests, in ms. */
const gaps = () => {
  const times = messageRequests(emu).map((e) => Date.parse(e.time));
  return times.slice(1).map((t, i) => t - times[i]);
};

for (const mode of ["create", "create stream", "stream()"]) {
  test(`429 ×2 with retry-after-ms then success (${mode}) → exactly 3 requests, waits honoured`, async () => {
    const full = await fullMessage();
    const spec = `429:2;retry-after-ms=${WAIT};id=r-${mode}`;
    const started = Date.now();
    const message = await withoutJitter(async () => {
      const c = client(emu);
      if (mode === "create") return c.messages.create(params(), fault(spec));
      if (mode === "stream()") return c.messages.stream(params(), fault(spec)).finalMessage();
      const stream = await c.messages.create(params({ stream: true }), fault(spec));
      await drain(stream);
      return stream.currentMessage();
    });
    const elapsed = Date.now() - started;
    const entries = messageRequests(emu);
    assert.deepEqual(entries.map((e) => e.status), [429, 429, 200]);
    assert.ok(elapsed >= 2 * WAIT, `elapsed ${elapsed} ms < 2 × ${WAIT}`);
    for (const gap of gaps()) {
      assert.ok(gap >= WAIT - 5, `a retry came after ${gap} ms, before retry-after-ms=${WAIT}`);
      assert.ok(gap < WAIT + 1000, `a retry waited ${gap} ms`);
    }
    assert.deepEqual(stable(message), stable({ ...full, usage: message.usage }));
    if (mode === "create") assert.equal(message._request_id, entries[2].requestId, "_request_id of the response that succeeded");
  });
}

test("429 with retry-after (seconds) → waits that long", async () => {
  const started = Date.now();
  const message = await withoutJitter(() => client(emu).messages.create(params(), fault("429:1;retry-after=1")));
  assert.equal(message.type, "message");
  assert.deepEqual(messageRequests(emu).map((e) => e.status), [429, 200]);
  assert.ok(Date.now() - started >= 990, `elapsed ${Date.now() - started} ms`);
});

test("429 more times than maxRetries → RateLimitError from the last response", async () => {
  const err = await rejection(client(emu, { maxRetries: 1 }).messages.create(params(), fault("429:5;retry-after-ms=10")));
  assert.ok(err instanceof RateLimitError);
  assert.equal(err.status, 429);
  assert.equal(err.type, "rate_limit_error");
  assert.equal(messageRequests(emu).length, 2);
  assert.equal(err.requestId, messageRequests(emu)[1].requestId);
  assertNoKey(err);
});

// ---------------------------------------------------------------- huge lines, bytewise

test("an over-long SSE line (huge-line, 20 MiB) → StreamError line_too_large with partial", async () => {
  const full = await fullMessage();
  const err = await rejection(client(emu).messages.stream(params(), fault("huge-line")).finalMessage());
  assert.ok(err instanceof StreamError, `${err?.constructor?.name}: ${err?.message}`);
  assert.ok(["line_too_large", "event_too_large"].includes(err.code), err.code);
  assertPrefixMessage(err.partial, full);
  assertNoKey(err);
});

test("a 1 MiB ping line is skipped: the message is unchanged", async () => {
  const full = await fullMessage();
  const message = await client(emu).messages.stream(params(), fault("huge-line:1048576")).finalMessage();
  assert.deepEqual(stable(message), stable(full));
});

test("bytewise delivery (one byte per chunk, multi-byte UTF-8 split) gives the same events and message", async () => {
  const body = params({ stream: true, messages: [{ role: "user", content: "Résumé: naïve café 勾配降下法?" }] });
  const reference = await client(emu).messages.create(body);
  const { events: expected } = await drain(reference);
  emu.reset();
  const stream = await client(emu).messages.create(body, fault("bytewise"));
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  const norm = (/** @type {any[]} */ evs) => evs.map((e) => (e.type === "message_start" ? { ...e, message: { ...e.message, id: "x" } } : e));
  assert.deepEqual(norm(events), norm(expected));
  assert.match(stream.currentMessage().content[0].text, /^About Résumé naïve café 勾配降下法:/);
  assert.deepEqual(stable(stream.currentMessage()), stable(reference.currentMessage()));
});
