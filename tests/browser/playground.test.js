// The playground page in real Chromium (Playwright driving Debian's build):
// the wasm loads from the served package and decodes a pasted stream fed one
// byte at a time, multibyte characters and CRLF line ends included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.js";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;

before(async () => {
  server = await serve();
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
