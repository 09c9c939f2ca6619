// Shared by the fault drills: both protocols behind one interface, a fetch
// that records every call and wraps each response body so a test can see
// exactly what the client read (and whether it read on after it should have
// stopped), and an independent reading of raw SSE bytes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "modelwire";
import { startEmulator } from "../../emulator/index.js";
import * as chatRef from "../client/helpers.js";
import * as messagesRef from "../messages/helpers.js";

export { startEmulator };

/** A key that is easy to find in any text, and long enough to be scrubbed. */
export const KEY = "mw-drill-key-3e7b91c4d2a8f6051b9e";

export const MODEL = "zai-org/GLM-5";
export const REASONING_MODEL = "deepseek-ai/DeepSeek-V4-Pro";

/**
 * The two protocols, seen through what a drill needs: a request body, the
 * method, and an independent reference for what raw bytes add up to.
 */
export const PROTOCOLS = {
  chat: {
    path: "/v1/chat/completions",
    /** @param {string} [text] @param {Record<string, unknown>} [extra] */
    body: (text = "Explain backpropagation briefly.", extra = {}) => ({
      model: REASONING_MODEL,
      messages: [{ role: "user", content: text }],
      ...extra,
    }),
    /** @param {Client} c */
    api: (c) => c.chat.completions,
    /** The SSE events' chunks, by the reference reader. @param {Buffer} bytes */
    items: (bytes) => chatRef.chunksOf(chatRef.sseBlocks(bytes)),
    /** The comparable view of a completion built from chunks (reference). @param {any[]} chunks */
    expected: (chunks) => {
      const acc = chatRef.accumulate(chunks);
      const tools = acc.tools.map((t) => ({ id: t.id, name: t.name, arguments: t.arguments }));
      return { content: acc.content, reasoning: acc.reasoning, finish: acc.finish, usage: acc.usage, tools };
    },
    /** The same view of what the client accumulated. @param {any} completion */
    view: (completion) => {
      const choice = completion?.choices?.[0];
      const m = choice?.message ?? {};
      return {
        content: m.content ?? "",
        reasoning: m.reasoning_content ?? m.reasoning ?? "",
        finish: choice?.finish_reason ?? null,
        usage: completion?.usage ?? null,
        tools: (m.tool_calls ?? []).map((/** @type {any} */ t) => ({ id: t.id ?? null, name: t.function?.name ?? null, arguments: t.function?.arguments ?? "" })),
      };
    },
    /** @param {any} runner */
    final: (runner) => runner.finalChatCompletion(),
  },
  messages: {
    path: "/v1/messages",
    /** @param {string} [text] @param {Record<string, unknown>} [extra] */
    // The emulator's longest reply among similar prompts (10.6 KB of SSE), so
    // that a cut at 10,000 bytes falls inside it.
    body: (text = "Explain backpropagation, take 35.", extra = {}) => ({
      model: REASONING_MODEL,
      max_tokens: 4000,
      messages: [{ role: "user", content: text }],
      ...extra,
    }),
    /** @param {Client} c */
    api: (c) => c.messages,
    /** The events (pings skipped, as the client does), by the reference reader. @param {Buffer} bytes */
    items: (bytes) =>
      messagesRef
        .sseBlocks(bytes)
        .map((e) => JSON.parse(e.data))
        .filter((e) => e.type !== "ping"),
    /** @param {any[]} events */
    expected: (events) => {
      const m = messagesRef.accumulate(events.filter((e) => e.type !== "error"));
      return m && messagesRef.stable(m);
    },
    /** @param {any} message */
    view: (message) => (message && message.content ? messagesRef.stable(message) : null),
    /** @param {any} runner */
    final: (runner) => runner.finalMessage(),
  },
};

/** @typedef {keyof typeof PROTOCOLS} Protocol */

/**
 * A fetch that records each call (its start time) and hands the client a
 * body it reads on demand only (no read-ahead), counting reads and bytes,
 * noting a cancel and any read begun after `stopAt()` was called.
 */
export function tracedFetch() {
  /** @type {{ start: number, url: string, headers: Record<string, string>, bytes: number, reads: number, cancelled: boolean, done: boolean, received: () => Buffer }[]} */
  const calls = [];
  let stoppedAt = Infinity;
  let readsAfterStop = 0;
  /** @type {typeof fetch} */
  const fn = async (url, init) => {
    /** @type {Buffer[]} */
    const data = [];
    const call = {
      start: performance.now(),
      url: String(url),
      headers: { ...(/** @type {any} */ (init?.headers) ?? {}) },
      bytes: 0,
      reads: 0,
      cancelled: false,
      done: false,
      /** Everything the body delivered to the client, as one buffer. */
      received: () => Buffer.concat(data),
    };
    calls.push(call);
    const response = await fetch(url, init);
    if (!response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream(
      {
        async pull(controller) {
          if (performance.now() >= stoppedAt) readsAfterStop++;
          call.reads++;
          try {
            const { done, value } = await reader.read();
            if (done) {
              call.done = true;
              controller.close();
              return;
            }
            call.bytes += value.byteLength;
            data.push(Buffer.from(value));
            controller.enqueue(value);
          } catch (err) {
            controller.error(err);
          }
        },
        cancel(reason) {
          call.cancelled = true;
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: fn,
    calls,
    /** From now on, any read of a body is one too many. */
    stopAt() {
      stoppedAt = performance.now();
    },
    get readsAfterStop() {
      return readsAfterStop;
    },
  };
}

/**
 * A client for the emulator.
 * @param {{ url: string }} emu @param {Record<string, unknown>} [options]
 */
export function client(emu, options = {}) {
  return new Client({ apiKey: KEY, baseURL: `${emu.url}/v1`, ...options });
}

/** `x-emulator-fault` request options. @param {string} spec @param {Record<string, unknown>} [extra] */
export const fault = (spec, extra = {}) => ({ ...extra, headers: { "x-emulator-fault": spec } });

/**
 * POSTs straight to the emulator (no modelwire) and returns the raw body up to
 * where the connection ended.
 * @param {{ url: string }} emu @param {Protocol} protocol @param {any} body @param {Record<string, string>} [headers]
 */
export async function raw(emu, protocol, body, headers = {}) {
  const response = await fetch(`${emu.url}${PROTOCOLS[protocol].path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  /** @type {Buffer[]} */
  const parts = [];
  try {
    for await (const part of /** @type {any} */ (response.body)) parts.push(Buffer.from(part));
  } catch {
    // the cut is the point
  }
  return Buffer.concat(parts);
}

/**
 * Asserts the work rejects; returns the error.
 * @param {Promise<unknown> | (() => Promise<unknown>)} work
 * @returns {Promise<any>}
 */
export async function rejection(work) {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

/**
 * Iterates a stream, collecting what it yields and the error that ended it.
 * @param {AsyncIterable<any>} stream @param {(item: any, n: number) => void} [each]
 */
export async function drain(stream, each) {
  const items = [];
  let error = null;
  try {
    for await (const item of stream) {
      items.push(item);
      each?.(item, items.length);
    }
  } catch (err) {
    error = err;
  }
  return { items, error };
}

/** The requests to `protocol`'s route in the emulator log. @param {{ log: () => any[] }} emu @param {Protocol} protocol */
export const requests = (emu, protocol) => emu.log().filter((e) => e.path === PROTOCOLS[protocol].path);

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The emulator in its own process (so the client's process holds only the
 * client's timers, sockets and memory). Resolves once it printed its URL.
 * @param {Record<string, string>} [env]
 */
export function emulatorProcess(env = {}) {
  const cli = fileURLToPath(new URL("../../emulator/cli.js", import.meta.url));
  const child = spawn(process.execPath, [cli], { env: { ...process.env, PORT: "0", ...env }, stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    child.stdout.on("data", (data) => {
      out += data;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        resolve({
          url: line.trim(),
          close: () =>
            new Promise((done) => {
              child.removeAllListeners("exit");
              child.once("exit", done);
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/**
 * Runs a Node script in a child process and returns its exit code, stdout
 * and how long it took to exit; fails if it does not exit within `limitMs`
 * (something still holds its event loop).
 * @param {string} file @param {string[]} args @param {number} limitMs
 */
export function runChild(file, args, limitMs) {
  const start = performance.now();
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the child did not exit within ${limitMs} ms: something holds its event loop\n${stdout}\n${stderr}`));
    }, limitMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - start });
    });
  });
}

/**
 * The reference reading of bytes that hold a bad event: the items before the
 * first event whose data is not JSON, or that is an error.
 * @param {"chat" | "messages"} protocol @param {Buffer} bytes
 */
export function itemsBeforeBad(protocol, bytes) {
  const out = [];
  for (const { event, data } of chatRef.sseBlocks(bytes)) {
    if (protocol === "chat" && data === "[DONE]") break;
    let value;
    try {
      value = JSON.parse(data);
    } catch {
      break;
    }
    if (event === "error" || value.error || value.type === "error") break;
    if (value.type === "ping") continue;
    out.push(value);
  }
  return out;
}
