// The catalog in real Chromium (Playwright driving Debian's build): the web
// build from scripts/serve.js, whose /v1 proxy leads to the emulator.
// client.models.list(), a CapabilityError with nothing sent, the running cost
// of a stream, and the meter, all inside the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-browser-catalog-key-7d6c5b4a39281706f5e4";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  server = await serve({ upstream: emu.url });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  // An empty page on the server's origin, so that /js/web.js and /v1 are the real ones.
  await page.route((url) => url.pathname === "/__catalog-test/", (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>catalog</title>" }),
  );
  await page.goto(new URL("/__catalog-test/", server.url).href);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

test("Chromium: list, a capability check with no request, running cost and the meter", async () => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
  const result = await page.evaluate(async (key) => {
    const mw = await import("/js/web.js");
    const client = new mw.Client({ apiKey: key, baseURL: `${location.origin}/v1` });
    const list = await client.models.list();
    let refused = null;
    try {
      await client.chat.completions.create({ model: "zai-org/GLM-5", messages: [{ role: "user", content: "hi" }], reasoning_effort: "high" });
    } catch (err) {
      refused = { isCapability: err instanceof mw.CapabilityError, feature: err.feature, model: err.model };
    }
    const runner = client.messages.stream({ model: "deepseek-ai/DeepSeek-V4-Pro", max_tokens: 200, messages: [{ role: "user", content: "Why?" }] });
    const running = [];
    runner.on("usage", (usage, cost) => running.push(cost?.usd ?? null));
    const final = await runner.finalMessage();
    const v4 = list.data.find((m) => m.id === "deepseek-ai/DeepSeek-V4-Pro");
    return {
      count: list.data.length,
      pricing: v4?.pricing,
      refused,
      running,
      finalCost: final._cost?.usd,
      pure: mw.cost(v4, final.usage).usd,
      meter: client.meter.snapshot(),
    };
  }, KEY);
  assert.equal(result.count, 8);
  assert.deepEqual(result.pricing, { prompt: "0.00000174", completion: "0.00000348", input_cache_read: "0.000000145" });
  assert.deepEqual(result.refused, { isCapability: true, feature: "reasoning", model: "zai-org/GLM-5" });
  assert.ok(result.running.length >= 2 && result.running.every((/** @type {unknown} */ u) => typeof u === "string"));
  assert.equal(result.finalCost, result.running.at(-1));
  assert.equal(result.finalCost, result.pure);
  assert.equal(result.meter.usd, result.finalCost);
  assert.equal(result.meter.requests, 1);
  assert.deepEqual(emu.log().map((e) => e.path), ["/v1/models", "/v1/messages"], "the refused request never left the page");
});
