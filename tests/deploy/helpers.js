// Shared by the deployment suites: an emulator on 127.0.0.1, a client whose
// deployment host template points at it, and a fetch wrapper around the real
// fetch that records every request (method, URL, headers) before sending it.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Client } from "modelwire";
import { startEmulator } from "../../emulator/index.js";

export { startEmulator };

export const KEY = "mw-deploy-key-3e7c1a9b5d2f4068ac1e";
export const BAD_KEY = "mw-deploy-bad-key-8b6a4c2e0f1d3957";
export const MODEL = "abcd1234";
export const SECRET = "whsec_deploy_test_5f1e9c3a";

/**
 * An emulator where KEY is valid and BAD_KEY invalid; async requests run in milliseconds.
 * @param {Parameters<typeof startEmulator>[0]} [options]
 */
export function emulator(options = {}) {
  return startEmulator({
    keys: { [KEY]: "valid", [BAD_KEY]: "invalid" },
    async: { queueMs: 5, runMs: 5 },
    webhookSecrets: [SECRET],
    ...options,
  });
}

/**
 * A fetch that records each request and then calls `inner` (the real fetch by default).
 * @param {typeof fetch} [inner]
 */
export function recorder(inner = (input, init) => fetch(input, init)) {
  /** @type {{ method: string, url: string, headers: Record<string, string>, body: any }[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const wrapped = async (input, init = {}) => {
    calls.push({
      method: String(init.method ?? "GET"),
      url: String(input),
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: init.body,
    });
    return inner(input, init);
  };
  return { fetch: wrapped, calls, urls: () => calls.map((c) => `${c.method} ${c.url}`) };
}

/**
 * A client for the emulator's deployment routes.
 * @param {{ url: string }} emu @param {import("modelwire").ClientOptions} [options]
 */
export function client(emu, options = {}) {
  return new Client({ apiKey: KEY, baseURL: `${emu.url}/v1`, deploymentBaseURL: `${emu.url}/model/{model_id}`, ...options });
}

/**
 * Asserts the promise (or function) rejects; returns the error.
 * @param {Promise<unknown> | (() => unknown)} work
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

/** No key (or secret) in any rendering of the error. @param {any} err @param {string[]} [secrets] */
export function assertNoSecret(err, secrets = [KEY, BAD_KEY, SECRET]) {
  const views = [String(err), String(err?.message), JSON.stringify(err) ?? "", String(err?.stack), JSON.stringify(err?.error) ?? "", inspect(err, { depth: 6 })];
  for (const s of secrets) for (const v of views) assert.ok(!v.includes(s), `the error shows a secret: ${v.slice(0, 300)}`);
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A 127.0.0.1 server that records webhook POSTs (raw body bytes and headers) and answers `status`.
 * @param {{ status?: number }} [options]
 */
export async function webhookReceiver({ status = 200 } = {}) {
  const { createServer } = await import("node:http");
  /** @type {{ body: Buffer, headers: import("node:http").IncomingHttpHeaders }[]} */
  const received = [];
  /** @type {((value: void) => void)[]} */
  let waiters = [];
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(parts), headers: req.headers });
      res.writeHead(receiver.status, { "content-type": "application/json" }).end("{}");
      for (const w of waiters) w();
      waiters = [];
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  const receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    status,
    received,
    /** Resolves once `n` webhooks arrived. @param {number} n */
    async count(n, ms = 5000) {
      const end = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > end) assert.fail(`timed out waiting for ${n} webhook(s), got ${received.length}`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
  return receiver;
}
