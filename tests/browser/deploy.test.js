// Dedicated deployments and verifyWebhook in real Chromium: a page
// (tests/browser/deploy/) imports /js/web.js from scripts/serve.js, whose
// /model/ proxy leads to the emulator's deployment routes. The page runs the
// scenarios; the assertions here compare with references independent of
// modelwire: the emulator's request log and its raw answers (fetched from
// Node), Playwright's record of the requests the page made, node:crypto's
// HMAC, and webhooks received by a plain node:http server.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { launchChromium, openTestPage } from "./harness.js";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-browser-deploy-key-4d3c2b1a0f9e8d7c";
const MODEL = "abcd1234";
const SECRET = "whsec_browser_deploy_9e8d7c6b";
const PAGE_DIR = new URL("./deploy/", import.meta.url);

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {Awaited<ReturnType<typeof webhookReceiver>>} */
let hook;
/** @type {string[]} */
let pageErrors = [];
/** Every deployment request the page made, as Playwright saw it (not modelwire). @type {{ method: string, url: string }[]} */
const net = [];
/** Requests to *.api.baseten.co, answered by the route below. @type {{ method: string, url: string, headers: Record<string, string> }[]} */
const baseten = [];

/** The reference signature, by node:crypto. @param {string} secret @param {string | Buffer} body */
const sig = (secret, body) => "v1=" + createHmac("sha256", secret).update(body).digest("hex");

/** A 127.0.0.1 server that records webhook POSTs: raw body bytes and headers. */
async function webhookReceiver() {
  /** @type {{ body: Buffer, headers: import("node:http").IncomingHttpHeaders }[]} */
  const received = [];
  const srv = createServer((req, res) => {
    /** @type {Buffer[]} */
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(parts), headers: req.headers });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** The n-th webhook (from 0), once it arrived. @param {number} n */
    async nth(n, ms = 10_000) {
      const end = Date.now() + ms;
      while (received.length <= n) {
        if (Date.now() > end) throw new Error(`timed out waiting for webhook #${n}, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return received[n];
    },
    close: () => new Promise((resolve) => srv.close(() => resolve(undefined))),
  };
}

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" }, async: { queueMs: 5, runMs: 5 }, webhookSecrets: [SECRET] });
  hook = await webhookReceiver();
  server = await serve({ upstream: emu.url });
  browser = await launchChromium();
  ({ page, pageErrors } = await openTestPage(browser, server.url, PAGE_DIR, "__deploy-test", { setup: routes }));
});

/** The suite's own listener and routes, installed before the page loads. @param {import("playwright-core").Page} page */
async function routes(page) {
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith("/model/") || url.hostname.endsWith(".api.baseten.co")) net.push({ method: req.method(), url: req.url() });
  });
  // Nothing leaves the machine: Baseten's hosts are answered here, any other non-loopback host refused.
  await page.route(
    (url) => url.hostname !== "127.0.0.1",
    async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (!url.hostname.endsWith(".api.baseten.co")) return route.abort("blockedbyclient");
      baseten.push({ method: request.method(), url: request.url(), headers: await request.allHeaders() });
      const body = url.pathname.endsWith("/async_predict") ? { request_id: "r1" } : {};
      await route.fulfill({ status: 200, contentType: "application/json", headers: { "x-baseten-request-id": "rq" }, body: JSON.stringify(body) });
    },
  );
  // The n-th webhook the receiver got, raw bytes and signature header, for the page to verify.
  await page.route((url) => url.pathname.startsWith("/__deploy-hook/"), async (route) => {
    const n = Number(new URL(route.request().url()).pathname.slice("/__deploy-hook/".length));
    try {
      const w = await hook.nth(n);
      await route.fulfill({ status: 200, headers: { "content-type": "application/json", "x-baseten-signature": String(w.headers["x-baseten-signature"]) }, body: w.body });
    } catch (err) {
      await route.fulfill({ status: 504, body: String(err) });
    }
  });
}

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
  await hook?.close();
});

beforeEach(() => {
  emu.reset();
  emu.configure({ async: { queueMs: 5, runMs: 5, secondMs: 1000, paused: false }, webhookSecrets: [SECRET] });
  hook.received.length = 0;
  net.length = 0;
  baseten.length = 0;
});

/** @param {string} name @param {Record<string, unknown>} [args] @returns {Promise<any>} */
function run(name, args = {}) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, model: MODEL, ...args }]));
}

/** The origin of serve.js, without the trailing slash. */
const origin = () => server.url.replace(/\/$/, "");

/** A raw request to the emulator from Node, without modelwire. @param {string} path @param {RequestInit} [init] */
function raw(path, init = {}) {
  return fetch(`${emu.url}${path}`, { ...init, headers: { authorization: `Api-Key ${KEY}`, "content-type": "application/json", ...init.headers } });
}

/** Waits until `check()` is true (a sanity bound, not a timing assertion). @param {() => boolean} check @param {string} what */
async function until(check, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** No secret in any message. @param {any[]} outcomes @param {string[]} secrets */
function assertNoSecretIn(outcomes, secrets) {
  for (const o of outcomes) for (const s of secrets) if (o && !o.ok) assert.ok(!o.error.message.includes(s), `the error shows a secret: ${o.error.message}`);
}

test("predict, plain and streamed, from the page", async () => {
  const r = await run("predict");
  assert.equal(r.predictURL, `${server.url}model/${MODEL}/environments/staging/predict`);
  assert.equal(r.out.deployment_id, "dep_staging");
  assert.match(r.out.output, /^About From the page/);
  assert.match(r.text, /^About Streamed in the page/);
  assert.ok(r.bytes > 0);
  const log = emu.log();
  assert.equal(r.requestId, log[0].requestId);
  assert.deepEqual(log.map((e) => e.path), [`/model/${MODEL}/environments/staging/predict`, `/model/${MODEL}/environments/staging/predict`]);
  for (const e of log) assert.match(e.headers.authorization, /^Api-Key \[REDACTED/);
  assert.deepEqual(pageErrors, []);
});

test("sync route and the OpenAI-compatible client, from the page", async () => {
  const r = await run("sync");
  assert.deepEqual(r.echo, { route: "/items/9", method: "PATCH", query: { x: "1" }, body: { a: 1 } });
  assert.match(r.content, /^About Hello from the page/);
  assert.equal(r.streamed, r.content);
});

test("async life cycle from the page", async () => {
  const r = await run("async");
  assert.equal(r.final.status, "SUCCEEDED");
  assert.equal(r.final.request_id, r.id);
  assert.equal(r.seen.at(-1), "SUCCEEDED");
  assert.deepEqual(emu.log()[0].body, { model_input: { prompt: "queued from the page" }, priority: 2 });
});

test("invalid ids are refused in the page before any request", async () => {
  const r = await run("invalid");
  assert.deepEqual(r, [
    { isValidation: true, field: "model_id" },
    { isValidation: true, field: "environment" },
    { isValidation: true, field: "route" },
  ]);
  assert.equal(emu.log().length, 0);
});

test("verifyWebhook in the page agrees with WebCrypto's HMAC-SHA256", async () => {
  const r = await run("webhook", { secret: "whsec_browser_7a6b5c4d" });
  assert.equal(r.ours, r.reference);
  assert.equal(r.reference, sig("whsec_browser_7a6b5c4d", JSON.stringify({ request_id: "r1", type: "async_request_completed", data: { output: "ok ✓" }, errors: [] })));
  assert.equal(r.accepted, "r1");
  assert.equal(r.rotated, "r1");
  assert.deepEqual(r.codes, ["mismatch", "mismatch", "malformed_signature", "missing_signature"]);
});

// ---------------------------------------------------------------------------
// Every URL form.

/** Through the proxy: the template replaces the host, so regional forms have bare paths and chains the model's path. */
const TARGETS = [
  { options: {}, prefix: "/environments/production", deployment: "dep_production", environment: "production" },
  { options: { environment: "production" }, prefix: "/environments/production", deployment: "dep_production", environment: "production" },
  { options: { environment: "staging" }, prefix: "/environments/staging", deployment: "dep_staging", environment: "staging" },
  { options: { development: true }, prefix: "/development", deployment: "dep_development", environment: "development" },
  { options: { deploymentId: "q4w8e2r" }, prefix: "/deployment/q4w8e2r", deployment: "q4w8e2r", environment: null },
  { options: { region: "production" }, prefix: "", deployment: "dep_production", environment: "production" },
  { options: { regional: true }, prefix: "", deployment: "dep_production", environment: "production" },
  { options: { chain: true }, prefix: "/environments/production", deployment: "dep_production", environment: "production" },
  { options: { chain: true, development: true }, prefix: "/development", deployment: "dep_development", environment: "development" },
];

test("every URL form through the proxy: the exact URLs the page fetched, and what the emulator served", async () => {
  const results = await run("urlForms", { targets: TARGETS.map((t) => t.options) });
  const log = emu.log();
  assert.equal(results.length, TARGETS.length);
  /** @type {string[]} */
  const expectedAll = [];
  let at = 0;
  for (const [i, t] of TARGETS.entries()) {
    const r = results[i];
    const what = JSON.stringify(t.options);
    const host = `${origin()}/model/${MODEL}`;
    const base = `${host}${t.prefix}`;
    assert.equal(r.predictURL, `${base}/predict`, what);
    assert.equal(r.openaiBaseURL, `${base}/sync/v1`, what);
    assert.equal(r.syncURL, `${base}/sync/v1/models?limit=2`, what);
    const expected = [
      `POST ${base}/predict`,
      `GET ${base}/sync/health`,
      `POST ${base}/sync/v1/chat/completions`,
      `POST ${base}/async_predict`,
      `GET ${base}/async_queue_status`,
      `GET ${host}/async_request/${r.id}`,
      `DELETE ${host}/async_request/${r.id}`,
    ];
    // What the page's fetch was called with.
    assert.deepEqual(r.calls.map((/** @type {any} */ c) => `${c.method} ${c.url}`), expected, what);
    for (const c of r.calls) {
      assert.equal(c.headers.authorization, `Api-Key ${KEY}`, what);
      assert.ok(!c.url.includes(KEY));
    }
    expectedAll.push(...expected);
    // What the emulator served, from its own log and its own answers.
    const entries = log.slice(at, at + expected.length);
    at += expected.length;
    assert.deepEqual(entries.map((e) => `${e.method} ${origin()}${e.path}`), expected, what);
    for (const e of entries) {
      assert.match(String(e.headers.authorization), /^Api-Key \[REDACTED key_/, what);
      assert.ok(e.status !== null && e.status < 300, `${what}: ${e.method} ${e.path} → ${e.status}`);
    }
    assert.equal(r.predicted.model_id, MODEL, what);
    assert.equal(r.predicted.deployment_id, t.deployment, what);
    assert.equal(r.predicted.environment, t.environment, what);
    assert.deepEqual(r.health, { status: "ok" });
    assert.equal(r.object, "chat.completion");
    assert.match(r.id, /^[0-9a-f]{32}$/);
    assert.equal(r.queue.deployment_id, t.deployment, what);
    assert.equal(r.statusId, r.id);
    assert.equal(r.cancel.request_id, r.id);
  }
  assert.equal(log.length, expectedAll.length);
  // And what Chromium itself sent (Playwright's record, not the page's code).
  assert.deepEqual(net.map((n) => `${n.method} ${n.url}`), expectedAll);
  assert.deepEqual(pageErrors, []);
});

test("Baseten's own hosts from the page (model, environments, development, deployment, regional, chain), intercepted", async () => {
  const host = "https://model-abcd1234.api.baseten.co";
  /** @type {[string, Record<string, unknown>, string][]} */
  const cases = [
    ["abcd1234", {}, `${host}/environments/production`],
    ["abcd1234", { environment: "staging" }, `${host}/environments/staging`],
    ["abcd1234", { development: true }, `${host}/development`],
    ["abcd1234", { deploymentId: "w7x9y2" }, `${host}/deployment/w7x9y2`],
    ["abcd1234", { region: "eu-prod" }, "https://model-abcd1234-eu-prod.api.baseten.co"],
    ["abcd1234", { regional: true }, "https://model-abcd1234-production.api.baseten.co"],
    ["abcd1234", { environment: "staging", region: true }, "https://model-abcd1234-staging.api.baseten.co"],
    ["ch42ain", { chain: true }, "https://chain-ch42ain.api.baseten.co/environments/production"],
    ["ch42ain", { chain: true, development: true }, "https://chain-ch42ain.api.baseten.co/development"],
    ["ch42ain", { chain: true, region: "eu-prod" }, "https://chain-ch42ain-eu-prod.api.baseten.co"],
  ];
  const r = await run("basetenHosts", { cases: cases.map(([id, options]) => [id, options]) });
  /** @type {string[]} */
  const expectedAll = [];
  for (const [i, [, options, prefix]] of cases.entries()) {
    const t = r.targets[i];
    const what = JSON.stringify(options);
    assert.equal(t.predictURL, `${prefix}/predict`, what);
    assert.equal(t.openaiBaseURL, `${prefix}/sync/v1`, what);
    assert.equal(t.syncURL, `${prefix}/sync/v1/models?limit=2`, what);
    assert.equal(t.requestId, "r1");
    const expected = [
      `POST ${prefix}/predict`,
      `GET ${prefix}/sync/items/123`,
      `POST ${prefix}/async_predict`,
      `GET ${prefix}/async_queue_status`,
      `POST ${prefix}/wake`,
      `POST ${prefix}/sync/v1/chat/completions`,
    ];
    assert.deepEqual(t.calls.map((/** @type {any} */ c) => `${c.method} ${c.url}`), expected, what);
    expectedAll.push(...expected);
  }
  assert.deepEqual(r.asyncCalls.map((/** @type {any} */ c) => `${c.method} ${c.url}`), [`GET ${host}/async_request/r1`, "DELETE https://chain-ch42ain.api.baseten.co/async_request/r1"]);
  expectedAll.push(`GET ${host}/async_request/r1`, "DELETE https://chain-ch42ain.api.baseten.co/async_request/r1");
  // What Chromium sent (preflights are answered by Playwright and not listed), with the key as Api-Key.
  assert.deepEqual(baseten.map((b) => `${b.method} ${b.url}`), expectedAll);
  assert.deepEqual(net.map((n) => `${n.method} ${n.url}`), expectedAll);
  for (const b of baseten) {
    assert.equal(b.headers.authorization, `Api-Key ${KEY}`);
    assert.equal(b.headers["x-api-key"], undefined);
    assert.ok(!b.url.includes(KEY));
  }
  assert.equal(emu.log().length, 0);
});

test("invalid ids, environment names, routes and base URLs in the page: ValidationError naming the field, no request", async () => {
  const { results, calls } = await run("invalidAll");
  /** @type {Record<string, string>} */
  const expected = {
    "model_id with a dot": "model_id",
    "model_id with ..": "model_id",
    "empty model_id": "model_id",
    "model_id with @": "model_id",
    "model_id too long": "model_id",
    "chain_id with a dot": "chain_id",
    "upper-case environment": "environment",
    "environment with a leading hyphen": "environment",
    "environment with a dot": "environment",
    "environment with ..": "environment",
    "empty environment": "environment",
    "environment and development": "environment",
    "deployment_id with a slash": "deployment_id",
    "region with an underscore": "environment",
    "region and environment": "region",
    "regional development": "regional",
    "base URL with userinfo": "base_url",
    "ftp base URL": "base_url",
    "base URL without {model_id}": "base_url",
    "route ../": "route",
    "route %2e%2e": "route",
    "route %2F": "route",
    "route with a fragment": "route",
    "route with a backslash": "route",
    "route with a space": "route",
    "sync to //evil.com": "route",
    "request_id ../": "request_id",
    "empty request_id": "request_id",
    "asyncRequest model_id with a dot": "model_id",
    "asyncRequest without modelId": "model_id",
    "predict of undefined": "model_input",
  };
  assert.deepEqual(Object.keys(results).sort(), Object.keys(expected).sort());
  for (const [label, field] of Object.entries(expected)) {
    const o = results[label];
    assert.equal(o.ok, false, `${label}: expected a ValidationError, got ${JSON.stringify(o.value)}`);
    assert.ok(o.error.isValidation, `${label}: got ${o.error.name}: ${o.error.message}`);
    assert.equal(o.error.name, "ValidationError");
    assert.equal(o.error.field, field, `${label}: ${o.error.message}`);
    assert.match(o.error.message, /^invalid /, label);
    assert.ok(!o.error.message.includes(KEY));
  }
  assert.equal(results["model_id with a dot"].error.message, "invalid model_id: must be the alphanumeric id from the Baseten dashboard (found '.' at byte 4)");
  // No request: not from the page's fetch, not in Chromium, not at the emulator.
  assert.deepEqual(calls, []);
  assert.deepEqual(net, []);
  assert.equal(emu.log().length, 0);
});

// ---------------------------------------------------------------------------
// predict, sync, openai().

test("predict stream in the page: raw chunks, byte for byte what the emulator sends", async () => {
  const input = { prompt: "Stream me in Chromium", stream: true };
  // bytewise: one byte per HTTP chunk; the 400 ms stall mid-body splits it in two reads at least.
  const r = await run("predictChunks", { input, fault: "bytewise,stall:400" });
  const log = emu.log();
  assert.equal(log.length, 1);
  assert.equal(log[0].path, `/model/${MODEL}/environments/production/predict`);
  assert.deepEqual(log[0].body, input);
  assert.equal(r.requestId, log[0].requestId);
  assert.ok(r.isPredictStream);
  assert.equal(r.contentType, "application/octet-stream");
  assert.ok(r.allUint8, "every chunk is a Uint8Array");
  assert.ok(r.chunks.length > 1, `arrived in ${r.chunks.length} chunk(s)`);
  // Iterating twice is an error, not an empty stream.
  assert.equal(r.again.ok, false);
  assert.match(r.again.error.message, /consumed/);
  const expected = Buffer.from(await (await raw(`/model/${MODEL}/environments/production/predict`, { method: "POST", body: JSON.stringify(input) })).arrayBuffer());
  assert.ok(expected.length > 0);
  assert.deepEqual(Buffer.from(r.chunks.flat()), expected);
});

test("predict in the page: plain JSON, and text() / textChunks() of a stream, equal the emulator's raw answers", async () => {
  const input = { prompt: "Decode me in Chromium", stream: true };
  const multibyte = "naïve – 東京 – 🚀 done";
  const r = await run("predictText", { input, multibyte });
  const log = emu.log();
  assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), Array(3).fill(`POST /model/${MODEL}/environments/production/predict`));
  assert.deepEqual(log[0].body, { prompt: input.prompt });
  assert.equal(r.requestId, log[0].requestId);
  const plain = await (await raw(`/model/${MODEL}/environments/production/predict`, { method: "POST", body: JSON.stringify({ prompt: input.prompt }) })).json();
  assert.deepEqual(r.plain, plain);
  const streamed = await (await raw(`/model/${MODEL}/environments/production/predict`, { method: "POST", body: JSON.stringify(input) })).text();
  assert.equal(r.text, streamed);
  assert.equal(r.pieces.join(""), streamed);
  assert.equal(r.splitPieces.join(""), multibyte);
  assert.ok(r.splitPieces.every((/** @type {string} */ p) => !p.includes("\uFFFD")), "no replacement characters");
});

test("sync in the page: method, query, JSON / raw / bytes bodies and headers, as the emulator logged them", async () => {
  const r = await run("syncRoutes");
  const prefix = `/model/${MODEL}/environments/staging/sync`;
  assert.deepEqual(r.health, { isResponse: true, status: 200, body: { status: "ok" } });
  assert.deepEqual(r.get, { route: "/items/123", method: "GET", query: { full: "1", tag: "a b" }, body: null });
  assert.deepEqual(r.put, { route: "/items/7", method: "PUT", query: {}, body: { name: "x", n: [1, 2] } });
  assert.equal(r.post.method, "POST");
  assert.deepEqual(r.post.body, [1]);
  assert.equal(r.del.method, "DELETE");
  assert.deepEqual(r.raw.body, { raw: true });
  assert.deepEqual(r.bytes.body, { bytes: 1 });
  assert.equal(r.streamedType, "application/octet-stream");
  assert.equal(r.readable.ok, false);
  assert.ok(r.readable.error.isModelwire);
  assert.equal(r.missing.ok, false);
  assert.ok(r.missing.error.isNotFound, r.missing.error.name);
  assert.equal(r.missing.error.status, 404);

  const log = emu.log();
  assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), [
    `GET ${prefix}/health`,
    `GET ${prefix}/items/123?full=1&tag=a%20b`,
    `PUT ${prefix}/items/7`,
    `POST ${prefix}/items`,
    `DELETE ${prefix}/items/7`,
    `POST ${prefix}/echo`,
    `POST ${prefix}/echo`,
    `POST ${prefix}/predict`,
    `GET /model/${MODEL}/environments/canary/sync/health`,
  ]);
  assert.equal(log[0].headers["content-type"], undefined, "no content-type without a body");
  assert.equal(log[2].headers["content-type"], "application/json");
  assert.equal(log[2].headers["x-trace"], "t1");
  assert.deepEqual(log[2].body, { name: "x", n: [1, 2] });
  assert.equal(log[5].body.raw, true);
  assert.equal(log[6].headers["content-type"], "application/json");
  for (const e of log) assert.match(String(e.headers.authorization), /^Api-Key \[REDACTED/);
  assert.deepEqual(net.map((n) => `${n.method} ${new URL(n.url).pathname}${new URL(n.url).search}`), log.map((e) => `${e.method} ${e.path}`));
  // The page's fetch: the method upper-cased, the route under the target, the header passed on.
  assert.equal(r.calls[2].method, "PUT");
  assert.equal(r.calls[2].url, `${origin()}${prefix}/items/7`);
  assert.equal(r.calls[2].headers["x-trace"], "t1");
  assert.equal(r.calls[2].headers.authorization, `Api-Key ${KEY}`);
  // The streamed body, as the emulator sends it.
  const expected = await (await raw(`${prefix}/predict`, { method: "POST", body: JSON.stringify({ prompt: "stream", stream: true }) })).text();
  assert.equal(r.streamedText, expected);
});

test("the /sync/v1 OpenAI-compatible client in the page: plain and streamed equal the emulator's raw completion", async () => {
  const messages = [{ role: "user", content: "What is the capital of France, asked from Chromium?" }];
  const r = await run("openaiClient", { messages });
  const prefix = `/model/${MODEL}/environments/production/sync/v1`;
  assert.ok(r.isClient);
  assert.equal(r.baseURL, `${origin()}${prefix}`);
  assert.equal(r.devBaseURL, `${origin()}/model/${MODEL}/development/sync/v1`);
  assert.equal(r.devMaxRetries, 1);
  assert.equal(r.object, "chat.completion");
  const log = emu.log();
  assert.equal(r.requestId, log[0].requestId);
  assert.deepEqual(log.map((e) => `${e.method} ${e.path} ${e.status}`), [
    `POST ${prefix}/chat/completions 200`,
    `POST ${prefix}/chat/completions 200`,
    `POST ${prefix}/chat/completions 200`,
    `POST ${prefix}/chat/completions 404`,
    `POST /model/${MODEL}/development/sync/v1/chat/completions 200`,
  ]);
  assert.deepEqual(log[0].body.messages, messages);
  assert.equal(log[1].body.stream, true);
  for (const e of log.slice(0, 4)) assert.match(String(e.headers.authorization), /^Api-Key \[REDACTED/);
  assert.match(String(log[4].headers.authorization), /^Bearer \[REDACTED/);
  assert.equal(r.wrongModel.ok, false);
  assert.ok(r.wrongModel.error.isNotFound);
  // The reference: the emulator's own completion for the same messages, fetched from Node.
  const reference = await (await raw(`${prefix}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "served-model", messages }) })).json();
  const content = reference.choices[0].message.content;
  assert.match(content, /^About What is the capital of France/);
  assert.equal(r.content, content);
  assert.equal(r.streamed, content);
  assert.equal(r.runner, content);
  assert.ok(r.chunks > 1, `streamed in ${r.chunks} chunk(s)`);
});

// ---------------------------------------------------------------------------
// Async predict.

test("async in the page: submit → QUEUED → IN_PROGRESS → SUCCEEDED, the signed webhook delivered and verified", async () => {
  // IN_PROGRESS lasts 1 s: a generous window for polls at most 20 ms apart, even on a loaded machine.
  emu.configure({ async: { paused: true, runMs: 1000 } });
  const input = { prompt: "Summarise the queue from Chromium" };
  const asyncPath = `/model/${MODEL}/async_request/`;
  const pending = run("asyncLifeCycle", { hook: hook.url, secret: SECRET, input });
  // While the page polls (one status call, then waitFor), resume the held queue.
  await until(() => emu.log().filter((e) => e.method === "GET" && e.path.startsWith(asyncPath)).length >= 3, "the page polls");
  emu.resumeAsync();
  const r = await pending;

  const log = emu.log();
  const submitted = log[0];
  assert.equal(submitted.path, `/model/${MODEL}/environments/production/async_predict`);
  assert.equal(submitted.status, 201);
  assert.deepEqual(submitted.body, { model_input: input, webhook_endpoint: hook.url, priority: 1, max_time_in_queue_seconds: 600 });
  assert.equal(r.queued.status, "QUEUED");
  assert.equal(r.queued.webhook_status, "PENDING");
  assert.deepEqual(r.queue, { model_id: MODEL, deployment_id: "dep_production", num_queued_requests: 1, num_in_progress_requests: 0 });
  assert.equal(r.seen[0], "QUEUED");
  assert.ok(r.seen.includes("IN_PROGRESS"), `saw ${r.seen}`);
  assert.equal(r.seen.at(-1), "SUCCEEDED");
  assert.equal(r.final.status, "SUCCEEDED");
  assert.equal(r.final.request_id, r.id);
  assert.deepEqual(r.final.errors, []);
  // Every poll is a GET the emulator answered; one per status the page saw (+ the first status call).
  const polls = log.filter((e) => e.method === "GET" && e.path === `${asyncPath}${r.id}`);
  assert.equal(polls.length, r.seen.length + 1);

  // The webhook: exactly what the receiver got, signed as node:crypto signs it.
  assert.equal(hook.received.length, 1);
  const [webhook] = hook.received;
  assert.equal(webhook.headers["x-baseten-signature"], sig(SECRET, webhook.body));
  assert.equal(r.delivered.header, sig(SECRET, webhook.body));
  assert.equal(r.delivered.reference, sig(SECRET, webhook.body), "WebCrypto agrees with node:crypto");
  assert.equal(r.delivered.text, webhook.body.toString("utf8"));
  const payload = JSON.parse(webhook.body.toString("utf8"));
  assert.deepEqual(r.delivered.payload, payload);
  assert.equal(payload.request_id, r.id);
  assert.equal(payload.type, "async_request_completed");
  assert.equal(payload.model_id, MODEL);
  assert.match(String(payload.data.output), /^About Summarise the queue from Chromium/);
  assert.equal(r.viaString, r.id);
  assert.equal(r.viaList, r.id);
  for (const refused of [r.tampered, r.wrongSecret]) {
    assert.equal(refused.ok, false);
    assert.ok(refused.error.isWebhook);
    assert.equal(refused.error.code, "mismatch");
  }
  assertNoSecretIn([r.tampered, r.wrongSecret], [SECRET]);
  // The emulator's own view, read from Node: SUCCEEDED with the webhook delivered.
  /** @type {any} */
  let status;
  for (let i = 0; i < 200 && status?.webhook_status !== "SUCCEEDED"; i++) {
    status = await (await raw(`${asyncPath}${r.id}`)).json();
    if (status.webhook_status !== "SUCCEEDED") await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(status.status, "SUCCEEDED");
  assert.equal(status.webhook_status, "SUCCEEDED");
  assert.deepEqual(pageErrors, []);
});

test("async in the page: the emulator signs with two secrets while rotating; either verifies", async () => {
  const secrets = ["whsec_old_1111aaaa", "whsec_new_2222bbbb"];
  emu.configure({ webhookSecrets: secrets });
  const r = await run("asyncRotation", { hook: hook.url, secrets });
  assert.equal(r.final.status, "SUCCEEDED");
  const [webhook] = hook.received;
  const header = String(webhook.headers["x-baseten-signature"]);
  assert.equal(header, secrets.map((s) => sig(s, webhook.body)).join(","));
  assert.equal(r.header, header);
  assert.deepEqual(r.references, secrets.map((s) => sig(s, webhook.body)));
  assert.deepEqual(r.accepted, [r.id, r.id]);
  assert.equal(r.held, r.id);
  assert.equal(r.neither.ok, false);
  assert.equal(r.neither.error.code, "mismatch");
});

test("async in the page: cancel while queued → CANCELED; cancel after it ran → canceled: false", async () => {
  emu.configure({ async: { paused: true } });
  const q = await run("asyncCancel", { phase: "queued" });
  assert.deepEqual(q.result, { request_id: q.id, canceled: true, message: "Request canceled" });
  assert.equal(q.final.status, "CANCELED");
  assert.equal(q.final.deployment_id, "dep_staging");
  const viewed = await (await raw(`/model/${MODEL}/async_request/${q.id}`)).json();
  assert.equal(viewed.status, "CANCELED");
  const del = emu.log().filter((e) => e.method === "DELETE");
  assert.deepEqual(del.map((e) => `${e.path} ${e.status}`), [`/model/${MODEL}/async_request/${q.id} 200`]);

  emu.configure({ async: { paused: false } });
  const done = await run("asyncCancel", { phase: "ran" });
  assert.equal(done.final.status, "SUCCEEDED");
  assert.equal(done.late.canceled, false);
  assert.match(done.late.message, /SUCCEEDED/);
  assert.equal((await (await raw(`/model/${MODEL}/async_request/${done.id}`)).json()).status, "SUCCEEDED");
});

test("async in the page: expired after maxTimeInQueueSeconds, the EXPIRED webhook verified", async () => {
  // One emulated second per real millisecond: 10 s of queue time is 10 ms.
  emu.configure({ async: { paused: true, secondMs: 1 } });
  const r = await run("asyncExpired", { hook: hook.url, secret: SECRET });
  assert.equal(emu.log()[0].body.max_time_in_queue_seconds, 10);
  assert.equal(r.final.status, "EXPIRED");
  assert.equal(r.final.errors[0].code, "ASYNC_REQUEST_EXPIRED");
  assert.ok(!r.seen.includes("IN_PROGRESS"), `saw ${r.seen}`);
  const [webhook] = hook.received;
  assert.equal(r.delivered.header, sig(SECRET, webhook.body));
  assert.equal(r.delivered.reference, sig(SECRET, webhook.body));
  const payload = JSON.parse(webhook.body.toString("utf8"));
  assert.deepEqual(r.delivered.payload, payload);
  assert.equal(payload.request_id, r.id);
  assert.equal(payload.data, null);
  assert.equal(payload.errors[0].code, "ASYNC_REQUEST_EXPIRED");
  assert.equal((await (await raw(`/model/${MODEL}/async_request/${r.id}`)).json()).status, "EXPIRED");
});

test("async bounds in the page: ValidationError naming the field before any request; 256 KiB exactly is sent", async () => {
  const r = await run("asyncBounds", { hook: hook.url });
  /** @type {Record<string, [string, RegExp?]>} */
  const expected = {
    "priority 3": ["priority", /from 0 to 2, got 3/],
    "priority -1": ["priority"],
    "priority 1.5": ["priority"],
    'priority "1"': ["priority"],
    "queue 9 s": ["max_time_in_queue_seconds"],
    "queue 259201 s": ["max_time_in_queue_seconds"],
    "queue 10.5 s": ["max_time_in_queue_seconds"],
    "maxAttempts 0": ["inference_retry_config.max_attempts"],
    "maxAttempts 11": ["inference_retry_config.max_attempts"],
    "initialDelayMs 10001": ["inference_retry_config.initial_delay_ms"],
    "maxDelayMs 60001": ["inference_retry_config.max_delay_ms"],
    "http webhook": ["webhook_endpoint", /https/],
    "http loopback webhook without the flag": ["webhook_endpoint", /https/],
    "http non-loopback webhook with the flag": ["webhook_endpoint"],
    "webhook with a space": ["webhook_endpoint"],
    "ftp webhook": ["webhook_endpoint"],
    "array input": ["model_input", /object/],
    "string input": ["model_input"],
    "undefined input": ["model_input"],
    "one byte over 256 KiB": ["model_input", /256 KiB/],
    "far over 256 KiB": ["model_input", /256 KiB/],
  };
  assert.deepEqual(Object.keys(r.refused).sort(), Object.keys(expected).sort());
  for (const [label, [field, message]] of Object.entries(expected)) {
    const o = r.refused[label];
    assert.equal(o.ok, false, `${label}: sent, got ${JSON.stringify(o.value)}`);
    assert.ok(o.error.isValidation, `${label}: ${o.error.name}: ${o.error.message}`);
    assert.equal(o.error.field, field, `${label}: ${o.error.message}`);
    if (message) assert.match(o.error.message, message, label);
  }
  assert.equal(r.refusedCalls, 0, "the page's fetch was never called");
  // The largest body that fits: one request, 262144 bytes, accepted by the emulator.
  assert.equal(r.fits.ok, true, JSON.stringify(r.fits.error));
  assert.equal(r.fitsCalls, 1);
  const log = emu.log();
  assert.equal(log.length, 1);
  assert.equal(log[0].status, 201);
  assert.equal(Buffer.byteLength(JSON.stringify(log[0].body)), 256 * 1024);
  assert.equal(log[0].body.model_input.blob.length, 256 * 1024 - r.envelope);
  assert.equal(net.length, 1);
});

test("waitFor in the page: an AbortSignal stops the polling; an aborted signal sends nothing", async () => {
  emu.configure({ async: { paused: true } });
  const polls = 4;
  const r = await run("waitForAbort", { polls });
  const path = `/model/${MODEL}/async_request/${r.id}`;
  assert.deepEqual(r.seen, Array(polls).fill("QUEUED"));
  assert.equal(r.aborted.ok, false);
  assert.ok(r.aborted.error.isAbort, `got ${r.aborted.error.name}: ${r.aborted.error.message}`);
  // An already-aborted signal: rejected without a request.
  assert.equal(r.early.ok, false);
  assert.ok(r.early.error.isAbort, `got ${r.early.error.name}`);
  assert.equal(r.earlyCalls, 0);
  // A timeout signal ends the wait too, as an abort (whether a poll came back before it is timing).
  assert.equal(r.timed.ok, false);
  assert.ok(r.timed.error.isAbort, `got ${r.timed.error.name}: ${r.timed.error.message}`);
  // No fetch after the abort (the page kept recording 150 ms past it). The timeout may cut a
  // poll already sent (no status for it); the first abort, from onStatus, cannot.
  assert.equal(r.abortedCalls, polls);
  assert.ok(r.timedCalls === r.timedPolls || r.timedCalls === r.timedPolls + 1, `${r.timedCalls} fetches for ${r.timedPolls} statuses`);
  assert.equal(r.badInterval.ok, false);
  assert.match(r.badInterval.error.message, /pollInterval/);
  // The emulator saw the polls the page reported, none for the pre-aborted wait, none later.
  const gets = emu.log().filter((e) => e.method === "GET" && e.path === path);
  // (A poll cut by the timeout may or may not have reached the emulator through the proxy.)
  assert.ok(gets.length >= polls + r.timedPolls && gets.length <= r.abortedCalls + r.timedCalls, `${gets.length} polls logged`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(emu.log().filter((e) => e.method === "GET" && e.path === path).length, gets.length, "no poll after the aborts");
  const status = await (await raw(path)).json();
  assert.equal(status.status, "QUEUED");
});

// ---------------------------------------------------------------------------
// verifyWebhook in the page, against node:crypto.

test("verifyWebhook in the page: accept and reject cases, signatures by node:crypto", async () => {
  const S = "whsec_page_8c2d4e6f0a1b3c5d";
  const OLD = "whsec_old_0f9e8d7c6b5a4938";
  const ID = "9f1c2b3a4d5e6f708192a3b4c5d6e7f8";
  const BODY = JSON.stringify({
    request_id: ID,
    model_id: "abcd1234",
    deployment_id: "dep_production",
    type: "async_request_completed",
    time: "2026-11-22T10:00:00.000Z",
    data: { output: "Ünïcödé ✓ 東京" },
    errors: [],
  });
  const good = sig(S, BODY);
  const flip = (/** @type {string} */ h, /** @type {number} */ at) => h.slice(0, at) + (h[at] === "0" ? "1" : "0") + h.slice(at + 1);
  const badUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
  /** @type {{ label: string, secret: any, body?: string, bodyHex?: string, header: any, bodyAs?: string, headerAs?: string, secretAs?: string, expect: string }[]} */
  const cases = [
    // Accepted: the payload back.
    { label: "valid: string body", secret: S, body: BODY, header: good, expect: "ok" },
    { label: "valid: Uint8Array body", secret: S, body: BODY, bodyAs: "bytes", header: good, expect: "ok" },
    { label: "valid: ArrayBuffer body", secret: S, body: BODY, bodyAs: "arraybuffer", header: good, expect: "ok" },
    { label: "valid: DataView body", secret: S, body: BODY, bodyAs: "dataview", header: good, expect: "ok" },
    { label: "valid: Headers object", secret: S, body: BODY, header: good, headerAs: "Headers", expect: "ok" },
    { label: "valid: headers record", secret: S, body: BODY, header: good, headerAs: "record", expect: "ok" },
    { label: "valid: secret as bytes", secret: S, secretAs: "bytes", body: BODY, header: good, expect: "ok" },
    { label: "valid: upper-case hex", secret: S, body: BODY, header: "v1=" + good.slice(3).toUpperCase(), expect: "ok" },
    { label: "valid: v2 entry beside v1", secret: S, body: BODY, header: `v2=somethingnew,${good}`, expect: "ok" },
    // Rotation: several v1= entries, several held secrets.
    { label: "rotated: new secret, two entries", secret: S, body: BODY, header: `${sig(OLD, BODY)},${good}`, expect: "ok" },
    { label: "rotated: old secret, two entries", secret: OLD, body: BODY, header: `${sig(OLD, BODY)},${good}`, expect: "ok" },
    { label: "rotated: space after the comma", secret: S, body: BODY, header: `${sig(OLD, BODY)}, ${good}`, expect: "ok" },
    { label: "rotated: three entries, match last", secret: S, body: BODY, header: `${sig("whsec_x", BODY)},${sig(OLD, BODY)},${good}`, expect: "ok" },
    { label: "held secrets [old, new], new signature", secret: [OLD, S], body: BODY, header: good, expect: "ok" },
    { label: "held secrets [old, new], old signature", secret: [OLD, S], body: BODY, header: sig(OLD, BODY), expect: "ok" },
    { label: "rotated: a third secret", secret: "whsec_third", body: BODY, header: `${sig(OLD, BODY)},${good}`, expect: "mismatch" },
    // Tampered body.
    { label: "tampered: model id", secret: S, body: BODY.replace("abcd1234", "abcd1235"), header: good, expect: "mismatch" },
    { label: "tampered: trailing space", secret: S, body: BODY + " ", header: good, expect: "mismatch" },
    { label: "tampered: re-serialised", secret: S, body: JSON.stringify(JSON.parse(BODY), null, 1), header: good, expect: "mismatch" },
    { label: "tampered: output, bytes", secret: S, body: BODY.replace("東京", "大阪"), bodyAs: "bytes", header: good, expect: "mismatch" },
    // Wrong secret.
    { label: "wrong secret: one more char", secret: S + "x", body: BODY, header: good, expect: "mismatch" },
    { label: "wrong secret: one less char", secret: S.slice(0, -1), body: BODY, header: good, expect: "mismatch" },
    { label: "wrong secret: unrelated", secret: "whsec_wrong", body: BODY, header: good, expect: "mismatch" },
    { label: "wrong secrets: both held wrong", secret: ["whsec_a", "whsec_b"], body: BODY, header: good, expect: "mismatch" },
    ...[3, 20, 66].map((at) => ({ label: `flipped hex digit at ${at}`, secret: S, body: BODY, header: flip(good, at), expect: "mismatch" })),
    // Missing header.
    { label: "missing: undefined", secret: S, body: BODY, header: null, headerAs: "undefined", expect: "missing_signature" },
    { label: "missing: null", secret: S, body: BODY, header: null, headerAs: "null", expect: "missing_signature" },
    { label: "missing: empty", secret: S, body: BODY, header: "", expect: "missing_signature" },
    { label: "missing: blank", secret: S, body: BODY, header: "   ", expect: "missing_signature" },
    { label: "missing: Headers without it", secret: S, body: BODY, header: null, headerAs: "Headers", expect: "missing_signature" },
    { label: "missing: record without it", secret: S, body: BODY, header: null, headerAs: "record", expect: "missing_signature" },
    // Malformed header.
    ...[
      ["bare hex", good.slice(3)],
      ["v1: instead of v1=", "v1:" + good.slice(3)],
      ["63 digits", "v1=" + good.slice(3, -1)],
      ["65 digits", good + "0"],
      ["non-hex digits", "v1=" + "g".repeat(64)],
      ["sha256= scheme", "sha256=" + good.slice(3)],
      ["no v1 entry", "v2=abc"],
      ["semicolon separator", `${good};${good}`],
      ["empty v1", "v1="],
      ["no scheme", "=" + good],
      ["trailing garbage entry", good + ",garbage"],
      ["too long", "v1=" + "0".repeat(64) + "," + "x".repeat(9000)],
      ["short hex", "v1=xyz"],
    ].map(([what, header]) => ({ label: `malformed: ${what}`, secret: S, body: BODY, header, expect: "malformed_signature" })),
    { label: "malformed: in a Headers object", secret: S, body: BODY, header: "v1=xyz", headerAs: "Headers", expect: "malformed_signature" },
    // Configuration errors and non-JSON bodies.
    { label: "empty secret", secret: "", body: BODY, header: good, expect: "empty_secret" },
    { label: "no secrets", secret: [], body: BODY, header: good, expect: "empty_secret" },
    { label: "an empty secret among others", secret: [S, ""], body: BODY, header: good, expect: "empty_secret" },
    { label: "valid signature, not JSON", secret: S, body: "not json", header: sig(S, "not json"), expect: "invalid_payload" },
    { label: "valid signature, invalid UTF-8", secret: S, bodyHex: badUtf8.toString("hex"), bodyAs: "bytes", header: sig(S, badUtf8), expect: "invalid_payload" },
    { label: "a body that is not bytes", secret: S, body: BODY, bodyAs: "object", header: good, expect: "TypeError" },
    { label: "a secret that is not bytes", secret: S, secretAs: "number", body: BODY, header: good, expect: "TypeError" },
  ];
  const r = await run("webhookCases", { cases, reference: { secret: S, body: BODY } });
  // The page's WebCrypto and signWebhook agree with node:crypto.
  assert.equal(r.webCrypto, good);
  assert.equal(r.signed, good);
  assert.equal(r.signedBytes, good);
  assert.equal(r.out.length, cases.length);
  for (const [i, c] of cases.entries()) {
    const o = r.out[i];
    assert.equal(o.label, c.label);
    if (c.expect === "ok") {
      assert.equal(o.ok, true, `${c.label}: refused with ${o.error?.code}: ${o.error?.message}`);
      assert.equal(o.value.request_id, ID, c.label);
      assert.deepEqual(o.value.data, { output: "Ünïcödé ✓ 東京" });
    } else if (c.expect === "TypeError") {
      assert.equal(o.ok, false, c.label);
      assert.ok(o.error.isTypeError, `${c.label}: got ${o.error.name}`);
    } else {
      assert.equal(o.ok, false, `${c.label}: accepted`);
      assert.ok(o.error.isWebhook && o.error.isModelwire, `${c.label}: got ${o.error.name}: ${o.error.message}`);
      assert.equal(o.error.name, "WebhookVerificationError");
      assert.equal(o.error.code, c.expect, `${c.label}: ${o.error.message}`);
    }
  }
  assertNoSecretIn(r.out, [S, OLD]);
  const byLabel = Object.fromEntries(r.out.map((/** @type {any} */ o) => [o.label, o]));
  assert.equal(byLabel["wrong secret: unrelated"].error.message, "webhook signature does not match the body (wrong secret or altered body)");
  assert.match(byLabel["malformed: short hex"].error.message, /^malformed X-BASETEN-SIGNATURE header: /);
  assert.equal(byLabel["missing: empty"].error.message, "webhook has no X-BASETEN-SIGNATURE signature");
  assert.deepEqual(pageErrors, []);
});
