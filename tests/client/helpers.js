// Shared by the client suites: an emulator over real HTTP on 127.0.0.1, a
// client aimed at it, key-hygiene checks, and an independent reading of raw
// SSE bytes (a reference the client's results are compared with).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { Client } from "modelwire";
import { startEmulator } from "../../emulator/index.js";

export { startEmulator };

/** Long enough to be scrubbed, distinctive enough to be found. */
export const KEY = "mw-test-key-7f3a9c2e5b1d4f60a8e2c4d6";
export const BUDGET_KEY = "mw-budget-key-0b9e8d7c6a5f4e3d2c1b0a99";
export const LIMITED_KEY = "mw-limited-key-5c4b3a2918f7e6d5c4b3a2b1";
export const BAD_KEY = "mw-invalid-key-9a8b7c6d5e4f3a2b1c0d9e8f";
export const ALL_KEYS = [KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY];

/** The emulator's log fingerprint of a key (sha256 prefix), to check which key was sent. */
export const fingerprint = (/** @type {string} */ key) => "key_" + createHash("sha256").update(key).digest("hex").slice(0, 12);

export const MODEL = "zai-org/GLM-5"; // no reasoning, JSON modes, tools
export const REASONING_MODEL = "deepseek-ai/DeepSeek-V4-Pro"; // reasoning on by default
export const VISION_MODEL = "moonshotai/Kimi-K2.5";

export const hello = (/** @type {string} */ text = "What is gradient descent?") => ({
  model: MODEL,
  messages: [{ role: "user", content: text }],
});

/**
 * An emulator with one key of each kind.
 * @param {Parameters<typeof startEmulator>[0]} [options]
 */
export function emulator(options = {}) {
  return startEmulator({
    keys: { [KEY]: "valid", [BUDGET_KEY]: "out-of-budget", [LIMITED_KEY]: "rate-limited", [BAD_KEY]: "invalid" },
    ...options,
  });
}

/**
 * A client for the emulator (`maxRetries` as given, else the default).
 * @param {{ url: string }} emu @param {import("modelwire").ClientOptions} [options]
 */
export function client(emu, options = {}) {
  return new Client({ apiKey: KEY, baseURL: `${emu.url}/v1`, ...options });
}

/**
 * Asserts the promise rejects; returns the error.
 * @param {Promise<unknown> | (() => Promise<unknown>)} work
 * @returns {Promise<any>}
 */
export async function rejection(work) {
  try {
    const value = await (typeof work === "function" ? work() : work);
    assert.fail(`expected a rejection, got ${inspect(value, { depth: 1 }).slice(0, 300)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err;
  }
}

/**
 * No key string in any rendering of the error (and its `error` body and cause's message).
 * @param {any} err @param {string[]} [keys]
 */
export function assertNoKey(err, keys = ALL_KEYS) {
  const views = {
    "String(err)": String(err),
    "err.message": String(err?.message),
    "JSON.stringify(err)": JSON.stringify(err) ?? "",
    "err.stack": String(err?.stack),
    "JSON.stringify(err.error)": JSON.stringify(err?.error) ?? "",
    "util.inspect(err) (with its cause)": inspect(err, { depth: 6 }),
  };
  for (const key of keys) {
    for (const [view, text] of Object.entries(views)) {
      assert.ok(!text.includes(key), `${view} contains the API key: ${text.slice(0, 400)}`);
    }
  }
}

/**
 * Asserts the class, status and request id of an API error, and key hygiene.
 * @param {any} err @param {Function} Class @param {number | undefined} status @param {{ url: string, log: () => any[] }} [emu]
 */
export function assertApiError(err, Class, status, emu) {
  assert.ok(err instanceof Class, `expected ${Class.name}, got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.name, Class.name);
  assert.equal(err.status, status);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0, "empty message");
  if (emu) {
    const last = emu.log().at(-1);
    assert.equal(err.requestId, last.requestId, "requestId is the last response's X-Baseten-Request-Id");
    assert.equal(err.requestID, last.requestId, "requestID (openai-node spelling)");
  }
  assertNoKey(err);
}

/**
 * POSTs a chat body straight to the emulator (no client) and returns the raw body,
 * up to where the connection ended.
 * @param {{ url: string }} emu @param {any} body @param {Record<string, string>} [headers]
 */
export async function rawChat(emu, body, headers = {}) {
  const response = await fetch(`${emu.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  /** @type {Buffer[]} */
  const parts = [];
  let error = null;
  try {
    for await (const part of /** @type {any} */ (response.body)) parts.push(Buffer.from(part));
  } catch (err) {
    error = err;
  }
  return { status: response.status, headers: response.headers, bytes: Buffer.concat(parts), error };
}

/**
 * The SSE events that a WHATWG parser dispatches from these bytes: only blocks
 * closed by a blank line count (a cut block is discarded).
 * @param {Buffer | string} bytes
 * @returns {{ event: string | null, data: string, end: number }[]}  `end`: byte offset just past the block
 */
export function sseBlocks(bytes) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const out = [];
  let event = null;
  /** @type {string[] | null} */
  let data = null;
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue; // the emulator ends lines with \n only
    const line = buf.subarray(start, i).toString("utf8");
    start = i + 1;
    if (line === "") {
      if (data !== null) out.push({ event, data: data.join("\n"), end: i + 1 });
      event = null;
      data = null;
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") (data ??= []).push(value);
  }
  return out;
}

/**
 * The chunks of a chat stream's events (stops at [DONE] and at an error object).
 * @param {{ data: string }[]} events
 */
export function chunksOf(events) {
  const chunks = [];
  for (const { data } of events) {
    if (data === "[DONE]") break;
    const value = JSON.parse(data);
    if (value.error) break;
    chunks.push(value);
  }
  return chunks;
}

/**
 * What the chunks add up to for choice 0, by openai-node's rules: content,
 * reasoning and tool-call arguments concatenated, tool calls merged by index,
 * the last finish_reason and the last non-null usage.
 * @param {any[]} chunks
 */
export function accumulate(chunks) {
  let content = "";
  let reasoning = "";
  let sawContent = false;
  let sawReasoning = false;
  /** @type {string | null} */
  let finish = null;
  let usage = null;
  /** @type {{ id: string | null, name: string | null, arguments: string }[]} */
  const tools = [];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      if (choice.finish_reason) finish = choice.finish_reason;
      const d = choice.delta ?? {};
      if (typeof d.content === "string") {
        content += d.content;
        sawContent = true;
      }
      const r = d.reasoning_content ?? d.reasoning;
      if (typeof r === "string") {
        reasoning += r;
        sawReasoning = true;
      }
      for (const t of d.tool_calls ?? []) {
        const call = (tools[t.index] ??= { id: null, name: null, arguments: "" });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name = t.function.name;
        if (typeof t.function?.arguments === "string") call.arguments += t.function.arguments;
      }
    }
  }
  return { content, reasoning, sawContent, sawReasoning, finish, usage, tools };
}

/** Content of choice 0 as a string (`null` / absent → ""). @param {any} completion */
export const contentOf = (completion) => completion?.choices?.[0]?.message?.content ?? "";

/** Reasoning of choice 0 (`reasoning_content`, else `reasoning`). @param {any} completion */
export const reasoningOf = (completion) => {
  const m = completion?.choices?.[0]?.message ?? {};
  return m.reasoning_content ?? m.reasoning ?? "";
};

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `check()` is truthy (polling), or fails after `ms`.
 * @param {() => unknown} check @param {number} [ms] @param {string} [what]
 */
export async function until(check, ms = 5000, what = "condition") {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The chat requests in the emulator's log. @param {{ log: () => any[] }} emu */
export const chatRequests = (emu) => emu.log().filter((e) => e.path === "/v1/chat/completions");
