// A stream that fails after it began: StreamError with the right code and a
// `partial` holding exactly what was received, no retry once a chunk reached
// the caller; and a body that fails before any chunk is retried.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StreamError, APIConnectionError, APIError } from "modelwire";
import {
  emulator, client, hello, rawChat, sseBlocks, chunksOf, accumulate, contentOf, reasoningOf, REASONING_MODEL,
  chatRequests, rejection, assertNoKey,
} from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const body = { ...hello("Explain backpropagation briefly."), model: REASONING_MODEL };
const fault = (/** @type {string} */ spec) => ({ headers: { "x-emulator-fault": spec } });

/** The raw SSE of `body` (optionally with a fault), read on a fresh emulator state. @param {string} [spec] */
async function raw(spec) {
  emu.reset();
  const result = await rawChat(emu, { ...body, stream: true }, spec ? { "x-emulator-fault": spec } : {});
  emu.reset();
  return result;
}

/** Chunks without the fields that differ between runs. @param {any[]} chunks */
const stable = (chunks) => chunks.map(({ id, created, ...rest }) => rest);

/**
 * Runs `body` streamed through `create` and collects the chunks until it throws.
 * @param {import("modelwire").RequestOptions} options
 */
async function iterate(options, c = client(emu)) {
  const chunks = [];
  const stream = await c.chat.completions.create({ ...body, stream: true }, options);
  const err = await rejection(async () => {
    for await (const chunk of stream) chunks.push(chunk);
  });
  return { chunks, err, stream };
}

/** Asserts a StreamError with code, partial = accumulation of `expected`, one request. @param {any} err @param {string} code @param {any[]} expected */
function assertStreamError(err, code, expected) {
  assert.ok(err instanceof StreamError, `expected StreamError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof APIError);
  assert.equal(err.name, "StreamError");
  assert.equal(err.code, code);
  assert.equal(err.status, undefined, "no HTTP error status: the response was a 200");
  assert.equal(err.requestId, chatRequests(emu)[0].requestId);
  const acc = accumulate(expected);
  assert.equal(err.partial.object, "chat.completion");
  assert.equal(contentOf(err.partial), acc.content, "partial content is exactly what arrived");
  assert.equal(reasoningOf(err.partial), acc.reasoning, "partial reasoning is exactly what arrived");
  assertNoKey(err);
}

test("drop:K mid-stream → StreamError connection_lost, partial = the events fully received, 1 request", async (t) => {
  const reference = await raw();
  const blocks = sseBlocks(reference.bytes);
  const n = blocks.length;
  assert.ok(n > 10, `the reference has ${n} events`);
  const cuts = [
    ["at the end of event 2", blocks[1].end],
    ["one byte before the end of event 3", blocks[2].end - 1],
    ["inside the middle event", blocks[Math.floor(n / 2)].end + 9],
    ["in the last content events", blocks[n - 4].end + 3],
  ];
  for (const [where, k, extra] of [...cuts, ["bytewise, inside the middle event", blocks[Math.floor(n / 2)].end + 9, "bytewise,"]]) {
    await t.test(`${extra ?? ""}drop:${k} (${where})`, async () => {
      emu.reset();
      const received = blocks.filter((b) => b.end <= k);
      const expected = chunksOf(received);
      const { chunks, err } = await iterate(fault(`${extra ?? ""}drop:${k}`));
      assertStreamError(err, "connection_lost", expected);
      assert.deepEqual(stable(chunks), stable(expected), "the chunks before the failure were delivered");
      assert.equal(chatRequests(emu).length, 1, "no retry after chunks were delivered");
    });
  }
});

test("drop mid-stream through the runner: error event, content events = partial content", async () => {
  const reference = await raw();
  const blocks = sseBlocks(reference.bytes);
  const k = blocks[Math.floor(blocks.length / 2)].end + 5;
  const expected = accumulate(chunksOf(blocks.filter((b) => b.end <= k)));
  const runner = client(emu).chat.completions.stream(body, fault(`drop:${k}`));
  let content = "";
  let reasoning = "";
  const errors = [];
  runner.on("content", (d) => (content += d));
  runner.on("reasoning", (d) => (reasoning += d));
  runner.on("error", (e) => errors.push(e));
  const err = await rejection(runner.finalChatCompletion());
  assertStreamError(err, "connection_lost", chunksOf(blocks.filter((b) => b.end <= k)));
  assert.deepEqual(errors, [err]);
  assert.equal(content, expected.content);
  assert.equal(reasoning, expected.reasoning);
  assert.equal(chatRequests(emu).length, 1);
});

test("drop:0 (right after the headers) is retried: maxRetries + 1 requests", async () => {
  for (const maxRetries of [0, 2]) {
    emu.reset();
    const c = client(emu, { maxRetries });
    const err = await rejection(async () => {
      const stream = await c.chat.completions.create({ ...body, stream: true }, fault("drop:0"));
      for await (const _ of stream);
    });
    assert.equal(chatRequests(emu).length, maxRetries + 1, `maxRetries ${maxRetries}`);
    assert.ok(
      (err instanceof StreamError && err.code === "connection_lost") || err instanceof APIConnectionError,
      `got ${err?.constructor?.name} ${err?.code}: ${err?.message}`,
    );
    if (err instanceof StreamError) assert.equal(contentOf(err.partial) + reasoningOf(err.partial), "");
    assertNoKey(err);
  }
});

test("a drop inside the first event (bytes but no chunk yet) is retried", async () => {
  const blocks = sseBlocks((await raw()).bytes);
  const k = Math.floor(blocks[0].end / 2);
  const err = await rejection(async () => {
    const stream = await client(emu, { maxRetries: 2 }).chat.completions.create({ ...body, stream: true }, fault(`drop:${k}`));
    for await (const _ of stream);
  });
  assert.equal(chatRequests(emu).length, 3, "retried while no chunk had reached the caller");
  assert.ok(err instanceof StreamError || err instanceof APIConnectionError, `got ${err?.constructor?.name}`);
  assertNoKey(err);
});

test("a plain (non-stream) body dropped halfway is retried, then APIConnectionError", async () => {
  const err = await rejection(client(emu, { maxRetries: 1 }).chat.completions.create(body, fault("drop:60")));
  assert.ok(err instanceof APIConnectionError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, undefined);
  assert.equal(chatRequests(emu).length, 2);
  assertNoKey(err);
});

for (const spec of ["error", "error:event"]) {
  test(`mid-stream ${spec} → StreamError server_error with partial, kind InternalServerError, 1 request`, async () => {
    const reference = await raw(spec);
    const blocks = sseBlocks(reference.bytes);
    const errorAt = blocks.findIndex((b) => b.data.includes('"error"'));
    assert.ok(errorAt > 1, "the reference carries the error object mid-stream");
    const expected = chunksOf(blocks.slice(0, errorAt));
    const { chunks, err } = await iterate(fault(spec));
    assertStreamError(err, "server_error", expected);
    assert.equal(err.kind, "InternalServerError");
    assert.match(err.message, /generation stopped unexpectedly/);
    assert.ok(err.error, "the stream's error object is kept");
    assert.deepEqual(stable(chunks), stable(expected));
    assert.equal(chatRequests(emu).length, 1);
  });
}

test("malformed chunk → StreamError invalid_chunk with the chunks before it as partial", async () => {
  const reference = await raw("malformed");
  const blocks = sseBlocks(reference.bytes);
  const badAt = blocks.findIndex((b) => {
    if (b.data === "[DONE]") return false;
    try {
      JSON.parse(b.data);
      return false;
    } catch {
      return true;
    }
  });
  assert.ok(badAt > 0);
  const expected = chunksOf(blocks.slice(0, badAt));
  const { chunks, err } = await iterate(fault("malformed"));
  assertStreamError(err, "invalid_chunk", expected);
  assert.deepEqual(stable(chunks), stable(expected));
  assert.equal(chatRequests(emu).length, 1);
});

test("malformed chunk through the runner → StreamError invalid_chunk", async () => {
  const err = await rejection(client(emu).chat.completions.stream(body, fault("malformed")).finalChatCompletion());
  assert.ok(err instanceof StreamError);
  assert.equal(err.code, "invalid_chunk");
  assert.ok(contentOf(err.partial).length + reasoningOf(err.partial).length > 0);
  assertNoKey(err);
});

test("a clean stream ending with [DONE] is not an error", async () => {
  const stream = await client(emu).chat.completions.create({ ...body, stream: true });
  for await (const _ of stream);
  assert.equal(chatRequests(emu).length, 1);
});

test("huge-line:1048576 (a 1 MiB line) streams fine", async () => {
  const reference = accumulate(chunksOf(sseBlocks((await raw()).bytes)));
  const stream = await client(emu).chat.completions.create({ ...body, stream: true }, fault("huge-line:1048576"));
  let count = 0;
  for await (const _ of stream) count++;
  const final = stream.currentCompletion();
  const content = contentOf(final);
  assert.equal(content.length, reference.content.length + 1048576);
  assert.ok(content.includes("x".repeat(1048576)));
  assert.equal(content.replace("x".repeat(1048576), ""), reference.content);
  assert.equal(reasoningOf(final), reference.reasoning);
  assert.ok(count > 5);
});

test("huge-line:1048576 through the runner", async () => {
  const content = await client(emu).chat.completions.stream(body, fault("huge-line:1048576")).finalContent();
  assert.ok((content ?? "").includes("x".repeat(1048576)));
});

test("a line over the default 8 MiB buffer cap → StreamError line_too_large / event_too_large with partial", async () => {
  const { chunks, err } = await iterate(fault("huge-line:9437184"));
  assert.ok(err instanceof StreamError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(["line_too_large", "event_too_large"].includes(err.code), `code ${err.code}`);
  assert.equal(contentOf(err.partial), accumulate(chunks).content);
  assert.ok(chunks.length > 0, "the chunks before the huge line were delivered");
  assert.equal(chatRequests(emu).length, 1);
  assertNoKey(err);
});

test.skip("a configurable buffer cap on the client (ClientOptions has no such option in index.d.ts)", () => {});
