// What every Chromium suite shares: Debian's Chromium through playwright-core, and a test page
// served from a directory of tests/browser/ on the same origin as scripts/serve.js, so that the
// page's /js/web.js and /v1 proxy are the real ones (serve.js itself serves only www/, js/ and
// pkg/).
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";

/** The page every suite loads: a status line and its scenarios.js module. @param {string} title */
const shell = (title) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
  <p id="status">loading…</p>
  <script type="module" src="./scenarios.js"></script>
</body>
</html>
`;

/** Headless Chromium as the suites run it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
}

/**
 * Opens a page under `/${prefix}/` on `origin` that runs `dir`'s scenarios.js, and waits until
 * the page's `#status` says "ready". Page errors are collected in `pageErrors`.
 * @param {import("playwright-core").Browser} browser
 * @param {string} origin the serve.js URL
 * @param {URL} dir the page's directory (a file: URL ending in /)
 * @param {string} prefix the path segment the page is served under
 * @param {{ setup?: (page: import("playwright-core").Page) => Promise<void> }} [options]
 *   `setup`: listeners and routes of the suite's own, installed before the page loads
 */
export async function openTestPage(browser, origin, dir, prefix, { setup } = {}) {
  const page = await browser.newPage();
  if (setup) await setup(page);
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  const base = `/${prefix}/`;
  await page.route((url) => url.pathname.startsWith(base), async (route) => {
    const name = new URL(route.request().url()).pathname.slice(base.length) || "index.html";
    if (name === "index.html") return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: shell(prefix) });
    if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404, body: "not found" });
    const type = name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    try {
      await route.fulfill({ status: 200, contentType: type, body: await readFile(new URL(name, dir)) });
    } catch {
      await route.fulfill({ status: 404, body: "not found" });
    }
  });
  await page.goto(new URL(`${base}index.html`, origin).href);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 20_000 });
  return { page, pageErrors };
}
