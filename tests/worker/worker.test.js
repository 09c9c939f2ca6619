// The edge worker (worker/index.js) in workerd, in front of the emulator.
//
// Between the worker and the emulator sits a recording tap (plain node:http,
// byte for byte): it proves the body the browser gets is exactly what the
// emulator sent for that very request, and shows the Authorization the worker
// set. Bodies fetched directly from the emulator for the same request are
// compared too, after normalising the ids and timestamps the emulator draws at
// random per request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { startEmulator, fingerprint } from "../../emulator/index.js";
import { startWorker } from "../../worker/run.js";

const KEY = "sk-worker-test-7f3a9c2e51d84b60";
const ALLOWED = "http://127.0.0.1:5173";
const OTHER = "https://evil.example";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;
/** @type {Awaited<ReturnType<typeof startTap>>} */
let tap;
/** @type {Awaited<ReturnType<typeof startWorker>>} */
let worker;
/** Every response the worker gave, as text, to check for the key at the end. */
const seen = [];

before(async () => {
  // Only KEY is valid: a browser key that got forwarded would be answered 403.
  emulator = await startEmulator({ keys: { [KEY]: "valid" } });
  tap = await startTap(emulator.url);
  worker = await startWorker({ upstream: tap.url, apiKey: KEY, origins: [ALLOWED] });
});

after(async () => {
  await worker?.close();
  await tap?.close();
  await emulator?.close();
});

/**
 * A recording pass-through: forwards each request to `target` and the answer
 * back chunk by chunk, keeping the exact bytes it relayed.
 * @param {string} target
 */
async function startTap(target) {
  /** @type {{ path: string, authorization: string | undefined, headers: import("node:http").IncomingHttpHeaders, status: number, responseHeaders: import("node:http").IncomingHttpHeaders, body: Buffer }[]} */
  const records = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const headers = { ...req.headers };
      delete headers.host;
      const up = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers }, (answer) => {
        const record = { path: req.url ?? "", authorization: req.headers.authorization, headers: req.headers, status: answer.statusCode ?? 0, responseHeaders: answer.headers, body: Buffer.alloc(0) };
        const parts = [];
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on("data", (c) => {
          parts.push(c);
          res.write(c);
        });
        answer.on("end", () => {
          record.body = Buffer.concat(parts);
          records.push(record);
          res.end();
        });
        answer.on("error", () => res.destroy());
      });
      up.on("error", () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    /** The last record for a path. */
    last: (/** @type {string} */ path) => [...records].reverse().find((r) => r.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * POSTs JSON to the worker as a browser would (with a junk key of its own).
 * @param {string} path
 * @param {object} body
 * @param {Record<string, string>} [extra]
 */
async function viaWorker(path, body, extra = {}) {
  const response = await fetch(worker.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer browser-junk-key", "x-api-key": "browser-junk-key", origin: ALLOWED, ...extra },
    body: JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  seen.push(JSON.stringify([...response.headers]) + bytes.toString("latin1"));
  return { response, bytes };
}

/** The same request straight to the emulator, with the real key. */
async function direct(path, body, extra = {}) {
  const response = await fetch(emulator.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, ...extra },
    body: JSON.stringify(body),
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Replaces what the emulator draws at random per request (ids, `created`). */
function normalise(/** @type {Buffer} */ bytes) {
  return bytes
    .toString("utf8")
    .replace(/chatcmpl-[0-9a-f]+/g, "chatcmpl-X")
    .replace(/msg_[0-9a-f]+/g, "msg_X")
    .replace(/(call_|toolu_)[0-9a-f]+/g, "$1X")
    .replace(/"created":\d+/g, '"created":0')
    .replace(/"signature":"[^"]*"/g, '"signature":"X"');
}

async function usage() {
  const response = await fetch(worker.url + "/__usage");
  const text = await response.text();
  seen.push(JSON.stringify([...response.headers]) + text);
  assert.equal(response.status, 200);
  return JSON.parse(text);
}

const chatRequest = {
  model: "zai-org/GLM-4.7",
  stream: true,
  messages: [{ role: "user", content: "Explain backpressure in one paragraph." }],
  tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { term: { type: "string" } }, required: ["term"] } } }],
};
const messagesRequest = {
  model: "MiniMaxAI/MiniMax-M2.5",
  max_tokens: 400,
  stream: true,
  messages: [{ role: "user", content: "Why do streams need backpressure?" }],
};

test("a streamed chat completion reaches the browser byte for byte", async () => {
  emulator.reset();
  const { response, bytes } = await viaWorker("/v1/chat/completions", chatRequest);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const relayed = tap.last("/v1/chat/completions");
  assert.ok(relayed);
  assert.equal(relayed.status, 200);
  assert.ok(bytes.length > 1000);
  assert.ok(bytes.equals(relayed.body), "the browser's bytes are the emulator's bytes");
  assert.equal(response.headers.get("x-baseten-request-id"), relayed.responseHeaders["x-baseten-request-id"]);
  assert.match(bytes.toString(), /"tool_calls"/);
  assert.match(bytes.toString(), /data: \[DONE\]\n\n$/);

  // The same request sent directly: the same stream apart from random ids and timestamps.
  emulator.reset();
  const plain = await direct("/v1/chat/completions", chatRequest);
  assert.equal(normalise(bytes), normalise(plain.bytes));
});

test("a streamed Messages reply reaches the browser byte for byte", async () => {
  emulator.reset();
  const { response, bytes } = await viaWorker("/v1/messages", messagesRequest, { "anthropic-version": "2023-06-01" });
  assert.equal(response.status, 200);
  const relayed = tap.last("/v1/messages");
  assert.ok(relayed);
  assert.ok(bytes.equals(relayed.body));
  assert.equal(relayed.headers["anthropic-version"], "2023-06-01", "other headers are forwarded");
  assert.match(bytes.toString(), /event: message_stop/);
  emulator.reset();
  const plain = await direct("/v1/messages", messagesRequest);
  assert.equal(normalise(bytes), normalise(plain.bytes));
});

test("nothing is buffered: the first events arrive while the upstream stalls mid-stream", async () => {
  const started = Date.now();
  const response = await fetch(worker.url + "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "x-emulator-fault": "stall:1500" },
    body: JSON.stringify(chatRequest),
  });
  const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (response.body?.getReader());
  const first = await reader.read();
  const firstAt = Date.now() - started;
  assert.ok(!first.done && first.value.length > 0);
  while (!(await reader.read()).done);
  const endAt = Date.now() - started;
  assert.ok(endAt >= 1500, `the stall happened (${endAt} ms)`);
  assert.ok(endAt - firstAt >= 1000, `first bytes after ${firstAt} ms, the end after ${endAt} ms`);
});

test("the worker sets Authorization: Bearer <key> and drops the browser's credentials", async () => {
  emulator.clearLog();
  await viaWorker("/v1/chat/completions", chatRequest, { cookie: "session=browser" });
  await viaWorker("/v1/messages", messagesRequest);
  const relayed = tap.last("/v1/chat/completions");
  assert.equal(relayed?.authorization, `Bearer ${KEY}`);
  assert.equal(relayed?.headers["x-api-key"], undefined);
  assert.equal(relayed?.headers.cookie, undefined);
  // The emulator accepts KEY only (a forwarded browser key would get 403) and logs its fingerprint.
  const logged = emulator.log().filter((e) => e.path === "/v1/chat/completions" || e.path === "/v1/messages");
  assert.ok(logged.length >= 2);
  for (const entry of logged) {
    assert.equal(entry.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
    assert.equal(entry.headers["x-api-key"], undefined);
    assert.equal(entry.status, 200);
  }
});

test("non-streamed JSON and the model list pass through", async () => {
  const { response, bytes } = await viaWorker("/v1/chat/completions", { ...chatRequest, stream: false, tools: undefined });
  assert.equal(response.status, 200);
  assert.ok(bytes.equals(tap.last("/v1/chat/completions")?.body ?? Buffer.alloc(0)));
  assert.equal(JSON.parse(bytes.toString()).object, "chat.completion");

  const models = await fetch(worker.url + "/v1/models", { headers: { origin: ALLOWED } });
  const list = await models.text();
  seen.push(list);
  assert.equal(models.status, 200);
  assert.ok(JSON.parse(list).data.some((/** @type {any} */ m) => m.id === "zai-org/GLM-5"));
  const one = await fetch(worker.url + "/v1/models/zai-org/GLM-5");
  const model = await one.json();
  assert.equal(model.id, "zai-org/GLM-5");
  assert.equal(model.pricing.prompt, "0.00000095");
});

test("/__usage shows the usage of each request", async () => {
  emulator.reset();
  const { bytes } = await viaWorker("/v1/messages", { ...messagesRequest, messages: [{ role: "user", content: "usage check" }] });
  const lastMessage = [...bytes.toString().matchAll(/"output_tokens":(\d+)/g)].at(-1)?.[1];
  const report = await usage();
  assert.ok(report.requests >= 4);
  assert.ok(report.since.startsWith("20"), "a real timestamp");
  const entry = report.recent.findLast((/** @type {any} */ r) => r.path === "/v1/messages");
  assert.equal(entry.status, 200);
  assert.equal(entry.stream, true);
  assert.equal(entry.ending, "done");
  assert.equal(entry.error, null);
  assert.equal(entry.model, "MiniMaxAI/MiniMax-M2.5");
  assert.equal(String(entry.usage.output_tokens), lastMessage);
  assert.match(entry.requestId, /^[0-9a-f]{32}$/);
  assert.ok(entry.tokens.input > 0 && entry.tokens.output > 0);
  const chat = report.recent.find((/** @type {any} */ r) => r.path === "/v1/chat/completions" && r.stream);
  assert.ok(chat.usage.prompt_tokens > 0 && chat.usage.completion_tokens > 0);
  assert.equal(chat.model, "zai-org/GLM-4.7");
  const glm = report.models["zai-org/GLM-4.7"];
  assert.ok(glm.requests >= 2 && glm.output > 0);
  // Priced from the upstream's catalog: GLM 4.7 at 0.6 / 2.2 / 0.11 USD per million.
  const expected = ((glm.input - glm.cached) * 0.6 + glm.cached * 0.11 + glm.output * 2.2) / 1e6;
  assert.ok(Math.abs(glm.costUsd - expected) < 1e-12, `${glm.costUsd} vs ${expected}`);
  assert.equal(typeof report.costUsd, "number");
});

test("CORS: the configured origin only", async () => {
  const preflight = (/** @type {string} */ origin) =>
    fetch(worker.url + "/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
    });
  const ok = await preflight(ALLOWED);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(ok.headers.get("access-control-allow-methods") ?? "", /POST/);
  assert.equal(ok.headers.get("access-control-allow-headers"), "content-type, authorization");

  const bad = await preflight(OTHER);
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get("access-control-allow-origin"), null);

  const { response } = await viaWorker("/v1/chat/completions", { ...chatRequest, stream: false }, { origin: ALLOWED });
  assert.equal(response.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(response.headers.get("access-control-expose-headers") ?? "", /x-baseten-request-id/);

  const before = tap.records.length;
  const other = await viaWorker("/v1/chat/completions", chatRequest, { origin: OTHER });
  assert.equal(other.response.status, 403);
  assert.equal(other.response.headers.get("access-control-allow-origin"), null);
  assert.equal(tap.records.length, before, "nothing was sent upstream for another site");

  const models = await fetch(worker.url + "/v1/models", { headers: { origin: OTHER } });
  assert.equal(models.status, 403);
  assert.equal(models.headers.get("access-control-allow-origin"), null);
});

test("a malformed upstream stream reaches the browser unchanged; usage reports the parse error", async () => {
  const { response, bytes } = await viaWorker("/v1/chat/completions", chatRequest, { "x-emulator-fault": "malformed" });
  assert.equal(response.status, 200);
  const relayed = tap.last("/v1/chat/completions");
  assert.equal(relayed?.headers["x-emulator-fault"], "malformed");
  assert.ok(bytes.equals(relayed?.body ?? Buffer.alloc(0)));
  const report = await usage();
  const entry = report.recent.at(-1);
  assert.equal(entry.path, "/v1/chat/completions");
  assert.equal(entry.status, 200);
  assert.equal(entry.error.code, "invalid_chunk");
  assert.ok(entry.error.message.length > 0);

  // The same for Messages.
  const messages = await viaWorker("/v1/messages", messagesRequest, { "x-emulator-fault": "malformed" });
  assert.ok(messages.bytes.equals(tap.last("/v1/messages")?.body ?? Buffer.alloc(0)));
  const after = (await usage()).recent.at(-1);
  assert.equal(after.path, "/v1/messages");
  assert.equal(after.error.code, "invalid_chunk");
});

test("a stream cut by the upstream is cut for the browser too", async () => {
  const response = await fetch(worker.url + "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "x-emulator-fault": "drop:600" },
    body: JSON.stringify(chatRequest),
  });
  assert.equal(response.status, 200);
  await assert.rejects(response.text());
  const entry = (await usage()).recent.at(-1);
  assert.equal(entry.path, "/v1/chat/completions");
  assert.ok(["connection_lost", "incomplete"].includes(entry.error?.code), JSON.stringify(entry.error));
});

test("upstream errors pass through with their status and body", async () => {
  const { response, bytes } = await viaWorker("/v1/chat/completions", chatRequest, { "x-emulator-fault": "429:1;id=worker-429" });
  assert.equal(response.status, 429);
  assert.ok(bytes.equals(tap.last("/v1/chat/completions")?.body ?? Buffer.alloc(0)));
  const notFound = await viaWorker("/v1/chat/completions", { ...chatRequest, model: "nope/none" });
  assert.equal(notFound.response.status, 404);
  assert.equal(JSON.parse(notFound.bytes.toString()).error_code, "model_not_found");
  const entry = (await usage()).recent.at(-1);
  assert.equal(entry.status, 404);
  assert.equal(entry.error.code, "upstream_status");
});

test("only the proxied routes are served", async () => {
  for (const [method, path, status] of [
    ["GET", "/", 404],
    ["GET", "/v1/completions", 404],
    ["POST", "/v1/embeddings", 404],
    ["GET", "/v1/chat/completions", 405],
    ["POST", "/v1/models", 405],
    ["GET", "/__emulator/log", 404],
  ]) {
    const response = await fetch(worker.url + path, { method, body: method === "POST" ? "{}" : undefined });
    const text = await response.text();
    seen.push(text);
    assert.equal(response.status, status, `${method} ${path}`);
    assert.equal(typeof JSON.parse(text).error.message, "string");
  }
});

test("upstream unreachable → 502 with an OpenAI-shaped error", async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (closed.address());
  await new Promise((resolve) => closed.close(() => resolve(undefined)));
  const down = await startWorker({ upstream: `http://127.0.0.1:${port}`, apiKey: KEY, origins: ALLOWED });
  try {
    const response = await fetch(down.url + "/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ALLOWED },
      body: JSON.stringify(chatRequest),
    });
    const text = await response.text();
    seen.push(JSON.stringify([...response.headers]) + text);
    assert.equal(response.status, 502);
    assert.equal(response.headers.get("access-control-allow-origin"), ALLOWED);
    const body = JSON.parse(text);
    assert.equal(typeof body.error.message, "string");
    assert.equal(body.error.code, "upstream_unreachable");
    assert.equal(body.error.type, "api_error");
    const report = await (await fetch(down.url + "/__usage")).json();
    assert.equal(report.recent.at(-1).status, 502);
    assert.equal(report.recent.at(-1).error.code, "upstream_unreachable");
    assert.ok(!down.output().includes(KEY));
  } finally {
    await down.close();
  }
});

test("the key appears in no response and in no workerd output", async () => {
  assert.ok(seen.length >= 15);
  for (const text of seen) assert.ok(!text.includes(KEY), "a response carried the key");
  assert.ok(!worker.output().includes(KEY), "workerd printed the key");
});

test("worker/config.capnp lists every module the worker imports", () => {
  const config = readFileSync(new URL("../../worker/config.capnp", import.meta.url), "utf8");
  const listed = new Set([...config.matchAll(/name = "([^"]+\.(?:js|wasm))"/g)].map((m) => m[1]));
  const pending = ["worker/index.js"];
  const visited = new Set();
  while (pending.length) {
    const name = /** @type {string} */ (pending.pop());
    if (visited.has(name)) continue;
    visited.add(name);
    assert.ok(listed.has(name), `${name} is imported but not listed in worker/config.capnp`);
    if (!name.endsWith(".js")) continue;
    const source = readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|^\s*import\s+"(\.[^"]+)"/gm)) {
      const spec = m[1] ?? m[2];
      pending.push(new URL(spec, `file:///${name}`).pathname.slice(1));
    }
  }
  assert.ok(visited.has("pkg/web/modelwire_bg.wasm"));
});
