// The Client's web build in real Chromium (Playwright driving Debian's build):
// a test page (tests/browser/client/) imports /js/web.js from scripts/serve.js,
// whose /v1 proxy leads to the emulator, and runs scenarios over real HTTP:
// plain, the streaming runner, a 429 retry, a dropped connection (StreamError
// with exactly the content received) and an abort mid-stream.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-browser-key-3e1f0a9b8c7d6e5f4a3b2c1d";
const MODEL = "zai-org/GLM-5";
const PAGE_DIR = fileURLToPath(new URL("./client/", import.meta.url));
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
const pageErrors = [];

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  server = await serve({ upstream: emu.url });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
  page = await browser.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  // serve.js serves www/, js/ and pkg/ only: the test page comes from this directory, on the
  // same origin, so that /js/web.js and the /v1 proxy are the real ones.
  await page.route((url) => url.pathname.startsWith("/__client-test/"), async (route) => {
    const name = new URL(route.request().url()).pathname.slice("/__client-test/".length) || "index.html";
    if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404, body: "not found" });
    const type = name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    try {
      await route.fulfill({ status: 200, contentType: type, body: await readFile(PAGE_DIR + name) });
    } catch {
      await route.fulfill({ status: 404, body: "not found" });
    }
  });
  await page.goto(new URL("/__client-test/index.html", server.url).href);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 20_000 });
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

test("no page errors across the scenarios", () => {
  assert.deepEqual(pageErrors, []);
});
