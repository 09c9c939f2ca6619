// The fault drills of tests/drills/ in real Chromium (Playwright driving Debian's build), on the
// web build, for both client.chat.completions and client.messages, by stream iteration and
// through the .stream() runner: 429 ×3 with retry-after-ms then success (each wait measured),
// a 503 storm longer than the retry budget, connections dropped after 1, 100 and 10,000 bytes,
// an abort while the headers are awaited and one after the end, malformed JSON in one event,
// an event type nobody knows, a 20 MiB line (and the same client working afterwards), and key
// hygiene across every failure and the page's console. (tests/browser/client.test.js and
// messages.test.js hold the drills Chromium already had: short retries, maxRetries 0, stalls,
// mid-stream errors, aborts mid-stream.)
//
// The page (tests/browser/drills/) imports /js/web.js from scripts/serve.js, whose /v1 proxy
// leads to the emulator. Each client in the page gets a recording fetch of the page's own (call
// starts, the bytes delivered, cancels, reads after "stop"). The references are independent of
// modelwire: the emulator's request log (statuses, arrival times, request ids) and its raw bytes
// read here in Node and parsed by the suites' own SSE readers (tests/drills/helpers.js, over
// tests/client/helpers.js and tests/messages/helpers.js).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launchChromium, openTestPage } from "./harness.js";
import { serve } from "../../scripts/serve.js";
import { startEmulator, KEY, PROTOCOLS, itemsBeforeBad, raw, requests, sleep } from "../drills/helpers.js";
import { sseBlocks } from "../client/helpers.js";

const PAGE_DIR = new URL("./drills/", import.meta.url);
const PIECE = KEY.slice(13, 29); // a truncated or split key still gives itself away
const NEEDLES = [KEY, PIECE];
const MiB = 1024 * 1024;

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {string[]} */
let pageErrors = [];
/** Every console message of the page, over the whole suite. @type {string[]} */
const consoleLines = [];
let crashes = 0;

/** A server that answers CORS preflights and never answers a request (headers pending forever). */
/** @type {import("node:http").Server} */
let hold;
/** @type {{ method: string, closed: boolean }[]} */
const held = [];

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  server = await serve({ upstream: emu.url });
  hold = createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-origin": req.headers.origin ?? "*",
        "access-control-allow-methods": "POST, GET",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-max-age": "600",
      });
      return void res.end();
    }
    const entry = { method: String(req.method), closed: false };
    held.push(entry);
    req.socket.on("close", () => (entry.closed = true));
    req.resume();
  });
  await new Promise((resolve) => hold.listen(0, "127.0.0.1", () => resolve(undefined)));
  browser = await launchChromium();
  ({ page, pageErrors } = await openTestPage(browser, server.url, PAGE_DIR, "__drills-test", {
    setup: async (p) => {
      // The page is fulfilled by Playwright (no address space of its own), so Chromium's Local
      // Network Access checks would block its requests to the never-answering server.
      await p.context().grantPermissions(["local-network-access"]);
      p.on("console", (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
      p.on("crash", () => crashes++);
    },
  }));
});

after(async () => {
  await browser?.close();
  hold?.closeAllConnections();
  await new Promise((resolve) => (hold ? hold.close(() => resolve(undefined)) : resolve(undefined)));
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.reset();
  // The prefix cache off: every attempt at the same request gets the same answer, usage included.
  emu.configure({ streamDelayMs: 0, cacheBlockTokens: 1e9 });
});

/**
 * Runs one scenario in the page.
 * @param {string} name @param {Record<string, unknown>} args @returns {Promise<any>}
 */
function run(name, args) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, ...args }]));
}

/** A drill in the page. @param {"chat" | "messages"} protocol @param {"stream" | "runner"} mode @param {Record<string, unknown>} args */
const drill = (protocol, mode, args = {}) => run("drill", { protocol, mode, body: PROTOCOLS[protocol].body(), ...args });

/** Items with the per-response random fields (ids, chat's `created`) blanked. @param {"chat" | "messages"} protocol @param {any[]} items */
function norm(protocol, items) {
  return items.map((item) => {
    if (protocol === "chat") return item && typeof item === "object" && "id" in item ? { ...item, id: "<id>", created: 0 } : item;
    return item?.type === "message_start" ? { ...item, message: { ...item.message, id: "<id>" } } : item;
  });
}

/** The emulator's raw answer to the drill's body, read in Node; then a reset for the page's request. @param {"chat" | "messages"} protocol @param {Record<string, string>} [headers] */
async function reference(protocol, headers = {}) {
  const bytes = await raw(emu, protocol, { ...PROTOCOLS[protocol].body(), stream: true }, headers);
  emu.reset();
  return bytes;
}

/** The bytes a page call received (as kept by the page's fetch). @param {any} call */
const received = (call) => Buffer.from(call.received, "base64");

/** The comparable view of a stream's or runner's result. @param {"chat" | "messages"} protocol @param {any} result */
const viewOf = (protocol, result) => PROTOCOLS[protocol].view(result);

/** The key, or a 16-character piece of it, in no rendering of the error. @param {any} error @param {string} what */
function assertClean(error, what) {
  assert.ok(error, `${what}: no error to check`);
  assert.ok(error.renderings["err.message"].length > 0 && error.renderings["err.stack"].includes(error.name), `${what}: the renderings are there`);
  for (const [view, text] of Object.entries(error.renderings)) {
    for (const needle of NEEDLES) assert.ok(!text.includes(needle), `${what}: ${view} contains the key: ${text.slice(0, 300)}`);
  }
  if (error.hasPartial) assert.notEqual(error.renderings["JSON.stringify(err.partial)"], "undefined");
}

/** @param {any} error @param {string} className */
function assertErrorClass(error, className) {
  assert.ok(error, `expected ${className}, nothing was thrown`);
  assert.equal(error.constructorName, className, `${error.constructorName}: ${error.message}`);
}

/** A runner's error: one error event, the same error, then end; no abort event unless `abort`. @param {any} seen @param {boolean} [abort] */
function assertRunnerFailed(seen, abort = false) {
  assert.equal(seen.errors, 1, `error events: ${seen.order}`);
  assert.equal(seen.errorEventIsTheError, true, "the error event carries the error thrown");
  assert.equal(seen.aborts, abort ? 1 : 0, `abort events: ${seen.order}`);
  if (abort) assert.equal(seen.abortEventIsTheError, true);
  assert.equal(seen.ends, 1);
  assert.equal(seen.order.at(-1), "end");
}

/** Milliseconds between consecutive entries of the emulator log (its ISO arrival times). @param {any[]} log */
const logGaps = (log) => log.slice(1).map((e, i) => Date.parse(e.time) - Date.parse(log[i].time));
/** Milliseconds between the starts of consecutive fetches in the page. @param {any[]} calls */
const callGaps = (calls) => calls.slice(1).map((c, i) => c.start - calls[i].start);

/** Measured 429 waits, for the summary at the end. @type {string[]} */
const measured = [];

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  for (const mode of /** @type {const} */ (["stream", "runner"])) {
    test(`${protocol} (${mode}): 429 ×3 with retry-after-ms=300 → exactly 4 requests, each wait ≥ 300 ms, then the whole answer`, async (t) => {
      const refItems = p.items(await reference(protocol));
      const result = await drill(protocol, mode, { fault: "429:3;retry-after-ms=300", clientOptions: { maxRetries: 3 } });
      assert.equal(result.error, null, result.error?.message);
      const log = requests(emu, protocol);
      assert.deepEqual(log.map((e) => e.status), [429, 429, 429, 200], "exactly 4 requests");
      assert.equal(result.calls.length, 4, "4 fetches in the page");
      // Server side: arrival times in the log (ISO, whole milliseconds, hence 1 ms of rounding).
      // Client side: the starts of the page's fetches (performance.now()).
      const fromLog = logGaps(log);
      const fromPage = callGaps(result.calls);
      const line = `${protocol} ${mode}: log ${fromLog.join(", ")} ms; page ${fromPage.map((g) => g.toFixed(1)).join(", ")} ms`;
      measured.push(line);
      t.diagnostic(`asked 300 ms; waited ${line}`);
      for (const gap of fromLog) assert.ok(gap >= 299, `the emulator saw a retry ${gap} ms after the 429 that asked for 300 ms`);
      for (const gap of fromPage) assert.ok(gap >= 299, `the page fetched again after ${gap.toFixed(1)} ms, before the 300 ms asked for`);
      for (const gap of [...fromLog, ...fromPage]) assert.ok(gap < 300 * 1.1 + 1500, `waited ${gap} ms for a 300 ms retry-after`);
      // The whole answer, as the emulator gives it (read in Node).
      assert.deepEqual(norm(protocol, result.items), norm(protocol, refItems), "every item of the answer, in order");
      const expected = p.expected(refItems);
      assert.deepEqual(viewOf(protocol, mode === "stream" ? result.current : result.final), expected);
      assert.ok(result.calls.slice(0, 3).every((/** @type {any} */ c) => c.bytes < 2000), "the 429s are error bodies");
      if (mode === "runner") assert.deepEqual(result.seen.order, ["end"]);
    });

    test(`${protocol} (${mode}): a 503 storm (503:50;retry-after-ms=100) longer than maxRetries 3 → InternalServerError after exactly 4 requests, in bounded time`, async (t) => {
      const result = await drill(protocol, mode, { fault: "503:50;retry-after-ms=100", clientOptions: { maxRetries: 3 } });
      assertErrorClass(result.error, "InternalServerError");
      assert.equal(result.error.isInternalServerError, true);
      assert.equal(result.error.isStreamError, false, "the stream never began");
      assert.equal(result.error.status, 503);
      const log = requests(emu, protocol);
      assert.deepEqual(log.map((e) => e.status), [503, 503, 503, 503], "maxRetries + 1 requests");
      assert.equal(result.calls.length, 4);
      assert.equal(result.error.requestId, log.at(-1).requestId, "the last response's error");
      t.diagnostic(`${result.elapsed.toFixed(0)} ms; page waits ${callGaps(result.calls).map((g) => g.toFixed(0)).join(", ")} ms`);
      assert.ok(result.elapsed >= 299 && result.elapsed < 5000, `took ${result.elapsed.toFixed(0)} ms`);
      assert.deepEqual(result.items, []);
      if (mode === "runner") assertRunnerFailed(result.seen);
      assertClean(result.error, "503 storm");
    });

    for (const k of [1, 100]) {
      test(`${protocol} (${mode}): dropped after ${k} byte${k > 1 ? "s" : ""} (inside the first event) → nothing yielded, retried up to maxRetries 2 (3 requests), then StreamError connection_lost with an empty partial`, async () => {
        const result = await drill(protocol, mode, { fault: `drop:${k}`, clientOptions: { maxRetries: 2 } });
        assertErrorClass(result.error, "StreamError");
        assert.equal(result.error.code, "connection_lost");
        assert.equal(result.error.status, null);
        assert.deepEqual(result.items, [], "nothing was yielded");
        assert.equal(requests(emu, protocol).length, 3, "maxRetries + 1 requests in the emulator log");
        assert.equal(result.calls.length, 3, "3 fetches in the page");
        for (const call of result.calls) {
          assert.ok(call.bytes <= k, `${call.bytes} bytes read from a body cut at ${k}`);
          assert.deepEqual(p.items(received(call)), [], `no whole event in ${call.bytes} bytes`);
        }
        const partial = result.error.partial;
        if (protocol === "chat") {
          assert.equal(partial?.object, "chat.completion");
          assert.deepEqual(partial.choices, [], "nothing accumulated");
        } else {
          assert.ok(partial === null || (Array.isArray(partial.content) && partial.content.length === 0), `partial ${JSON.stringify(partial)}`);
        }
        if (mode === "runner") assertRunnerFailed(result.seen);
        assertClean(result.error, `drop:${k}`);
      });
    }

    test(`${protocol} (${mode}): dropped after 10,000 bytes of a long answer → StreamError connection_lost, items and partial = exactly the whole events of those bytes, 1 request`, async () => {
      // The reference: the emulator's whole answer read in Node, cut at 10,000 bytes.
      const full = await reference(protocol);
      assert.ok(full.length > 10_000, `${full.length} bytes`);
      const cut = full.subarray(0, 10_000);
      const blocks = sseBlocks(cut);
      assert.ok(blocks.at(-1).end < 10_000, "the cut falls inside an event");
      const refItems = p.items(cut);
      assert.ok(refItems.length >= 5, `${refItems.length} whole events in 10,000 bytes`);
      // Chromium fails the body read that brings the end of the connection together with the
      // bytes of the same read: the events are paced to reach the page before the drop does.
      emu.configure({ streamDelayMs: 20 });
      const result = await drill(protocol, mode, { fault: "drop:10000", clientOptions: { maxRetries: 3 } });
      assertErrorClass(result.error, "StreamError");
      assert.equal(result.error.code, "connection_lost");
      const log = requests(emu, protocol);
      assert.equal(log.length, 1, "no retry after items reached the caller");
      assert.equal(result.calls.length, 1);
      assert.equal(result.error.requestId, log[0].requestId);
      const [call] = result.calls;
      assert.ok(call.bytes <= 10_000 && call.bytes >= blocks.at(-1).end, `${call.bytes} bytes read`);
      assert.deepEqual(norm(protocol, p.items(received(call))), norm(protocol, refItems), "the page received the same whole events");
      assert.deepEqual(norm(protocol, result.items), norm(protocol, refItems), "the items yielded are the whole events of the 10,000 bytes");
      const expected = p.expected(refItems);
      assert.deepEqual(viewOf(protocol, result.error.partial), expected, "partial = the reference accumulation of those events");
      if (mode === "stream") assert.deepEqual(viewOf(protocol, result.current), expected, "the stream's own snapshot agrees");
      else assertRunnerFailed(result.seen);
      assertClean(result.error, "drop:10000");
    });

    test(`${protocol} (${mode}): aborted while the headers are awaited (a server that never answers) → one APIUserAbortError, one fetch, the connection closed`, async () => {
      held.length = 0;
      const port = /** @type {import("node:net").AddressInfo} */ (hold.address()).port;
      const result = await drill(protocol, mode, { baseURL: `http://127.0.0.1:${port}/v1`, abortAfterMs: 150, clientOptions: { maxRetries: 3 } });
      assertErrorClass(result.error, "APIUserAbortError");
      assert.equal(result.error.isAbort, true);
      assert.ok(result.elapsed >= 140 && result.elapsed < 2000, `rejected after ${result.elapsed.toFixed(0)} ms (abort at 150 ms)`);
      assert.equal(result.calls.length, 1, `one fetch, no retry after an abort: ${JSON.stringify(result.calls.map(({ received, ...c }) => c))}`);
      assert.equal(result.calls[0].rejected, "AbortError", `the fetch itself was aborted: ${result.calls[0].rejectedMessage}`);
      assert.deepEqual(result.items, []);
      if (mode === "runner") assertRunnerFailed(result.seen, true);
      const deadline = Date.now() + 2000;
      while (!(held.length === 1 && held[0].closed) && Date.now() < deadline) await sleep(20);
      assert.deepEqual(held.map((h) => h.method), ["POST"], "the server saw one request");
      assert.ok(held[0].closed, "the pending request's connection was closed");
      assertClean(result.error, "abort during headers");
    });

    test(`${protocol} (${mode}): malformed JSON in one event → StreamError invalid_chunk, the items before it yielded, partial exact, not retried`, async () => {
      const refItems = itemsBeforeBad(protocol, await reference(protocol, { "x-emulator-fault": "malformed;at=5" }));
      assert.ok(refItems.length >= 3, `${refItems.length} items before the bad event`);
      const result = await drill(protocol, mode, { fault: "malformed;at=5", clientOptions: { maxRetries: 3 } });
      assertErrorClass(result.error, "StreamError");
      assert.equal(result.error.code, "invalid_chunk");
      assert.equal(requests(emu, protocol).length, 1, "not retried");
      assert.equal(result.calls.length, 1);
      assert.deepEqual(norm(protocol, itemsBeforeBad(protocol, received(result.calls[0]))), norm(protocol, refItems));
      assert.deepEqual(norm(protocol, result.items), norm(protocol, refItems), "the items before the bad event, in order");
      assert.deepEqual(viewOf(protocol, result.error.partial), p.expected(refItems), "partial = those items accumulated");
      if (mode === "runner") assertRunnerFailed(result.seen);
      assertClean(result.error, "malformed");
    });

    test(`${protocol} (${mode}): an unknown event type mid-stream → passed through as is, not an error; the result unchanged`, async () => {
      const refItems = p.items(await reference(protocol));
      const unknown =
        protocol === "chat"
          ? { event: "keepalive", data: { type: "keepalive", note: "new" } }
          : { event: "content_block_flash", data: { type: "content_block_flash", index: 0, note: "new" } };
      const result = await drill(protocol, mode, { unknown });
      assert.equal(result.error, null, result.error?.message);
      assert.deepEqual(norm(protocol, p.items(received(result.calls[0]))), norm(protocol, result.items), "the items are the events the page received, the unknown one included");
      const at = result.items.findIndex((/** @type {any} */ i) => i.note === "new");
      assert.ok(at > 0, "the unknown event was yielded");
      assert.deepEqual(result.items[at], unknown.data, "as is");
      const known = result.items.filter((/** @type {any} */ i) => i.note !== "new");
      assert.deepEqual(norm(protocol, known), norm(protocol, refItems), "the other items are the server's");
      assert.deepEqual(viewOf(protocol, mode === "stream" ? result.current : result.final), p.expected(refItems), "the unknown event changes nothing");
      if (mode === "runner" && protocol === "messages") {
        assert.deepEqual(
          result.seen.unknown.map((/** @type {any} */ u) => ({ type: u.type, data: JSON.parse(u.data) })),
          [{ type: unknown.data.type, data: unknown.data }],
          "the runner emits unknownEvent(type, data text) once",
        );
      }
      if (mode === "runner") assert.deepEqual(result.seen.order, ["end"]);
    });
  }

  test(`${protocol}: aborted after the end (signal, stream.controller, runner.abort()) → nothing thrown, no abort event, the result complete, nothing read after`, async () => {
    const result = await run("abortAfterEnd", { protocol, body: p.body() });
    assert.equal(result.stream.thrown, null, result.stream.thrown?.message);
    assert.ok(result.stream.items.length > 5);
    const expected = p.expected(result.stream.items);
    assert.deepEqual(viewOf(protocol, result.stream.current), expected, "the result is complete");
    assert.ok(protocol === "chat" ? expected.finish === "stop" : expected.stop_reason === "end_turn", "the answer ended normally");
    assert.equal(result.runner.thrown, null, result.runner.thrown?.message);
    assert.deepEqual(viewOf(protocol, result.runner.final), p.expected(result.runner.items));
    assert.equal(result.runner.seen.aborts, 0, "no abort event");
    assert.equal(result.runner.seen.errors, 0);
    assert.equal(result.runner.seen.ends, 1);
    for (const [calls, items] of /** @type {const} */ ([[result.calls, result.stream.items], [result.runnerCalls, result.runner.items]])) {
      assert.equal(calls.length, 1);
      // Everything up to the closing event arrived (the client may cancel the body once it saw it).
      const bytes = received(calls[0]);
      const last = sseBlocks(bytes).at(-1);
      assert.equal(protocol === "chat" ? last?.data : JSON.parse(last?.data ?? "{}").type, protocol === "chat" ? "[DONE]" : "message_stop", "the closing event arrived");
      assert.deepEqual(norm(protocol, p.items(bytes)), norm(protocol, items), "the items are the events received");
      assert.equal(calls[0].readsAfterStop, 0, "nothing read after the abort");
    }
    assert.equal(requests(emu, protocol).length, 2);
  });

  test(`${protocol}: a 20 MiB line → StreamError line_too_large, the page survives, and a normal request on the same client still works`, async () => {
    const result = await run("hugeLine", { protocol, body: p.body() });
    assert.equal(crashes, 0, "the page did not crash");
    assertErrorClass(result.error, "StreamError");
    assert.equal(result.error.code, "line_too_large");
    const [call, ...afterCalls] = result.calls;
    assert.ok(call.bytes > 8 * MiB, `${call.bytes} bytes read: the cap was reached`);
    assert.ok(call.bytes < 21 * MiB, `${call.bytes} bytes read`);
    assert.equal(call.cancelled, true, "the rest of the body was not read");
    assert.equal(call.done, false);
    const refItems = p.items(received(call)); // the first 256 KiB: the events before the line
    assert.deepEqual(norm(protocol, result.items), norm(protocol, refItems), "the items before the line");
    assert.deepEqual(viewOf(protocol, result.error.partial), p.expected(refItems), "partial = the items before the line");
    assertClean(result.error, "huge line");
    // The same client afterwards: an iterated stream and a runner, both whole.
    assert.equal(result.after.error, null, result.after.error?.message);
    assert.equal(afterCalls.length, 2, "not retried: 1 + 2 fetches");
    const refAfter = p.items(received(afterCalls[0]));
    assert.ok(refAfter.length > 5);
    assert.deepEqual(norm(protocol, result.after.items), norm(protocol, refAfter));
    assert.deepEqual(viewOf(protocol, result.after.current), p.expected(refAfter));
    assert.deepEqual(viewOf(protocol, result.after.final), p.expected(refAfter));
    assert.deepEqual(requests(emu, protocol).map((e) => e.status), [200, 200, 200]);
    assert.equal(await page.evaluate(() => document.getElementById("status")?.textContent), "ready", "the page still answers");
  });

  test(`${protocol}: faults through the key (KEY#fault=SPEC): a 503 storm and a drop, the key in no rendering of the error`, async () => {
    const storm = await drill(protocol, "stream", { key: `${KEY}#fault=503:50;retry-after-ms=50`, clientOptions: { maxRetries: 1 } });
    assertErrorClass(storm.error, "InternalServerError");
    assert.equal(storm.error.status, 503);
    assert.deepEqual(requests(emu, protocol).map((e) => e.status), [503, 503]);
    assertClean(storm.error, "503 via the key");
    emu.reset();
    const drop = await drill(protocol, "runner", { key: `${KEY}#fault=drop:100`, clientOptions: { maxRetries: 0 } });
    assertErrorClass(drop.error, "StreamError");
    assert.equal(drop.error.code, "connection_lost");
    assert.equal(requests(emu, protocol).length, 1);
    assertClean(drop.error, "drop via the key");
  });
}

test("the page: no page error, no crash, and the key (or a piece of it) in none of its console messages", (t) => {
  t.diagnostic(`429 waits (asked 300 ms): ${measured.join(" | ")}`);
  t.diagnostic(`${consoleLines.length} console messages`);
  assert.deepEqual(pageErrors, []);
  assert.equal(crashes, 0);
  for (const line of consoleLines) {
    for (const needle of NEEDLES) assert.ok(!line.includes(needle), `a console message holds the key: ${line.slice(0, 300)}`);
  }
});
