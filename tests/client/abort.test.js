// Aborting at every stage: before the fetch (nothing sent), while waiting for
// a retry or a body, mid-stream (APIUserAbortError keeping what arrived), and
// after the end (nothing happens: the result is complete).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { APIUserAbortError, APIError } from "modelwire";
import { emulator, client, hello, accumulate, contentOf, chatRequests, rejection, assertNoKey, until, sleep } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
});

const fault = (/** @type {string} */ spec) => ({ "x-emulator-fault": spec });

/** @param {any} err */
function assertAbort(err) {
  assert.ok(err instanceof APIUserAbortError, `expected APIUserAbortError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof APIError);
  assert.equal(err.name, "APIUserAbortError");
  assertNoKey(err);
}

test("a signal aborted before the call: APIUserAbortError, nothing sent", async () => {
  const signal = AbortSignal.abort();
  const c = client(emu);
  assertAbort(await rejection(c.chat.completions.create(hello(), { signal })));
  assertAbort(await rejection(c.chat.completions.create({ ...hello(), stream: true }, { signal })));
  const runner = c.chat.completions.stream(hello(), { signal });
  const aborts = [];
  runner.on("abort", (e) => aborts.push(e));
  const err = await rejection(runner.finalChatCompletion());
  assertAbort(err);
  assert.deepEqual(aborts, [err]);
  assert.deepEqual(emu.log(), [], "no request reached the server");
});

test("abort while a plain request's body stalls: APIUserAbortError quickly", async () => {
  const controller = new AbortController();
  const start = performance.now();
  const pending = client(emu).chat.completions.create(hello(), { signal: controller.signal, headers: fault("stall:4000") });
  await until(() => chatRequests(emu).length === 1, 3000, "the request");
  await sleep(50);
  controller.abort();
  assertAbort(await rejection(pending));
  assert.ok(performance.now() - start < 3000);
  assert.equal(chatRequests(emu).length, 1);
});

test("abort during a retry wait: APIUserAbortError, no further request", async () => {
  const controller = new AbortController();
  const start = performance.now();
  const pending = client(emu).chat.completions.create(hello(), { signal: controller.signal, headers: fault("429:3;retry-after-ms=5000") });
  await until(() => chatRequests(emu).length === 1, 3000, "the first attempt");
  await sleep(50);
  controller.abort();
  assertAbort(await rejection(pending));
  assert.ok(performance.now() - start < 3000, "did not wait out the retry");
  await sleep(100);
  assert.equal(chatRequests(emu).length, 1);
});

test("abort mid-stream through the signal: iteration ends with APIUserAbortError; partial keeps what arrived", async () => {
  emu.configure({ streamDelayMs: 25 });
  const controller = new AbortController();
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true }, { signal: controller.signal });
  const chunks = [];
  const start = performance.now();
  const err = await rejection(async () => {
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunks.length === 4) controller.abort();
    }
  });
  assertAbort(err);
  assert.ok(performance.now() - start < 3000);
  assert.ok(chunks.length >= 4 && chunks.length < 10, `${chunks.length} chunks`);
  const got = accumulate(chunks).content;
  assert.ok(err.partial, "partial is set when a stream was under way");
  assert.ok(contentOf(err.partial).startsWith(got), "partial holds what was delivered");
  assert.equal(chatRequests(emu).length, 1);
});

test("stream.controller.abort() mid-stream ends iteration with APIUserAbortError", async () => {
  emu.configure({ streamDelayMs: 25 });
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  assert.ok(stream.controller instanceof AbortController);
  const chunks = [];
  const err = await rejection(async () => {
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunks.length === 3) stream.controller.abort();
    }
  });
  assertAbort(err);
  assert.ok(chunks.length < 10, `${chunks.length} chunks`);
  assert.ok(contentOf(stream.currentCompletion()).startsWith(accumulate(chunks).content));
});

test("stream.controller.abort() before iterating: APIUserAbortError on the first next()", async () => {
  emu.configure({ streamDelayMs: 25 });
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  stream.controller.abort();
  assertAbort(await rejection(async () => {
    for await (const _ of stream);
  }));
});

test("runner.abort() mid-stream: abort + error events, finalChatCompletion rejects, partial kept", async () => {
  emu.configure({ streamDelayMs: 25 });
  const runner = client(emu).chat.completions.stream(hello());
  let content = "";
  const aborts = [];
  const errors = [];
  let ended = 0;
  runner.on("content", (d) => {
    content += d;
    if (content.length > 10 && !runner.controller.signal.aborted) runner.abort();
  });
  runner.on("abort", (e) => aborts.push(e));
  runner.on("error", (e) => errors.push(e));
  runner.on("end", () => ended++);
  const err = await rejection(runner.finalChatCompletion());
  assertAbort(err);
  assert.deepEqual(aborts, [err]);
  assert.deepEqual(errors, [err]);
  assert.equal(ended, 1);
  assert.ok(contentOf(err.partial).startsWith(content), "partial holds the content delivered");
  assert.ok(content.length < 100, "stopped early");
});

test("the runner's signal option aborts it mid-stream", async () => {
  emu.configure({ streamDelayMs: 25 });
  const controller = new AbortController();
  const runner = client(emu).chat.completions.stream(hello(), { signal: controller.signal });
  runner.on("content", () => controller.abort());
  assertAbort(await rejection(runner.finalChatCompletion()));
  assert.equal(chatRequests(emu).length, 1);
});

test("abort after the end: nothing thrown, the result is complete", async () => {
  const controller = new AbortController();
  const c = client(emu);
  const plain = await c.chat.completions.create(hello(), { signal: controller.signal });
  controller.abort();
  assert.match(contentOf(plain), /^About/);

  const controller2 = new AbortController();
  const stream = await c.chat.completions.create({ ...hello(), stream: true }, { signal: controller2.signal });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  controller2.abort();
  stream.controller.abort();
  assert.equal(contentOf(stream.currentCompletion()), accumulate(chunks).content);
  assert.equal(contentOf(stream.currentCompletion()), contentOf(plain));

  const controller3 = new AbortController();
  const runner = c.chat.completions.stream(hello(), { signal: controller3.signal });
  const final = await runner.finalChatCompletion();
  const aborts = [];
  runner.on("abort", (e) => aborts.push(e));
  controller3.abort();
  runner.abort();
  await sleep(20);
  assert.deepEqual(aborts, []);
  assert.equal(contentOf(await runner.finalChatCompletion()), contentOf(final));
  assert.equal(await runner.finalContent(), contentOf(plain));
});

test("abort after all chunks were read but before the loop finished: the completion is still whole", async () => {
  const controller = new AbortController();
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true }, { signal: controller.signal });
  const chunks = [];
  // Abort when the usage-only (last) chunk arrives: everything has been received.
  const err = await rejection(async () => {
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunk.choices.length === 0) controller.abort();
    }
    throw new Error("completed");
  }).catch((e) => e);
  // Either the loop completed, or it ended with an abort: both keep the whole content.
  assert.ok(err.message === "completed" || err instanceof APIUserAbortError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(contentOf(stream.currentCompletion()).length > 0);
  assert.equal(contentOf(stream.currentCompletion()), accumulate(chunks).content);
});
