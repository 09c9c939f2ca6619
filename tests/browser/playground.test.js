// The playground page in real Chromium (Playwright driving Debian's build):
// the wasm loads from the served package, decodes a pasted stream fed one byte
// at a time (multibyte characters and CRLF line ends included), and streams a
// live answer from the emulator through the page's server, with Stop working.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;

before(async () => {
  emulator = await startEmulator();
  server = await serve({ upstream: emulator.url });
  // launch() gives Chromium a fresh temporary profile of its own.
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

test("the page decodes a pasted stream fed byte by byte", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(server.url);
  await page.fill("#source", 'event: delta\nid: 4\ndata: {"t":"né 😀"}\n\ndata: a\ndata: b\n\ndata: cut');
  await page.selectOption("#chunking", "byte");
  await page.check("#crlf");
  await page.click("#decode");
  await page.waitForFunction(() => document.querySelectorAll("#events tr").length === 2);
  const rows = await page.$$eval("#events tr", (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
  );
  assert.deepEqual(rows, [
    ["1", "delta", "4", '{"t":"né 😀"}'],
    ["2", "message", "4", "a\nb"],
  ]);
  assert.match(await page.textContent("#status") ?? "", /2 events .* ended mid-event/);
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: "test-results/playground.png", fullPage: true });
  assert.deepEqual(errors, []);
});

test("the page streams a live answer from the emulator", async () => {
  emulator.configure({ streamDelayMs: 0 });
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.click("#send");
  await page.waitForFunction(() => /stream complete/.test(document.querySelector("#status")?.textContent ?? ""));
  assert.ok(((await page.textContent("#answer")) ?? "").length > 0);
  // The last event is the [DONE] sentinel, after Baseten's usage-only chunk.
  const last = await page.$$eval("#events tr td.data", (tds) => tds.slice(-2).map((td) => td.textContent));
  assert.equal(last[1], "[DONE]");
  assert.match(last[0] ?? "", /"choices":\[\],"usage"/);
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: "test-results/playground-live.png", fullPage: true });
});

test("Stop aborts a live stream mid-way", async () => {
  emulator.configure({ streamDelayMs: 150 });
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.click("#send");
  await page.waitForFunction(() => (document.querySelector("#answer")?.textContent ?? "").length > 0);
  await page.click("#stop");
  await page.waitForFunction(() => /stopped/.test(document.querySelector("#status")?.textContent ?? ""));
  const rows = await page.$$eval("#events tr td.data", (tds) => tds.map((td) => td.textContent));
  assert.notEqual(rows.at(-1), "[DONE]");
  assert.equal(await page.isEnabled("#send"), true);
});
