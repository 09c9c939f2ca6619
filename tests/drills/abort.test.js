// Drill: abort at every stage (before the fetch, while the headers are
// awaited, mid-stream, after the end), for both protocols, by iteration and
// through the runner. Each abort gives exactly one APIUserAbortError (one
// `abort` and one `error` event from a runner, no unhandled rejection), and
// nothing more is read from the network once it happened.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { APIUserAbortError } from "modelwire";
import { startEmulator, KEY, PROTOCOLS, client, fault, tracedFetch, drain, requests, sleep } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** A server that takes requests and never answers (headers pending forever). */
/** @type {import("node:http").Server} */
let hold;
/** @type {{ closed: boolean }[]} */
const held = [];
/** @type {unknown[]} */
const unhandled = [];
const onUnhandled = (/** @type {unknown} */ err) => unhandled.push(err);

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  hold = createServer((req) => {
    const entry = { closed: false };
    held.push(entry);
    req.socket.on("close", () => (entry.closed = true));
  });
  await new Promise((resolve) => hold.listen(0, "127.0.0.1", () => resolve(undefined)));
  process.on("unhandledRejection", onUnhandled);
});
after(async () => {
  process.off("unhandledRejection", onUnhandled);
  hold.closeAllConnections();
  await new Promise((resolve) => hold.close(() => resolve(undefined)));
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  unhandled.length = 0;
});

/** @param {any} err */
function assertAbort(err) {
  assert.ok(err instanceof APIUserAbortError, `expected APIUserAbortError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(!String(err.message).includes(KEY));
}

/**
 * A runner with its abort / error / end events counted.
 * @param {any} runner
 */
function watch(runner) {
  const seen = { abort: /** @type {unknown[]} */ ([]), error: /** @type {unknown[]} */ ([]), end: 0 };
  runner.on("abort", (/** @type {unknown} */ e) => seen.abort.push(e));
  runner.on("error", (/** @type {unknown} */ e) => seen.error.push(e));
  runner.on("end", () => seen.end++);
  return seen;
}

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];
  const current = (/** @type {any} */ s) => (protocol === "chat" ? s.currentCompletion() : s.currentMessage());

  test(`${protocol}: aborted before the fetch → one APIUserAbortError, no fetch, no request (create, stream, runner)`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { fetch: trace.fetch });
    const signal = AbortSignal.abort();
    assertAbort(await p.api(c).create(p.body(), { signal }).catch((e) => e));
    assertAbort(await p.api(c).create({ ...p.body(), stream: true }, { signal }).catch((e) => e));
    const runner = p.api(c).stream(p.body(), { signal });
    const seen = watch(runner);
    const err = await p.final(runner).catch((e) => e);
    assertAbort(err);
    assert.deepEqual(seen.abort, [err]);
    assert.deepEqual(seen.error, [err]);
    assert.equal(trace.calls.length, 0);
    assert.equal(requests(emu, protocol).length, 0);
    await sleep(20);
    assert.deepEqual(unhandled, []);
  });

  test(`${protocol}: aborted while the headers are awaited → one APIUserAbortError at once, the connection closed, no retry`, async () => {
    const trace = tracedFetch();
    const addr = /** @type {import("node:net").AddressInfo} */ (hold.address());
    const c = client({ url: `http://127.0.0.1:${addr.port}` }, { fetch: trace.fetch, maxRetries: 3 });
    for (const kind of ["create", "runner"]) {
      held.length = 0;
      const controller = new AbortController();
      const before = trace.calls.length;
      setTimeout(() => controller.abort(), 150);
      const start = performance.now();
      let err;
      /** @type {any} */
      let seen = null;
      if (kind === "create") {
        err = await p.api(c).create({ ...p.body(), stream: true }, { signal: controller.signal }).catch((e) => e);
      } else {
        const runner = p.api(c).stream(p.body(), { signal: controller.signal });
        seen = watch(runner);
        err = await p.final(runner).catch((e) => e);
      }
      const ms = performance.now() - start;
      assertAbort(err);
      assert.ok(ms < 1000, `${kind}: rejected after ${ms.toFixed(0)} ms`);
      if (seen) {
        assert.deepEqual(seen.abort, [err]);
        assert.deepEqual(seen.error, [err]);
      }
      assert.equal(trace.calls.length - before, 1, `${kind}: one fetch, no retry after an abort`);
      await sleep(100);
      assert.equal(held.length, 1);
      assert.ok(held[0].closed, `${kind}: the pending request's connection was closed`);
    }
    assert.deepEqual(unhandled, []);
  });

  for (const how of ["signal", "stream.controller", "runner.abort()"]) {
    test(`${protocol}: aborted mid-stream (${how}, while the server stalls) → one APIUserAbortError with partial = what arrived; nothing read after`, async () => {
      const trace = tracedFetch();
      const c = client(emu, { fetch: trace.fetch, maxRetries: 3 });
      const controller = new AbortController();
      const options = fault("stall:1000;at=6", how === "signal" ? { signal: controller.signal } : {});
      /** @type {any} */
      let err;
      /** @type {any[]} */
      let items = [];
      /** @type {any} */
      let seen = null;
      if (how === "runner.abort()") {
        const runner = p.api(c).stream(p.body(), options);
        seen = watch(runner);
        runner.on(protocol === "chat" ? "chunk" : "streamEvent", () => {
          items.push(null);
          if (items.length === 3) setTimeout(() => (trace.stopAt(), runner.abort()), 50);
        });
        err = await p.final(runner).catch((e) => e);
      } else {
        const stream = await p.api(c).create({ ...p.body(), stream: true }, options);
        const abort = () => (how === "signal" ? controller.abort() : stream.controller.abort());
        const result = await drain(stream, (_, n) => {
          if (n === 3) setTimeout(() => (trace.stopAt(), abort()), 50);
        });
        items = result.items;
        err = result.error;
        assert.deepEqual(p.view(current(stream)), p.expected(items), "the stream's snapshot is what was yielded");
      }
      assertAbort(err);
      const [call] = trace.calls;
      assert.equal(trace.calls.length, 1);
      assert.ok(call.cancelled, "the body was cancelled");
      const reference = p.items(call.received());
      if (how !== "runner.abort()") assert.deepEqual(items, reference);
      assert.deepEqual(p.view(err.partial), p.expected(reference), "partial is what the received bytes hold");
      if (seen) {
        assert.deepEqual(seen.abort, [err]);
        assert.deepEqual(seen.error, [err]);
        assert.equal(seen.end, 1);
      }
      await sleep(100);
      assert.equal(trace.readsAfterStop, 0, "nothing read from the network after the abort");
      assert.deepEqual(unhandled, []);
    });
  }

  test(`${protocol}: aborted after the end → nothing thrown, no abort event, the result complete, nothing read after`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { fetch: trace.fetch });
    const controller = new AbortController();
    const stream = await p.api(c).create({ ...p.body(), stream: true }, { signal: controller.signal });
    const { items, error } = await drain(stream);
    assert.equal(error, null);
    trace.stopAt();
    controller.abort();
    stream.controller.abort();
    assert.deepEqual(p.view(current(stream)), p.expected(items));
    await sleep(50);
    assert.equal(trace.readsAfterStop, 0);

    const runnerTrace = tracedFetch();
    const runner = p.api(client(emu, { fetch: runnerTrace.fetch })).stream(p.body());
    const seen = watch(runner);
    const final = await p.final(runner);
    runnerTrace.stopAt();
    runner.abort();
    await sleep(50);
    assert.equal(runnerTrace.readsAfterStop, 0);
    assert.ok(final);
    assert.deepEqual(seen.abort, []);
    assert.deepEqual(seen.error, []);
    assert.equal(seen.end, 1);
    assert.equal(trace.readsAfterStop, 0);
    assert.deepEqual(unhandled, []);
  });
}
