// The playground page in real Chromium (Playwright driving Debian's build), served the way
// `npm start` serves it: the emulator, the edge worker in workerd in front of it holding the
// key, and scripts/serve.js serving www/, js/, pkg/ and forwarding the page's /v1 to the
// worker (startPlayground). The page holds no key.
//
// One conversation: pick a model from the catalog, stream an answer with its reasoning apart,
// the live numbers and cost, the inspector's body and curl (key masked); a tool call round
// trip; a JSON-schema answer with the partial object rendered while it streams; the same
// conversation continued over the Messages protocol; an unknown model's 404 with its request
// id; Stop mid-stream. Also: the SSE decoder panel, and `bash scripts/start.sh` bringing the
// page up on the one URL it prints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./harness.js";
import { startPlayground } from "../../scripts/serve.js";
import { startEmulator } from "../../emulator/index.js";

const KEY = "mw-playground-key-5d1c9e7a3b2f4068a1";
const MODEL = "deepseek-ai/DeepSeek-V4-Pro"; // reasoning on by default, tools, structured outputs
const root = fileURLToPath(new URL("../../", import.meta.url));

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startPlayground>>} */
let playground;
/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;

before(async () => {
  // Only KEY is valid: every answer the page gets proves the worker added it.
  emulator = await startEmulator({ keys: { [KEY]: "valid" }, streamDelayMs: 8 });
  playground = await startPlayground({ upstream: emulator.url, apiKey: KEY, backend: "emulator" });
  browser = await launchChromium();
  mkdirSync("test-results", { recursive: true });
});

after(async () => {
  await browser?.close();
  await playground?.close();
  await emulator?.close();
});

/** @param {import("playwright-core").Page} page */
const turnDone = (page) =>
  page.waitForFunction(
    () => /^(done|stopped|failed)/.test(document.querySelector("#live-status")?.textContent ?? "") && !document.querySelector("#chat .streaming"),
    null,
    { timeout: 20_000 },
  );
/** @param {import("playwright-core").Page} page @param {string} text */
async function send(page, text) {
  await page.fill("#prompt", text);
  await page.click("#send");
}
/** @param {import("playwright-core").Page} page */
const lastAssistant = (page) =>
  page.$$eval("#chat .msg.assistant", (all) => {
    const last = all.at(-1);
    return {
      who: last?.querySelector(".who")?.textContent ?? "",
      answer: last?.querySelector(".answer")?.textContent ?? "",
      reasoning: last?.querySelector(".thinking")?.textContent ?? "",
      reasoningShown: !(/** @type {HTMLElement | null} */ (last?.querySelector(".reasoning"))?.hidden ?? true),
      calls: [...(last?.querySelectorAll(".calls .call") ?? [])].map((c) => c.textContent),
      classes: last?.className ?? "",
    };
  });
/** @param {import("playwright-core").Page} page */
const numbers = (page) =>
  page.$$eval("#numbers dd", (dds) => Object.fromEntries(dds.map((dd) => [dd.id.slice(2), dd.textContent ?? ""])));

test("the page decodes a pasted stream fed byte by byte", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(playground.url);
  // the page's modules load the wasm first: until they have wired the controls, a click does
  // nothing and the sample stream they fill in would overwrite what is typed here
  await page.waitForSelector("body[data-wired]");
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
  await page.locator(".decoder").screenshot({ path: "test-results/playground-decoder.png" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a conversation through the edge worker: stream, tools, JSON schema, Messages, errors, Stop", async () => {
  emulator.reset();
  emulator.configure({ streamDelayMs: 8 });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  /** Every header the page sends and every body it receives, to look for the key. */
  const seen = [];
  page.on("request", (r) => seen.push(JSON.stringify(r.headers())));
  page.on("response", (r) => void r.text().then((t) => seen.push(t), () => {}));
  await page.goto(playground.url);
  await page.waitForSelector("body[data-ready]");
  assert.match(await page.textContent("#backend") ?? "", /emulator via the edge worker/);

  // The picker lists the catalog with context, prices and features.
  const options = await page.$$eval("#model option", (os) => os.map((o) => [o.value, o.textContent]));
  assert.ok(options.length >= 8, JSON.stringify(options));
  assert.ok(options.some(([v, t]) => v === "zai-org/GLM-5" && /ctx/.test(t ?? "") && /\$0\.95 \/ \$3\.15 per M/.test(t ?? "")), JSON.stringify(options));
  await page.selectOption("#model", MODEL);
  const info = await page.textContent("#model-info") ?? "";
  assert.match(info, /131,072 tokens/);
  assert.match(info, /in \$1\.74 · cached \$0\.145 · out \$3\.48/);
  assert.match(info, /structured_outputs/);

  // 1. A streamed answer, reasoning apart from it, the numbers filled in.
  await send(page, "Say hello in three languages.");
  await page.waitForFunction(() => (document.querySelector("#chat .msg.assistant.streaming .answer")?.textContent ?? "").length > 0);
  const midway = (await lastAssistant(page)).answer;
  await turnDone(page);
  let reply = await lastAssistant(page);
  assert.ok(reply.answer.length > midway.length, "the answer grew while streaming");
  assert.match(reply.answer, /Say hello in three languages/);
  assert.ok(reply.reasoningShown && reply.reasoning.length > 0, "reasoning is shown");
  assert.ok(!reply.answer.includes(reply.reasoning), "reasoning is apart from the answer");
  assert.match(reply.who, /Chat Completions/);
  let n = await numbers(page);
  assert.match(n.ttft, /^\d+ ms$/);
  assert.match(n.tps, /^\d+(\.\d)?$/);
  assert.ok(Number(n.in) > 0 && Number(n.out) > 0, JSON.stringify(n));
  assert.equal(n.cached, "0");
  assert.match(n.cost, /^\$0\.\d+$/);
  assert.ok(Number(n.cost.slice(1)) > 0, n.cost);
  assert.match(n.session, /^\$0\.\d+ · 1 requests$/);
  assert.match(await page.textContent("#live-status") ?? "", /done · stop · request id [0-9a-f]+/);

  // The inspector: the exact body, and a curl with the key masked.
  const body = JSON.parse(await page.textContent("#req-body") ?? "");
  assert.equal(body.model, MODEL);
  assert.equal(body.stream, true);
  assert.deepEqual(body.messages, [{ role: "user", content: "Say hello in three languages." }]);
  const curl = await page.textContent("#curl") ?? "";
  assert.ok(curl.includes(`curl -N '${emulator.url}/v1/chat/completions'`), curl);
  assert.ok(curl.includes(`Authorization: Bearer '"$BASETEN_API_KEY"`), curl);
  assert.ok(curl.includes(`--data-raw '{"model":"${MODEL}"`), curl);
  assert.ok(!curl.includes(KEY));
  assert.match(await page.textContent("#resp-line") ?? "", /HTTP 200 · request id [0-9a-f]+ · text\/event-stream.* · \d+ events/);
  assert.ok((await page.$$("#wire tr")).length > 3);

  // 2. A tool call round trip: the call streams, the demo result goes back, the answer uses it.
  await page.check("#use-tools");
  await send(page, "What's the weather in Paris?");
  await page.waitForSelector("#tool-results:not([hidden])");
  reply = await lastAssistant(page);
  assert.match(reply.calls[0] ?? "", /^get_weather\(\{"city":/);
  const result = await page.inputValue("#tool-list textarea");
  assert.match(result, /"conditions":"sunny"/);
  await page.fill("#tool-list textarea", result.replace("sunny", "drizzly"));
  await page.click("#send-tools");
  await turnDone(page);
  reply = await lastAssistant(page);
  assert.match(reply.answer, /drizzly/);
  assert.deepEqual(reply.calls, []);
  const toolTurn = emulator.log().filter((e) => e.path === "/v1/chat/completions").at(-1);
  assert.deepEqual(toolTurn?.body.messages.slice(-2).map((/** @type {any} */ m) => m.role), ["assistant", "tool"]);
  await page.uncheck("#use-tools");

  // 3. JSON schema: the partial object is rendered while it streams, then the whole answer.
  await page.check("#use-schema");
  await page.evaluate(() => {
    /** @type {any} */ (window).partials = [];
    new MutationObserver(() => /** @type {any} */ (window).partials.push(document.querySelector("#partial")?.textContent)).observe(
      /** @type {Node} */ (document.querySelector("#partial")), { childList: true, characterData: true, subtree: true },
    );
  });
  await send(page, "Greetings in three languages as JSON.");
  await turnDone(page);
  const final = JSON.parse(await page.textContent("#partial") ?? "");
  assert.equal(final.greetings.length, 3);
  assert.equal(typeof final.confidence, "number");
  const partials = /** @type {string[]} */ (await page.evaluate(() => /** @type {any} */ (window).partials));
  const parsed = partials.filter(Boolean).map((t) => JSON.parse(t));
  assert.ok(parsed.length > 3, `partial renders: ${parsed.length}`);
  assert.ok(parsed.some((p) => !("confidence" in p)), "a partial object before the whole one");
  assert.ok(Number(await page.getAttribute("#partial", "data-updates")) > 3);
  await page.screenshot({ path: "test-results/playground-schema.png" }); // the viewport: docs/playground.png
  await page.uncheck("#use-schema");

  // 4. The same conversation continued over Messages (converted by the client).
  await page.selectOption("#protocol", "messages");
  await send(page, "Now one sentence over the other protocol.");
  await turnDone(page);
  reply = await lastAssistant(page);
  assert.match(reply.who, /Messages/);
  assert.match(reply.answer, /^About Now one sentence/);
  assert.ok(reply.reasoningShown, "thinking arrives as reasoning");
  assert.match(await page.textContent("#req-line") ?? "", /POST \/v1\/messages → edge worker → /);
  assert.match(await page.textContent("#conversion-count") ?? "", /chat via messages/);
  const viaMessages = emulator.log().filter((e) => e.path === "/v1/messages").at(-1);
  const blocks = viaMessages?.body.messages.flatMap((/** @type {any} */ m) => (Array.isArray(m.content) ? m.content.map((/** @type {any} */ b) => b.type) : []));
  assert.ok(blocks.includes("tool_use") && blocks.includes("tool_result"), "the history, tool round trip included, went over Messages");
  n = await numbers(page);
  assert.ok(Number(n.cached) > 0, "the repeated prefix is cached");
  assert.ok(Number(n.cost.slice(1)) > 0, n.cost);
  assert.match(n.session, / · 5 requests$/);
  await page.screenshot({ path: "test-results/playground.png", fullPage: true });

  // 5. An unknown model: the 404 with its request id.
  await page.selectOption("#protocol", "chat");
  await page.selectOption("#model", "__custom");
  await page.fill("#custom-model", "acme/no-such-model");
  await send(page, "Hello?");
  await turnDone(page);
  await page.waitForSelector("#error:not([hidden])");
  const notFound = emulator.log().filter((e) => e.status === 404).at(-1);
  assert.equal(await page.getAttribute("#error", "data-status"), "404");
  assert.equal(await page.getAttribute("#error", "data-request-id"), notFound?.requestId);
  const errorText = await page.textContent("#error") ?? "";
  assert.match(errorText, /NotFoundError · HTTP 404 · request id [0-9a-f]+/);
  assert.match(errorText, /Model not found/);
  await page.screenshot({ path: "test-results/playground-error.png", fullPage: true });

  // 6. Stop mid-stream.
  emulator.configure({ streamDelayMs: 150 });
  await page.selectOption("#model", "zai-org/GLM-5");
  await send(page, "Tell me a long story.");
  await page.waitForFunction(() => (document.querySelector("#chat .msg.assistant.streaming .answer")?.textContent ?? "").length > 0);
  assert.equal(await page.isHidden("#error"), true, "a new turn clears the error");
  await page.click("#stop");
  await turnDone(page);
  assert.equal(await page.textContent("#live-status"), "stopped");
  reply = await lastAssistant(page);
  assert.match(reply.classes, /stopped/);
  assert.ok(reply.answer.length > 0);
  assert.notEqual(await page.$$eval("#wire td.data", (tds) => tds.at(-1)?.textContent), "[DONE]");
  assert.equal(await page.isEnabled("#send"), true);
  assert.equal(await page.isDisabled("#stop"), true);
  emulator.configure({ streamDelayMs: 8 });

  await page.close();
  assert.deepEqual(errors, []);
  assert.ok(!seen.some((s) => s.includes(KEY)), "the key never reached the page");
});

test("`bash scripts/start.sh` brings the playground up on the one URL it prints", { timeout: 60_000 }, async () => {
  const env = { ...process.env };
  for (const name of ["BASETEN_API_KEY", "MODELWIRE_UPSTREAM", "MODELWIRE_BACKEND", "PORT"]) delete env[name];
  const child = spawn("bash", ["scripts/start.sh"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 50 s:\n${stdout}\n${stderr}`)), 50_000);
      child.stdout.on("data", () => {
        const found = /^modelwire playground: .*$/m.exec(stdout);
        if (found) {
          clearTimeout(timer);
          resolve(found[0]);
        }
      });
      void exited.then((code) => reject(new Error(`start.sh exited (${code}):\n${stdout}\n${stderr}`)));
    });
    const urls = /** @type {string} */ (line).match(/https?:\/\/\S+/g) ?? [];
    assert.equal(urls.length, 1, line);
    const url = /** @type {string} */ (urls[0]);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /modelwire <span>playground/);
    const models = await fetch(new URL("v1/models", url));
    assert.equal(models.status, 200);
    assert.ok((/** @type {any} */ (await models.json())).data.length > 0);
    const config = /** @type {any} */ (await (await fetch(new URL("__playground.json", url))).json());
    assert.equal(config.backend, "emulator");
    assert.equal(config.keySet, true);
  } finally {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await exited;
  }
});
