// `client.messages` from the web build in real Chromium (Playwright driving Debian's build): a
// test page (tests/browser/messages/) imports /js/web.js from scripts/serve.js, whose /v1 proxy
// leads to the emulator, and runs Messages scenarios over real HTTP: plain, streamed (raw events
// and currentMessage), the .stream() runner, a tool use round trip with inputJson events, stop
// sequences, thinking and signature events from a reasoning model, every error status in each of
// create, create-stream and runner, a 429 retried with retry-after-ms, a connection dropped
// mid-stream, a stall ended by the idle timeout, a mid-stream overloaded_error (typed, keeping the
// partial message), and aborts.
//
// The reference for each result is the emulator's own answer to the same request, read here in
// Node straight from its socket (tests/messages/helpers.js: raw bytes, SSE blocks, accumulation
// by Anthropic's rules), so the page's results are checked against bytes modelwire never saw.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { launchChromium, openTestPage } from "./harness.js";
import { serve } from "../../scripts/serve.js";
import {
  emulator, params, rawMessages, sseBlocks, accumulate, stable, textOf, assertPrefixMessage, isJsonPrefix,
  messageRequests, fingerprint, KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY, WEATHER_TOOL, REASONING_MODEL,
} from "../messages/helpers.js";

const PAGE_DIR = new URL("./messages/", import.meta.url);

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
/** @type {string[]} */
let pageErrors = [];

before(async () => {
  emu = await emulator();
  server = await serve({ upstream: emu.url });
  browser = await launchChromium();
  ({ page, pageErrors } = await openTestPage(browser, server.url, PAGE_DIR, "__messages-test"));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0, maxBodyBytes: 100 * 1024 * 1024, cacheBlockTokens: 8 });
});

/**
 * Runs one scenario in the page.
 * @param {string} name @param {Record<string, unknown>} args @returns {Promise<any>}
 */
function run(name, args) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, ...args }]));
}

/**
 * The emulator's own answer to `body` (straight from its socket), then a reset so the page's
 * request meets the same state (prefix cache, fault counters). `reset: false` for a reference
 * made of several requests, whose later ones meet the prefix cache the earlier ones filled.
 * @param {any} body @param {Record<string, string>} [headers]
 * @param {{ reset?: boolean }} [options]
 */
async function reference(body, headers = {}, { reset = true } = {}) {
  const raw = await rawMessages(emu, body, headers);
  if (reset) emu.reset();
  const text = raw.bytes.toString("utf8");
  if (!body.stream || raw.status !== 200) return { status: raw.status, body: JSON.parse(text) };
  const events = sseBlocks(raw.bytes)
    .map((b) => JSON.parse(b.data))
    .filter((e) => e.type !== "ping");
  return { status: raw.status, events, message: accumulate(events) };
}

/** An event list with message_start's id replaced (ids are random per response). @param {any[]} events */
const withoutIds = (events) =>
  events.map((e) => (e.type === "message_start" ? { ...e, message: { ...e.message, id: "<id>" } } : e));

/** Text of the text deltas among `events`. @param {any[]} events */
const textOfEvents = (events) =>
  events.map((e) => (e.type === "content_block_delta" && e.delta.type === "text_delta" ? e.delta.text : "")).join("");

test("the web build exports the Messages API", async () => {
  const names = await page.evaluate(() => /** @type {any} */ (window).modelwireExports);
  for (const name of ["Client", "Messages", "MessageStream", "Stream", "StreamError", "APIUserAbortError", "InternalServerError", "ValidationError"]) {
    assert.ok(names.includes(name), `${name} exported`);
  }
  assert.deepEqual(pageErrors, []);
});

test("plain create in the page: the Message is the body the server sent; Bearer auth, never x-api-key", async () => {
  const body = params();
  const ref = await reference(body);
  assert.equal(ref.status, 200);
  const result = await run("plain", { params: body });
  const log = messageRequests(emu);
  assert.equal(log.length, 1);
  assert.deepEqual({ ...result.message, id: "<id>" }, { ...ref.body, id: "<id>" });
  assert.match(result.message.id, /^msg_/);
  assert.equal(result.message.content[0].type, "text");
  assert.match(result.message.content[0].text, /^About What is gradient descent/);
  assert.equal(result.message.stop_reason, "end_turn");
  assert.equal(result.requestId, log[0].requestId, "_request_id from X-Baseten-Request-Id through the proxy");
  assert.equal(result.enumerable, false, "_request_id is not enumerable");
  assert.equal(log[0].headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(log[0].headers["x-api-key"], undefined);
  assert.deepEqual(log[0].body, body);
});

test("streamed create in the page: the server's events (pings skipped), currentMessage() after each", async () => {
  const body = params({ messages: [{ role: "user", content: "Tell me about streams." }] });
  const ref = await reference({ ...body, stream: true });
  const result = await run("streamed", { params: body });
  const log = messageRequests(emu);
  assert.equal(log.length, 1);
  assert.equal(log[0].body.stream, true);
  assert.equal(result.requestId, log[0].requestId);
  assert.ok(result.events.length > 8, `${result.events.length} events`);
  assert.deepEqual(withoutIds(result.events), withoutIds(ref.events), "the events are the server's, unchanged");
  const types = result.events.map((/** @type {any} */ e) => e.type);
  assert.equal(types[0], "message_start");
  assert.deepEqual(types.slice(-2), ["message_delta", "message_stop"]);
  result.snapshots.forEach((/** @type {any} */ snapshot, /** @type {number} */ i) => {
    assert.deepEqual(stable(snapshot), stable(accumulate(result.events.slice(0, i + 1))), `currentMessage() after event ${i}`);
  });
  assert.deepEqual(stable(result.current), stable(ref.message));
  assert.equal(textOf(result.current), textOfEvents(result.events));
  assert.match(textOf(result.current), /^About Tell me about streams/);
});

test("the runner in the page: text deltas add up to finalText(); finalMessage(); events in order", async () => {
  const body = params({ messages: [{ role: "user", content: "Tell me about runners." }] });
  const ref = await reference({ ...body, stream: true });
  const result = await run("runner", { params: body });
  assert.equal(result.isMessageStream, true);
  assert.ok(result.texts.length > 3, `${result.texts.length} text events`);
  let so = "";
  for (const [delta, snapshot] of result.texts) {
    so += delta;
    assert.equal(snapshot, so, "the snapshot is the text so far");
  }
  assert.equal(so, result.finalText);
  assert.equal(textOf(result.final), result.finalText);
  assert.deepEqual(stable(result.final), stable(ref.message), "finalMessage() = the server's events accumulated");
  assert.deepEqual(result.current, result.final);
  assert.equal(result.seen[0], "connect");
  assert.deepEqual(result.seen.slice(-7), ["content_block_stop", "contentBlock:text", "message_delta", "message_stop", "message", "finalMessage", "end"]);
  assert.equal(result.seen.filter((/** @type {string} */ s) => s === "text").length, result.texts.length);
  assert.ok(!result.seen.some((/** @type {string} */ s) => s.startsWith("error") || s.startsWith("abort")));
});

test("tool use round trip in the page: tool_use with parsed input, streamed inputJson, tool_result → answer", async () => {
  const body = params({
    messages: [{ role: "user", content: "What's the weather in Paris right now? Use get_weather." }],
    tools: [WEATHER_TOOL],
    tool_choice: { type: "auto" },
  });
  // the page's first two requests, as the emulator answers them in that order
  const ref = await reference(body, {}, { reset: false });
  const refStream = await reference({ ...body, stream: true });
  const result = await run("toolRoundTrip", { params: body, result: JSON.stringify({ temperature: 21, conditions: "sunny" }) });
  const log = messageRequests(emu);
  assert.equal(log.length, 5, "create, create stream, runner, tool_result create, tool_result runner");

  // the call: a short text block, then tool_use with its input parsed
  const refUse = ref.body.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assert.ok(refUse, "the emulator calls the tool");
  assert.equal(result.first.stop_reason, "tool_use");
  assert.deepEqual(result.first.content.map((/** @type {any} */ b) => b.type), ["text", "tool_use"]);
  const use = result.first.content[1];
  assert.match(use.id, /^toolu_/);
  assert.equal(use.name, "get_weather");
  assert.deepEqual(use.input, refUse.input);
  assert.deepEqual(Object.keys(use.input).sort(), ["city", "days", "tags", "unit"]);

  // streamed: input_json_delta fragments, the accumulated input, the runner's inputJson events
  assert.deepEqual(withoutIds(result.events).map((/** @type {any} */ e) => (e.content_block?.id ? { ...e, content_block: { ...e.content_block, id: "<id>" } } : e)),
    withoutIds(refStream.events).map((/** @type {any} */ e) => (e.content_block?.id ? { ...e, content_block: { ...e.content_block, id: "<id>" } } : e)));
  const fragments = result.events
    .filter((/** @type {any} */ e) => e.type === "content_block_delta" && e.delta.type === "input_json_delta")
    .map((/** @type {any} */ e) => e.delta.partial_json);
  assert.ok(fragments.length > 2, `${fragments.length} input_json_delta fragments`);
  assert.deepEqual(JSON.parse(fragments.join("")), use.input);
  const currentUse = result.current.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assert.deepEqual(currentUse.input, use.input, "currentMessage() parsed the input at content_block_stop");
  assert.equal(result.current.stop_reason, "tool_use");
  // The emulator, like Anthropic, opens with an empty fragment; modelwire emits inputJson only for
  // fragments that add input (@anthropic-ai/sdk emits one for the empty fragment too).
  assert.equal(fragments[0], "", "the stream opens with an empty fragment");
  assert.deepEqual(result.inputs.map((/** @type {any} */ [p]) => p), fragments.filter((/** @type {string} */ f) => f !== ""), "one inputJson event per non-empty fragment");
  for (const [, snapshot] of result.inputs) {
    if (snapshot === null) continue; // nothing parseable yet
    assert.ok(isJsonPrefix(snapshot, use.input), `snapshot ${JSON.stringify(snapshot)} on its way to ${JSON.stringify(use.input)}`);
  }
  assert.deepEqual(result.inputs.at(-1)[1], use.input);
  assert.deepEqual(result.streamed.content.find((/** @type {any} */ b) => b.type === "tool_use").input, use.input);
  assert.ok(result.seen.includes("contentBlock:tool_use"));

  // the tool_result turn: sent as given, answered in text that quotes the result
  const sent = log[3].body.messages;
  assert.deepEqual(sent[1], { role: "assistant", content: result.first.content });
  assert.deepEqual(sent[2], { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: JSON.stringify({ temperature: 21, conditions: "sunny" }) }] });
  for (const answer of [result.answer, result.answerStreamed]) {
    assert.equal(answer.stop_reason, "end_turn");
    assert.ok(!answer.content.some((/** @type {any} */ b) => b.type === "tool_use"), "no further tool use");
    assert.match(textOf(answer), /sunny/);
  }
  assert.equal(textOf(result.answerStreamed), textOf(result.answer));
});

test("stop sequences in the page: cut before the sequence, stop_reason stop_sequence (create, stream, runner)", async () => {
  const full = (await reference(params())).body;
  const text = textOf(full);
  const word = text.split(/\s+/)[6].replace(/[^A-Za-z]/g, "");
  assert.ok(word.length > 2, `no usable word in ${text}`);
  const cut = text.slice(0, text.indexOf(word));
  const result = await run("stopSequences", { params: params({ stop_sequences: ["zzz-never", word] }) });
  for (const [label, message] of [["create", result.message], ["currentMessage()", result.current], ["finalMessage()", result.final]]) {
    assert.equal(message.stop_reason, "stop_sequence", label);
    assert.equal(message.stop_sequence, word, label);
    assert.equal(textOf(message), cut, `${label}: the text up to the sequence`);
    assert.ok(message.usage.output_tokens < full.usage.output_tokens, label);
  }
  const delta = result.events.find((/** @type {any} */ e) => e.type === "message_delta");
  assert.deepEqual(delta.delta, { stop_reason: "stop_sequence", stop_sequence: word });
  assert.equal(result.texts.map((/** @type {any} */ [d]) => d).join(""), cut);
  assert.deepEqual(messageRequests(emu).map((e) => e.body.stop_sequences), [["zzz-never", word], ["zzz-never", word], ["zzz-never", word]]);
});

/**
 * Every status a Messages call can fail with before its stream begins: the real causes where the
 * emulator has one (key states, unknown model, body limit, a value it refuses), injected otherwise.
 * @type {{ name: string, className: string, status: number, key?: string | null, params?: any, fault?: string, maxBodyBytes?: number }[]}
 */
const ERROR_CASES = [
  { name: "400 injected", className: "BadRequestError", status: 400, fault: "400:1" },
  { name: "400 max_tokens over the model's limit", className: "BadRequestError", status: 400, params: params({ max_tokens: 999_999_999 }) },
  { name: "401 no Authorization", className: "AuthenticationError", status: 401, key: null },
  { name: "401 injected", className: "AuthenticationError", status: 401, fault: "401:1" },
  { name: "402 out of budget", className: "PaymentRequiredError", status: 402, key: BUDGET_KEY },
  { name: "403 invalid key", className: "PermissionDeniedError", status: 403, key: BAD_KEY },
  { name: "404 unknown model", className: "NotFoundError", status: 404, params: params({ model: "acme/no-such-model" }) },
  { name: "413 body over the limit", className: "PayloadTooLargeError", status: 413, params: params({ messages: [{ role: "user", content: "x".repeat(8000) }] }), maxBodyBytes: 4096 },
  { name: "429 rate-limited key", className: "RateLimitError", status: 429, key: LIMITED_KEY },
  { name: "429 injected", className: "RateLimitError", status: 429, fault: "429:1" },
  { name: "500 injected", className: "InternalServerError", status: 500, fault: "500:1" },
  { name: "502 injected", className: "InternalServerError", status: 502, fault: "502:1" },
  { name: "503 injected", className: "InternalServerError", status: 503, fault: "503:1" },
  { name: "504 injected", className: "InternalServerError", status: 504, fault: "504:1" },
  { name: "529 injected (overloaded)", className: "InternalServerError", status: 529, fault: "529:1" },
];

for (const kase of ERROR_CASES) {
  for (const mode of ["create", "create stream", "runner"]) {
    test(`${kase.name} in the page → ${kase.className} (${mode})`, async () => {
      emu.configure({ maxBodyBytes: kase.maxBodyBytes ?? 100 * 1024 * 1024 });
      const key = kase.key === undefined ? KEY : kase.key;
      const body = kase.params ?? params();
      const sent = mode === "create" ? body : { ...body, stream: true };
      const headers = {
        authorization: key === null ? "" : `Bearer ${key}`,
        ...(kase.fault ? { "x-emulator-fault": kase.fault } : {}),
      };
      const ref = await reference(sent, headers);
      assert.equal(ref.status, kase.status, "the reference request fails the same way");
      const result = await run("failing", {
        key,
        params: body,
        requestOptions: kase.fault ? { headers: { "x-emulator-fault": kase.fault } } : {},
        mode,
      });
      assert.equal(result.resolved, undefined, "rejected");
      assert.equal(result.name, kase.className, `${result.name}: ${result.message}`);
      assert.equal(result.constructorName, kase.className);
      assert.equal(result.isInstanceOfItsClass, true, "instanceof the exported class");
      assert.equal(result.isAPIError, true);
      assert.equal(result.isStreamError, false, "the stream never began");
      assert.equal(result.status, kase.status);
      assert.deepEqual(result.error, ref.body, "err.error is the response body");
      const serverMessage = typeof ref.body.error === "string" ? ref.body.error : ref.body.error?.message ?? ref.body.message;
      assert.ok(result.message.includes(serverMessage), `message ${JSON.stringify(result.message)} lacks ${JSON.stringify(serverMessage)}`);
      if (ref.body.type === "error") assert.equal(result.type, ref.body.error.type, "type = error.type of the Anthropic shape");
      assert.equal(result.keyLeaked, false);
      if (mode === "runner") assert.equal(result.errorEventIsTheError, true, "the error event carries the same error");
      const log = messageRequests(emu);
      assert.equal(log.length, 1, "maxRetries: 0 → one request");
      assert.equal(log[0].status, kase.status);
      // (a 413 body is refused unread, so the log has no body to check)
      if (kase.status !== 413) assert.equal(log[0].body.stream, mode === "create" ? undefined : true);
      assert.equal(result.requestId, log[0].requestId);
      assert.equal(result.headerRequestId, log[0].requestId, "the response headers are kept");
    });
  }
}

for (const spec of ["error", "error:data"]) {
  for (const mode of ["create stream", "runner"]) {
    test(`mid-stream overloaded_error (${spec}) in the page → StreamError server_error keeping the partial message (${mode})`, async () => {
      const full = (await reference(params({ stream: true }))).message;
      const result = await run("midStreamError", { params: params(), fault: spec, mode });
      assert.equal(result.resolved, undefined, "rejected");
      assert.equal(result.name, "StreamError", `${result.name}: ${result.message}`);
      assert.equal(result.isStreamError, true);
      assert.equal(result.isInternalServerError, false, "a StreamError, with the class in kind");
      assert.equal(result.code, "server_error");
      assert.equal(result.kind, "InternalServerError");
      assert.equal(result.type, "overloaded_error");
      assert.match(result.message, /Overloaded/);
      assert.equal(result.keyLeaked, false);
      assert.ok(result.partial, "partial is set");
      assertPrefixMessage(result.partial, full);
      assert.ok(result.delivered.length > 0, "text arrived before the error");
      assert.equal(textOf(result.partial), result.delivered, "partial holds exactly the text delivered");
      if (mode === "create stream") {
        assert.ok(result.events.length > 3, `${result.events.length} events before the error`);
        assert.ok(!result.events.some((/** @type {any} */ e) => e.type === "message_stop" || e.type === "error"));
        assert.deepEqual(stable(result.partial), stable(accumulate(result.events)));
        assert.deepEqual(result.current, result.partial, "currentMessage() is the partial");
      } else {
        assert.deepEqual(result.seen.slice(-2), ["error:StreamError", "end"]);
        assert.ok(!result.seen.some((/** @type {string} */ s) => s.startsWith("abort") || s === "finalMessage" || s === "message"));
        assert.equal(result.finalTextRejected, true);
      }
      const log = messageRequests(emu);
      assert.equal(log.length, 1, "not retried: events were delivered");
      assert.equal(result.requestId, log[0].requestId);
    });
  }
}

for (const mode of ["create", "runner"]) {
  test(`a 429 is retried in the page (429:2 with retry-after-ms=150 → 3 requests, ≥ 300 ms) (${mode})`, async () => {
    const ref = await reference(params(mode === "create" ? {} : { stream: true }));
    const result = await run("retry", { params: params(), fault: "429:2;retry-after-ms=150", mode });
    const log = messageRequests(emu);
    assert.deepEqual(log.map((e) => e.status), [429, 429, 200]);
    assert.ok(result.elapsed >= 290, `${result.elapsed} ms`);
    assert.equal(textOf(result.message), textOf(mode === "create" ? ref.body : ref.message));
    assert.equal(result.message.stop_reason, "end_turn");
    if (mode === "create") assert.equal(result.requestId, log[2].requestId, "the request id of the answer that succeeded");
  });
}

for (const mode of ["create stream", "runner"]) {
  test(`a connection dropped mid-stream in the page → StreamError connection_lost, partial = the whole events received (${mode})`, async () => {
    // Chromium fails the body read that brings the end of the connection without the bytes that
    // came in the same read, so the events are paced (20 ms apart) to reach the page before the
    // drop does. Should an attempt still deliver nothing, the client rightly retries it: with the
    // prefix cache off, every attempt gets the same answer (usage included).
    emu.configure({ cacheBlockTokens: 1e9, streamDelayMs: 20 });
    const body = params({ messages: [{ role: "user", content: "Explain backpropagation." }] });
    const raw = await rawMessages(emu, { ...body, stream: true });
    emu.reset();
    const blocks = sseBlocks(raw.bytes);
    assert.ok(blocks.length > 8, `${blocks.length} blocks`);
    const k = blocks[Math.floor(blocks.length / 2)].end + 11; // inside the next event
    const received = blocks.filter((b) => b.end <= k).map((b) => JSON.parse(b.data)).filter((e) => e.type !== "ping");
    const expected = accumulate(received);
    assert.ok(textOf(expected).length > 0);

    const result = await run("drop", { params: body, fault: `drop:${k}`, mode });
    assert.equal(result.resolved, undefined, "rejected");
    assert.equal(result.name, "StreamError", `${result.name}: ${result.message}`);
    assert.equal(result.isStreamError, true);
    assert.equal(result.code, "connection_lost");
    assert.deepEqual(stable(result.partial), stable(expected), "partial = exactly the whole events received");
    assert.equal(result.delivered, textOf(expected), "the text before the drop was delivered");
    if (mode === "create stream") assert.deepEqual(withoutIds(result.events), withoutIds(received));
    else assert.deepEqual(result.seen.slice(-2), ["error:StreamError", "end"]);
    assert.equal(result.keyLeaked, false);
    const log = messageRequests(emu);
    // One request, or (see above) a retry of an attempt that delivered nothing; never a retry after
    // events reached the caller: the text delivered would then repeat.
    assert.ok(log.length >= 1 && log.length <= 3, `${log.length} requests`);
    assert.equal(result.requestId, log.at(-1).requestId, "the error is the last attempt's");
  });
}

test("a stalled stream in the page → StreamError idle_timeout, quickly, keeping the events received", async () => {
  const stallMs = 4000;
  const result = await run("stall", { params: params(), fault: `stall:${stallMs}`, idleTimeout: 200 });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "StreamError", `${result.name}: ${result.message}`);
  assert.equal(result.code, "idle_timeout");
  assert.ok(result.elapsed >= 190 && result.elapsed < stallMs - 1000, `${result.elapsed} ms`);
  assert.ok(result.events.length > 0, "events arrived before the stall");
  assert.deepEqual(stable(result.partial), stable(accumulate(result.events)), "partial = the events delivered");
  assert.equal(result.keyLeaked, false);
  assert.equal(messageRequests(emu).length, 1, "no retry after events reached the caller");
});

test("a reasoning model in the page: thinking deltas add up to the thinking block, one signature, then text", async () => {
  const body = params({ model: REASONING_MODEL, messages: [{ role: "user", content: "Why is the sky blue?" }] });
  const ref = await reference({ ...body, stream: true });
  const result = await run("thinking", { params: body });
  assert.deepEqual(stable(result.final), stable(ref.message), "finalMessage() = the server's events accumulated");
  assert.deepEqual(result.final.content.map((/** @type {any} */ b) => b.type), ["thinking", "text"]);
  const block = result.final.content[0];
  assert.ok(result.thinking.length > 2, `${result.thinking.length} thinking events`);
  let so = "";
  for (const [delta, snapshot] of result.thinking) {
    so += delta;
    assert.equal(snapshot, so, "the snapshot is the thinking so far");
  }
  assert.equal(so, block.thinking);
  assert.deepEqual(result.signatures, [block.signature]);
  assert.ok(block.signature.length > 0);
  assert.equal(result.finalText, textOf(result.final));
  assert.ok(result.seen.indexOf("contentBlock:thinking") < result.seen.indexOf("text"), "thinking ends before the text begins");
});

test("abort through options.signal mid-stream in the page → APIUserAbortError, partial = the events delivered", async () => {
  const full = (await reference(params({ stream: true }))).message;
  emu.configure({ streamDelayMs: 30 });
  const result = await run("abortMidStream", { params: params(), after: 4 });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "APIUserAbortError", `${result.name}: ${result.message}`);
  assert.equal(result.isAbort, true);
  assert.equal(result.isStreamError, false);
  assert.equal(result.events.length, 4, "nothing after the abort");
  assert.ok(!result.events.some((/** @type {any} */ e) => e.type === "message_stop"));
  assert.ok(result.partial, "partial is set");
  assertPrefixMessage(result.partial, full);
  assert.deepEqual(stable(result.partial), stable(accumulate(result.events)));
  assert.ok(result.elapsed < 5000, `${result.elapsed} ms`);
  assert.equal(result.keyLeaked, false);
  assert.equal(messageRequests(emu).length, 1);
});

test("runner.abort() mid-stream in the page → abort, error, end events; APIUserAbortError", async () => {
  const full = (await reference(params({ stream: true }))).message;
  emu.configure({ streamDelayMs: 30 });
  const result = await run("runnerAbort", { params: params(), afterTexts: 3 });
  assert.equal(result.name, "APIUserAbortError", `${result.name}: ${result.message}`);
  assert.equal(result.isAbort, true);
  assert.deepEqual(result.seen.slice(-3), ["abort:APIUserAbortError", "error:APIUserAbortError", "end"]);
  assert.ok(!result.seen.includes("finalMessage"));
  assert.ok(result.delivered.length > 0);
  assert.ok(textOf(full).startsWith(result.delivered));
  assertPrefixMessage(result.partial, full);
  assert.ok(textOf(result.partial).startsWith(result.delivered), "partial starts with the text delivered");
  assert.ok(result.elapsed < 5000, `${result.elapsed} ms`);
  assert.equal(messageRequests(emu).length, 1);
});

test("a signal aborted before the call in the page → APIUserAbortError, no request", async () => {
  const result = await run("abortBeforeCall", { params: params() });
  for (const mode of ["create", "create stream", "runner"]) {
    assert.equal(result[mode].name, "APIUserAbortError", `${mode}: ${result[mode].name}: ${result[mode].message}`);
    assert.equal(result[mode].isAbort, true);
  }
  assert.deepEqual(emu.log(), []);
});

test("no page errors across the Messages scenarios", () => {
  assert.deepEqual(pageErrors, []);
});
