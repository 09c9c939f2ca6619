// Shared by the Messages suites: the emulator over real HTTP on 127.0.0.1, a
// client aimed at it, key-hygiene checks, and an independent reading of the
// raw SSE bytes (the reference the client's results are compared with).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { inspect, isDeepStrictEqual } from "node:util";
import { Client } from "modelwire";
import { startEmulator } from "../../emulator/index.js";

/** Recognisable keys: long enough to be scrubbed, easy to find in any text. */
export const KEY = "mw-messages-key-4c1d9e7a2b6f3e8d0a5c";
export const BUDGET_KEY = "mw-messages-budget-9e8d7c6b5a4f3e2d1c0b";
export const LIMITED_KEY = "mw-messages-limited-1a2b3c4d5e6f7a8b9c0d";
export const BAD_KEY = "mw-messages-invalid-0f9e8d7c6b5a4f3e2d1c";
export const ALL_KEYS = [KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY];

/** The emulator's log fingerprint of a key (sha256 prefix). */
export const fingerprint = (/** @type {string} */ key) => "key_" + createHash("sha256").update(key).digest("hex").slice(0, 12);

export const MODEL = "zai-org/GLM-5"; // no reasoning, tools
export const REASONING_MODEL = "deepseek-ai/DeepSeek-V4-Pro"; // thinking on by default

export const QUESTION = "What is gradient descent?";

/** A deterministic Messages request. @param {Record<string, unknown>} [extra] */
export const params = (extra = {}) => ({
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: "user", content: QUESTION }],
  ...extra,
});

/** A tool whose arguments the emulator generates from the schema. */
export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: {
    type: "object",
    properties: {
      city: { type: "string" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer", minimum: 1, maximum: 7 },
      tags: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 3 },
    },
    required: ["city", "unit", "days", "tags"],
  },
};

/** An emulator with one key of each kind. @param {Parameters<typeof startEmulator>[0]} [options] */
export function emulator(options = {}) {
  return startEmulator({
    keys: { [KEY]: "valid", [BUDGET_KEY]: "out-of-budget", [LIMITED_KEY]: "rate-limited", [BAD_KEY]: "invalid" },
    ...options,
  });
}

/** A client for the emulator. @param {{ url: string }} emu @param {Record<string, unknown>} [options] */
export function client(emu, options = {}) {
  return new Client({ apiKey: KEY, baseURL: `${emu.url}/v1`, ...options });
}

/** The /v1/messages requests in the log. @param {{ log: () => any[] }} emu */
export const messageRequests = (emu) => emu.log().filter((e) => e.path === "/v1/messages");

/** `x-emulator-fault` request options. @param {string} spec @param {Record<string, unknown>} [extra] */
export const fault = (spec, extra = {}) => ({ ...extra, headers: { "x-emulator-fault": spec } });

/**
 * Asserts the work rejects; returns the error.
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
 * No key in any rendering of the error.
 * @param {any} err @param {string[]} [keys]
 */
export function assertNoKey(err, keys = ALL_KEYS) {
  assert.ok(err, "no error to check");
  const views = {
    "String(err)": String(err),
    "err.message": String(err.message),
    "err.stack": String(err.stack),
    "JSON.stringify(err)": JSON.stringify(err) ?? "",
    "JSON.stringify(err.error)": JSON.stringify(err.error) ?? "",
    "inspect(err)": inspect(err, { depth: 6, showHidden: false }),
  };
  for (const key of keys) {
    for (const [view, text] of Object.entries(views)) {
      assert.ok(!text.includes(key), `${view} contains an API key: ${text.slice(0, 400)}`);
    }
  }
}

/**
 * Collects the events a stream yields (and the error that ended it, if any).
 * @param {AsyncIterable<any>} stream @param {(event: any, i: number) => void} [each]
 */
export async function drain(stream, each) {
  const events = [];
  let error = null;
  try {
    for await (const event of stream) {
      events.push(event);
      each?.(event, events.length);
    }
  } catch (err) {
    error = err;
  }
  return { events, error };
}

/**
 * POSTs a Messages body straight to the emulator (no modelwire) and returns the raw body.
 * @param {{ url: string }} emu @param {any} body @param {Record<string, string>} [headers]
 */
export async function rawMessages(emu, body, headers = {}) {
  const response = await fetch(`${emu.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  /** @type {Buffer[]} */
  const parts = [];
  for await (const part of /** @type {any} */ (response.body)) parts.push(Buffer.from(part));
  return { status: response.status, headers: response.headers, bytes: Buffer.concat(parts) };
}

/**
 * The SSE events a WHATWG parser dispatches from these bytes (the emulator
 * ends lines with \n); `end` is the byte offset just past the block.
 * @param {Buffer} buf
 * @returns {{ event: string | null, data: string, end: number }[]}
 */
export function sseBlocks(buf) {
  const out = [];
  let event = null;
  /** @type {string[] | null} */
  let data = null;
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
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

/** The message the events add up to, by Anthropic's rules (an independent reference). @param {any[]} events */
export function accumulate(events) {
  /** @type {any} */
  let message = null;
  for (const ev of events) {
    switch (ev.type) {
      case "message_start":
        message = structuredClone(ev.message);
        break;
      case "content_block_start":
        message.content[ev.index] = structuredClone(ev.content_block);
        if (ev.content_block.type === "tool_use") message.content[ev.index]._json = "";
        break;
      case "content_block_delta": {
        const block = message.content[ev.index];
        const d = ev.delta;
        if (d.type === "text_delta") block.text += d.text;
        else if (d.type === "thinking_delta") block.thinking += d.thinking;
        else if (d.type === "signature_delta") block.signature = d.signature;
        else if (d.type === "input_json_delta") block._json += d.partial_json;
        break;
      }
      case "content_block_stop": {
        const block = message.content[ev.index];
        if (block.type === "tool_use") {
          block.input = block._json ? JSON.parse(block._json) : {};
          delete block._json;
        }
        break;
      }
      case "message_delta":
        Object.assign(message, ev.delta);
        message.usage = { ...message.usage, ...ev.usage };
        break;
      default:
        break;
    }
  }
  return message;
}

/** The fields of a message that a deterministic request fixes (ids are random). @param {any} m */
export function stable(m) {
  return {
    type: m.type,
    role: m.role,
    model: m.model,
    content: m.content.map((/** @type {any} */ b) => (b.type === "tool_use" ? { ...b, id: "<id>" } : b)),
    stop_reason: m.stop_reason,
    stop_sequence: m.stop_sequence,
    usage: m.usage,
  };
}

/** Text of the text blocks, joined. @param {any} m */
export const textOf = (m) =>
  (m?.content ?? [])
    .filter((/** @type {any} */ b) => b.type === "text")
    .map((/** @type {any} */ b) => b.text)
    .join("");

/**
 * Asserts `partial` is a prefix of `full` (a message cut short): same model and
 * role, each block a prefix of the full one (the last one possibly shorter), no
 * stop_reason yet.
 * @param {any} partial @param {any} full
 */
export function assertPrefixMessage(partial, full) {
  assert.equal(partial.type, "message");
  assert.equal(partial.role, "assistant");
  assert.equal(partial.model, full.model);
  assert.equal(partial.stop_reason, null, "a cut message has no stop_reason");
  assert.ok(partial.content.length <= full.content.length, "more blocks than the full message");
  partial.content.forEach((/** @type {any} */ block, /** @type {number} */ i) => {
    const whole = full.content[i];
    assert.equal(block.type, whole.type, `block ${i} type`);
    if (i < partial.content.length - 1) {
      if (block.type !== "tool_use") assert.deepEqual(block, whole, `block ${i} complete`);
    } else if (block.type === "text") {
      assert.ok(whole.text.startsWith(block.text), `block ${i} text ${JSON.stringify(block.text)} is not a prefix of ${JSON.stringify(whole.text)}`);
    } else if (block.type === "thinking") {
      assert.ok(whole.thinking.startsWith(block.thinking), `block ${i} thinking is not a prefix`);
    }
  });
}

/**
 * Whether `part` is a structural prefix of `whole` (what an incrementally
 * parsed JSON document can be on the way to `whole`).
 * @param {unknown} part @param {unknown} whole @returns {boolean}
 */
export function isJsonPrefix(part, whole) {
  if (typeof part === "string") return typeof whole === "string" && whole.startsWith(part);
  if (typeof part === "number") return typeof whole === "number" && String(whole).startsWith(String(part));
  if (part === null || typeof part === "boolean") return part === whole;
  if (Array.isArray(part)) {
    if (!Array.isArray(whole) || part.length > whole.length) return false;
    return part.every((v, i) => (i < part.length - 1 ? isDeepStrictEqual(v, whole[i]) : isJsonPrefix(v, whole[i])));
  }
  if (typeof part === "object") {
    if (typeof whole !== "object" || whole === null || Array.isArray(whole)) return false;
    const keys = Object.keys(part);
    const wholeKeys = Object.keys(whole);
    if (!keys.every((k, i) => wholeKeys[i] === k)) return false;
    return keys.every((k, i) =>
      i < keys.length - 1
        ? isDeepStrictEqual(/** @type {any} */ (part)[k], /** @type {any} */ (whole)[k])
        : isJsonPrefix(/** @type {any} */ (part)[k], /** @type {any} */ (whole)[k]),
    );
  }
  return false;
}


/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
