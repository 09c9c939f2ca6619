// The Client's web build in real Chromium (Playwright driving Debian's build):
// a test page (tests/browser/client/) imports /js/web.js from scripts/serve.js,
// whose /v1 proxy leads to the emulator, and runs scenarios over real HTTP:
// plain, the streaming runner, a 429 retry, a dropped connection (StreamError
// with exactly the content received), an abort mid-stream, a tools round trip,
// JSON schema, reasoning, a vision part, every error status in each of create,
// create-stream and runner, and a stall ended by the idle timeout.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { launchChromium, openTestPage } from "./harness.js";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-browser-key-3e1f0a9b8c7d6e5f4a3b2c1d";
const BUDGET_KEY = "mw-browser-budget-key-0b9e8d7c6a5f4e3d2c";
const LIMITED_KEY = "mw-browser-limited-key-5c4b3a2918f7e6d5c4";
const BAD_KEY = "mw-browser-invalid-key-9a8b7c6d5e4f3a2b1c";
const MODEL = "zai-org/GLM-5";
const PAGE_DIR = new URL("./client/", import.meta.url);
const fingerprint = (/** @type {string} */ key) => "key_" + createHash("sha256").update(key).digest("hex").slice(0, 12);

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

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid", [BUDGET_KEY]: "out-of-budget", [LIMITED_KEY]: "rate-limited", [BAD_KEY]: "invalid" } });
  server = await serve({ upstream: emu.url });
  browser = await launchChromium();
  ({ page, pageErrors } = await openTestPage(browser, server.url, PAGE_DIR, "__client-test"));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
});

/**
 * Runs one scenario in the page.
 * @param {string} name @param {Record<string, unknown>} args @returns {Promise<any>}
 */
function run(name, args) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, ...args }]));
}

const chatLog = () => emu.log().filter((e) => e.path === "/v1/chat/completions");
const params = (/** @type {string} */ text = "What is gradient descent?") => ({ model: MODEL, messages: [{ role: "user", content: text }] });

/** SSE blocks of a body: data and the offset just past each block's blank line. @param {Buffer} buf */
function sseBlocks(buf) {
  const out = [];
  let data = null;
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    const line = buf.subarray(start, i).toString("utf8");
    start = i + 1;
    if (line === "") {
      if (data !== null) out.push({ data, end: i + 1 });
      data = null;
    } else if (line.startsWith("data:")) {
      const value = line.slice(5).replace(/^ /, "");
      data = data === null ? value : `${data}\n${value}`;
    }
  }
  return out;
}

test("the web build loads in the page and exports the client API", async () => {
  const names = await page.evaluate(() => /** @type {any} */ (window).modelwireExports);
  for (const name of ["Client", "StreamError", "APIUserAbortError", "RateLimitError", "ValidationError", "Stream", "ChatCompletionStream"]) {
    assert.ok(names.includes(name), `${name} exported`);
  }
  assert.deepEqual(pageErrors, []);
});

test("plain create in the page", async () => {
  const result = await run("plain", { params: params() });
  const log = chatLog();
  assert.equal(log.length, 1);
  assert.equal(result.object, "chat.completion");
  assert.match(result.content, /^About What is gradient descent/);
  assert.equal(result.requestId, log[0].requestId, "_request_id read from X-Baseten-Request-Id through the proxy");
  assert.equal(log[0].headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(log[0].headers["x-api-key"], undefined);
  assert.deepEqual(log[0].body, params());
});

test("the streaming runner in the page: content deltas add up to the final content", async () => {
  const result = await run("runner", { params: params("Tell me about streams.") });
  assert.ok(result.deltas.length > 3, `${result.deltas.length} deltas`);
  assert.ok(result.chunks > result.deltas.length - 1);
  assert.equal(result.deltas.join(""), result.finalContent);
  assert.match(result.finalContent, /^About Tell me about streams/);
  assert.equal(result.finishReason, "stop");
  assert.equal(chatLog()[0].body.stream, true);
});

test("a 429 is retried in the page (429:2 with retry-after-ms=150 → 3 requests, ≥ 300 ms)", async () => {
  const result = await run("retry", { params: params(), fault: "429:2;retry-after-ms=150" });
  const log = chatLog();
  assert.deepEqual(log.map((e) => e.status), [429, 429, 200]);
  assert.ok(result.elapsed >= 290, `${result.elapsed} ms`);
  assert.equal(result.requestId, log[2].requestId);
  assert.match(result.content, /^About/);
});

test("maxRetries 0 in the page: RateLimitError with status, request id and headers", async () => {
  const result = await run("rateLimited", { params: params(), fault: "429:3;retry-after-ms=200" });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "RateLimitError");
  assert.equal(result.isRateLimit, true);
  assert.equal(result.status, 429);
  assert.equal(result.requestId, chatLog()[0].requestId);
  assert.equal(result.retryAfterMs, "200");
  assert.equal(result.keyLeaked, false);
  assert.equal(chatLog().length, 1);
});

test("a connection dropped mid-stream in the page → StreamError connection_lost with exactly the content received", async () => {
  // The reference: the same request without the fault, straight to the emulator.
  const body = { ...params("Explain backpropagation."), stream: true };
  const response = await fetch(`${emu.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  const blocks = sseBlocks(Buffer.from(await response.arrayBuffer()));
  assert.ok(blocks.length > 8);
  const k = blocks[Math.floor(blocks.length / 2)].end + 11;
  const expected = blocks
    .filter((b) => b.end <= k)
    .map((b) => JSON.parse(b.data).choices?.[0]?.delta?.content ?? "")
    .join("");
  assert.ok(expected.length > 0);
  emu.reset();
  // Chromium fails the body read that brings the end of the connection without the bytes that
  // came in the same read: pace the events so that they reach the page before the drop does.
  emu.configure({ streamDelayMs: 20 });

  const result = await run("drop", { params: params("Explain backpropagation."), fault: `drop:${k}` });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "StreamError", `${result.name}: ${result.message}`);
  assert.equal(result.isStreamError, true);
  assert.equal(result.code, "connection_lost");
  assert.equal(result.partialContent, expected, "partial holds exactly the content received");
  assert.equal(result.delivered, expected, "the chunks before the drop were delivered");
  assert.equal(result.requestId, chatLog()[0].requestId);
  assert.equal(result.keyLeaked, false);
  assert.equal(chatLog().length, 1, "no retry after chunks reached the caller");
});

test("accumulate: false in the page: the same content, no snapshot; a drop delivers the chunks before it, partial undefined", async () => {
  const body = { ...params("Explain backpropagation."), stream: true };
  const response = await fetch(`${emu.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const blocks = sseBlocks(Buffer.from(await response.arrayBuffer()));
  const contentOf = (/** @type {typeof blocks} */ list) => list.map((b) => (b.data === "[DONE]" ? "" : JSON.parse(b.data).choices?.[0]?.delta?.content ?? "")).join("");
  emu.reset();
  const result = await run("lean", { params: params("Explain backpropagation.") });
  assert.equal(result.content, contentOf(blocks));
  assert.match(result.snapshot, /^ModelwireError: currentCompletion\(\) needs the accumulated result/);
  assert.ok(result.usage?.completion_tokens > 0);

  const k = blocks[Math.floor(blocks.length / 2)].end + 11;
  emu.reset();
  emu.configure({ streamDelayMs: 20 });
  const dropped = await run("drop", { params: params("Explain backpropagation."), fault: `drop:${k}`, requestOptions: { accumulate: false } });
  assert.equal(dropped.name, "StreamError", `${dropped.name}: ${dropped.message}`);
  assert.equal(dropped.code, "connection_lost");
  assert.equal(dropped.hasPartial, false);
  assert.equal(dropped.delivered, contentOf(blocks.filter((b) => b.end <= k)));
  assert.equal(dropped.keyLeaked, false);
});

test("abort mid-stream in the page → APIUserAbortError, partial keeps what arrived", async () => {
  emu.configure({ streamDelayMs: 30 });
  const result = await run("abortMidStream", { params: params(), after: 3 });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "APIUserAbortError", `${result.name}: ${result.message}`);
  assert.equal(result.isAbort, true);
  assert.ok(result.chunks >= 3 && result.chunks < 10, `${result.chunks} chunks`);
  assert.ok((result.partialContent ?? "").startsWith(result.delivered), "partial starts with the delivered content");
  assert.ok(result.elapsed < 5000);
  assert.equal(result.keyLeaked, false);
  assert.equal(chatLog().length, 1);
});

test("runner.abort() mid-stream in the page → APIUserAbortError and one abort event", async () => {
  emu.configure({ streamDelayMs: 30 });
  const result = await run("runnerAbort", { params: params() });
  assert.equal(result.name, "APIUserAbortError", `${result.name}: ${result.message}`);
  assert.equal(result.aborts, 1);
  assert.ok(result.delivered.length > 10 && result.delivered.length < 100, `${result.delivered.length} chars`);
  assert.ok((result.partialContent ?? "").startsWith(result.delivered));
});

const WEATHER_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
        required: ["city", "unit"],
        additionalProperties: false,
      },
    },
  },
];

test("tools round trip in the page: call, streamed argument events, tool result, answer", async () => {
  const result = await run("toolRoundTrip", {
    model: MODEL,
    question: { role: "user", content: "What's the weather in Paris right now? Use get_weather." },
    tools: WEATHER_TOOLS,
    result: JSON.stringify({ temperature: 21, conditions: "sunny", city: "Paris" }),
  });
  assert.equal(result.firstFinish, "tool_calls");
  assert.equal(result.call.function.name, "get_weather");
  assert.match(result.call.id, /^call_/);
  const args = JSON.parse(result.call.function.arguments);
  assert.deepEqual(Object.keys(args).sort(), ["city", "unit"]);
  assert.equal(result.streamedCall.function.name, "get_weather");
  assert.ok(result.argumentDeltas.length > 1, `${result.argumentDeltas.length} argument deltas`);
  assert.equal(result.argumentDeltas.join(""), result.streamedCall.function.arguments, "argument deltas add up to the arguments");
  assert.equal(result.answerFinish, "stop");
  assert.equal(result.answerToolCalls, null);
  assert.match(result.answerContent, /sunny/);
  const sent = chatLog()[2].body.messages;
  assert.deepEqual(sent[2], { role: "tool", tool_call_id: result.call.id, content: JSON.stringify({ temperature: 21, conditions: "sunny", city: "Paris" }) });
});

test("JSON schema in the page: the content parses and has the schema's keys, plain and streamed", async () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string", minLength: 1 }, age: { type: "integer", minimum: 0, maximum: 120 } },
    required: ["name", "age"],
    additionalProperties: false,
  };
  const result = await run("jsonSchema", {
    params: { ...params("Invent a user."), response_format: { type: "json_schema", json_schema: { name: "user", schema, strict: true } } },
  });
  for (const text of [result.plain, result.streamed]) {
    const value = JSON.parse(text);
    assert.deepEqual(Object.keys(value).sort(), ["age", "name"]);
    assert.equal(typeof value.name, "string");
    assert.ok(Number.isInteger(value.age));
  }
  assert.deepEqual(result.parsedOnDone, JSON.parse(result.streamed), "content.done carries the parsed value");
});

test("reasoning in the page: reasoning events add up to reasoning_content, then the content", async () => {
  const result = await run("reasoning", { params: { ...params("Why is the sky blue?"), model: "deepseek-ai/DeepSeek-V4-Pro" } });
  assert.ok(result.reasoning.length > 20, `${result.reasoning.length} reasoning chars`);
  assert.equal(result.reasoning, result.finalReasoning);
  assert.equal(result.content, result.finalContent);
  assert.ok(result.finalContent.length > 0);
});

test("a vision part in the page: sent unchanged to a vision model", async () => {
  const messages = [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image?" },
        { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "auto" } },
      ],
    },
  ];
  const result = await run("plain", { params: { model: "moonshotai/Kimi-K2.5", messages } });
  assert.equal(result.object, "chat.completion");
  assert.ok(result.content.length > 0);
  assert.deepEqual(chatLog()[0].body.messages, messages);
});

/** @type {{ name: string, className: string, status: number, message: RegExp, key?: string, options?: Record<string, unknown>, params?: any, fault?: string, maxBodyBytes?: number }[]} */
const ERROR_CASES = [
  { name: "400 injected", className: "BadRequestError", status: 400, message: /Injected fault: HTTP 400/, fault: "400:1" },
  { name: "401 no Authorization", className: "AuthenticationError", status: 401, message: /missing api key/, options: { apiKey: null } },
  { name: "402 out of budget", className: "PaymentRequiredError", status: 402, message: /budget exceeded/, key: BUDGET_KEY },
  { name: "403 invalid key", className: "PermissionDeniedError", status: 403, message: /check the api-key/, key: BAD_KEY },
  { name: "404 unknown model", className: "NotFoundError", status: 404, message: /not found/i, params: { ...params(), model: "acme/no-such-model" } },
  { name: "413 body over the limit", className: "PayloadTooLargeError", status: 413, message: /limit/, params: params("x".repeat(8000)), maxBodyBytes: 4096 },
  { name: "429 rate-limited key", className: "RateLimitError", status: 429, message: /Rate limit exceeded/, key: LIMITED_KEY },
  { name: "500 injected", className: "InternalServerError", status: 500, message: /HTTP 500/, fault: "500:5" },
  { name: "502 injected", className: "InternalServerError", status: 502, message: /HTTP 502/, fault: "502:5" },
  { name: "503 injected", className: "InternalServerError", status: 503, message: /HTTP 503/, fault: "503:5" },
];

for (const kase of ERROR_CASES) {
  for (const mode of ["create", "create stream", "runner"]) {
    test(`${kase.name} in the page → ${kase.className} (${mode})`, async () => {
      emu.configure({ maxBodyBytes: kase.maxBodyBytes ?? 100 * 1024 * 1024 });
      try {
        const key = kase.key ?? KEY;
        const result = await run("failing", {
          key,
          params: kase.params ?? params(),
          options: kase.options ?? {},
          requestOptions: kase.fault ? { headers: { "x-emulator-fault": kase.fault } } : {},
          mode,
        });
        assert.equal(result.resolved, undefined, "rejected");
        assert.equal(result.name, kase.className, `${result.name}: ${result.message}`);
        assert.equal(result.constructorName, kase.className);
        assert.equal(result.isInstanceOfItsClass, true, "instanceof the exported class");
        assert.equal(result.isAPIError, true);
        assert.equal(result.isStreamError, false);
        assert.equal(result.status, kase.status);
        assert.match(result.message, kase.message);
        assert.equal(result.keyLeaked, false);
        const log = chatLog();
        assert.equal(log.length, 1, "maxRetries: 0 → one request");
        assert.equal(log[0].status, kase.status);
        assert.equal(result.requestId, log[0].requestId);
      } finally {
        emu.configure({ maxBodyBytes: 100 * 1024 * 1024 });
      }
    });
  }
}

test("a stalled stream in the page → StreamError idle_timeout, quickly, keeping the chunks received", async () => {
  const stallMs = 4000;
  const result = await run("stall", { params: params("Explain backpropagation."), fault: `stall:${stallMs}`, idleTimeout: 200 });
  assert.equal(result.resolved, undefined, "rejected");
  assert.equal(result.name, "StreamError", `${result.name}: ${result.message}`);
  assert.equal(result.code, "idle_timeout");
  assert.ok(result.elapsed >= 190 && result.elapsed < stallMs - 1000, `${result.elapsed} ms`);
  assert.ok(result.chunks > 0);
  assert.equal(result.partialContent, result.delivered, "the partial holds the content delivered");
  assert.equal(result.keyLeaked, false);
  assert.equal(chatLog().length, 1, "no retry after chunks reached the caller");
});

test("no page errors across the scenarios", () => {
  assert.deepEqual(pageErrors, []);
});
