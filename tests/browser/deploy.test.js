// Dedicated deployments and verifyWebhook in real Chromium: a page
// (tests/browser/deploy/) imports /js/web.js from scripts/serve.js, whose
// /model/ proxy leads to the emulator's deployment routes.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-browser-deploy-key-4d3c2b1a0f9e8d7c";
const MODEL = "abcd1234";
const PAGE_DIR = fileURLToPath(new URL("./deploy/", import.meta.url));

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
  emu = await startEmulator({ keys: { [KEY]: "valid" }, async: { queueMs: 5, runMs: 5 } });
  server = await serve({ upstream: emu.url });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.route((url) => url.pathname.startsWith("/__deploy-test/"), async (route) => {
    const name = new URL(route.request().url()).pathname.slice("/__deploy-test/".length) || "index.html";
    if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404, body: "not found" });
    const type = name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    try {
      await route.fulfill({ status: 200, contentType: type, body: await readFile(PAGE_DIR + name) });
    } catch {
      await route.fulfill({ status: 404, body: "not found" });
    }
  });
  await page.goto(new URL("/__deploy-test/index.html", server.url).href);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

beforeEach(() => emu.reset());

/** @param {string} name @param {Record<string, unknown>} [args] @returns {Promise<any>} */
function run(name, args = {}) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, model: MODEL, ...args }]));
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
  assert.equal(r.accepted, "r1");
  assert.equal(r.rotated, "r1");
  assert.deepEqual(r.codes, ["mismatch", "mismatch", "malformed_signature", "missing_signature"]);
});
