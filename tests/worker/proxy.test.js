// proxy() in Node, with the upstream faked through its `fetch` option: key
// scrubbing across chunk boundaries, no buffering, auth schemes, URLs, and
// usage reporting that never throws.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as modelwire from "modelwire";
import { makeProxy, makeScrubber } from "../../js/proxy.js";

const proxy = makeProxy(modelwire);
const KEY = "sk-proxy-unit-0123456789abcdef";
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A fake upstream: answers with `chunks` (strings or bytes), one per read;
 * `gate` (if given) is awaited before chunk `i` is released.
 * @param {{ status?: number, headers?: Record<string, string>, chunks?: (string | Uint8Array)[], gate?: (i: number) => Promise<void> | void, fail?: Error }} spec
 */
function upstream(spec) {
  /** @type {{ url: string, init: RequestInit }[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const fetchImpl = async (url, init) => {
    calls.push({ url: String(url), init: /** @type {RequestInit} */ (init) });
    if (spec.fail) throw spec.fail;
    let i = 0;
    const chunks = spec.chunks ?? [];
    const body = new ReadableStream({
      async pull(controller) {
        if (i >= chunks.length) return controller.close();
        await spec.gate?.(i);
        const c = chunks[i++];
        controller.enqueue(typeof c === "string" ? enc.encode(c) : c);
      },
    });
    return new Response(body, { status: spec.status ?? 200, headers: spec.headers ?? { "content-type": "text/event-stream" } });
  };
  return { fetch: fetchImpl, calls };
}

/** @param {Record<string, any>} [body] @param {Record<string, string>} [headers] @param {string} [path] */
function browserRequest(body = { model: "m", stream: true, messages: [] }, headers = {}, path = "/v1/chat/completions") {
  return new Request("http://proxy.local" + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer junk", "x-api-key": "junk", ...headers },
    body: JSON.stringify(body),
  });
}

const chunk = (/** @type {object} */ o) => `data: ${JSON.stringify(o)}\n\n`;
const chatChunks = [
  chunk({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }] }),
  chunk({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] }),
  chunk({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
  "data: [DONE]\n\n",
];

test("the key is set server-side, the client's credentials dropped, the URL joined", async () => {
  for (const [base, scheme, expectedUrl] of [
    ["http://up.local", undefined, "http://up.local/v1/chat/completions?x=1"],
    ["http://up.local/v1", "Api-Key", "http://up.local/v1/chat/completions?x=1"],
    ["http://up.local/prefix/v1/", "Bearer", "http://up.local/prefix/v1/chat/completions?x=1"],
  ]) {
    const up = upstream({ chunks: chatChunks });
    const request = new Request("http://proxy.local/v1/chat/completions?x=1", {
      method: "POST",
      headers: { authorization: "Bearer junk", "x-api-key": "junk", cookie: "a=b", "anthropic-beta": "x" },
      body: "{}",
    });
    const response = await proxy(request, { upstream: base, apiKey: KEY, authScheme: /** @type {any} */ (scheme), fetch: up.fetch });
    await response.arrayBuffer();
    const headers = new Headers(up.calls[0].init.headers);
    assert.equal(up.calls[0].url, expectedUrl);
    assert.equal(headers.get("authorization"), `${scheme ?? "Bearer"} ${KEY}`);
    assert.equal(headers.get("x-api-key"), null);
    assert.equal(headers.get("cookie"), null);
    assert.equal(headers.get("anthropic-beta"), "x");
  }
});

test("a streamed body passes through unchanged, and usage is parsed from a copy", async () => {
  const up = upstream({ chunks: chatChunks, headers: { "content-type": "text/event-stream", "x-baseten-request-id": "r1", "content-encoding": "gzip" } });
  /** @type {any[]} */
  const reports = [];
  const response = await proxy(browserRequest(), { upstream: "http://up.local", apiKey: KEY, fetch: up.fetch, onUsage: (u) => void reports.push(u) });
  assert.equal(response.headers.get("content-encoding"), null, "fetch decoded the body already");
  assert.equal(await response.text(), chatChunks.join(""));
  assert.equal(reports.length, 1);
  const [u] = reports;
  assert.deepEqual(
    { path: u.path, model: u.model, status: u.status, requestId: u.requestId, stream: u.stream, ending: u.ending, error: u.error },
    { path: "/v1/chat/completions", model: "m", status: 200, requestId: "r1", stream: true, ending: "done", error: null },
  );
  assert.equal(u.usage.total_tokens, 5);
  assert.equal(typeof u.durationMs, "number");
});

test("nothing is buffered: each chunk reaches the client before the upstream sends the next", async () => {
  /** @type {(() => void)[]} */
  const releases = [];
  const up = upstream({ chunks: chatChunks, gate: (i) => (i === 0 ? undefined : new Promise((resolve) => releases.push(() => resolve()))) });
  const response = await proxy(browserRequest(), { apiKey: KEY, upstream: "http://up.local", fetch: up.fetch });
  const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (response.body?.getReader());
  for (let i = 0; i < chatChunks.length; i++) {
    if (i > 0) {
      // The upstream is waiting for this release: the client already has chunk i - 1.
      while (releases.length === 0) await new Promise((r) => setTimeout(r, 1));
      /** @type {() => void} */ (releases.shift())();
    }
    const { value } = await reader.read();
    assert.equal(dec.decode(value), chatChunks[i]);
  }
  assert.equal((await reader.read()).done, true);
});

test("the key is scrubbed from headers and bodies, also when split across chunks", async () => {
  const half = KEY.length >> 1;
  const up = upstream({
    status: 401,
    headers: { "content-type": "application/json", "x-echo": `got Bearer ${KEY}` },
    chunks: [`{"error":"bad key ${KEY.slice(0, half)}`, `${KEY.slice(half)}", "again":"${KEY}"}`],
  });
  /** @type {any[]} */
  const reports = [];
  const response = await proxy(browserRequest(), { apiKey: KEY, upstream: "http://up.local", fetch: up.fetch, onUsage: (u) => void reports.push(u) });
  const text = await response.text();
  assert.equal(response.status, 401);
  assert.equal(text, '{"error":"bad key [REDACTED]", "again":"[REDACTED]"}');
  assert.equal(response.headers.get("x-echo"), "got Bearer [REDACTED]");
  assert.equal(reports[0].error.code, "upstream_status");
  assert.ok(!JSON.stringify(reports).includes(KEY));
});

test("the scrubber returns chunks as they are unless they hold or may start the key", () => {
  const s = makeScrubber("secret-key");
  const a = enc.encode("data: hello\n\n");
  assert.equal(s.push(a), a, "same bytes, no copy");
  assert.equal(dec.decode(s.push(enc.encode("xx secr"))), "xx ");
  assert.equal(dec.decode(s.push(enc.encode("et-key yy secret"))), "[REDACTED] yy ");
  assert.equal(dec.decode(s.push(enc.encode("-ke"))), "");
  assert.equal(dec.decode(s.push(enc.encode("x"))), "secret-kex");
  assert.equal(dec.decode(s.push(enc.encode("ss"))), "s", "the last 's' may start the key");
  assert.equal(dec.decode(s.push(enc.encode("x\n"))), "sx\n");
  assert.equal(dec.decode(s.push(enc.encode("secret-k"))), "");
  assert.equal(dec.decode(s.end()), "secret-k", "a partial key at the end is let out");
});

test("a malformed stream passes through; usage reports the parse error", async () => {
  const bad = [chatChunks[0], 'data: {"id":"c1","choices":[{"index":0,"delta":{"con\n\n', chatChunks[1], chatChunks[3]];
  const up = upstream({ chunks: bad });
  /** @type {any[]} */
  const reports = [];
  const response = await proxy(browserRequest(), { apiKey: KEY, upstream: "http://up.local", fetch: up.fetch, onUsage: (u) => void reports.push(u) });
  assert.equal(await response.text(), bad.join(""));
  assert.equal(reports[0].error.code, "invalid_chunk");
});

test("Messages streams are parsed with MessagesStream", async () => {
  const ev = (/** @type {string} */ type, /** @type {object} */ data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    ev("message_start", { message: { id: "msg_1", type: "message", role: "assistant", model: "mm", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1 } } }),
    ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hi" } }),
    ev("content_block_stop", { index: 0 }),
    ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 4 } }),
    ev("message_stop", {}),
  ];
  const up = upstream({ chunks: events });
  /** @type {any[]} */
  const reports = [];
  const response = await proxy(browserRequest({ model: "mm", stream: true }, {}, "/v1/messages"), { apiKey: KEY, upstream: "http://up.local", fetch: up.fetch, onUsage: (u) => void reports.push(u) });
  assert.equal(await response.text(), events.join(""));
  assert.equal(reports[0].ending, "done");
  assert.equal(reports[0].usage.input_tokens, 7);
  assert.equal(reports[0].usage.output_tokens, 4);
  assert.equal(reports[0].model, "mm");
});

test("a throwing or async onUsage never breaks the response", async () => {
  const boom = await proxy(browserRequest(), {
    apiKey: KEY,
    upstream: "http://up.local",
    fetch: upstream({ chunks: chatChunks }).fetch,
    onUsage: () => {
      throw new Error("boom");
    },
  });
  assert.equal(await boom.text(), chatChunks.join(""));
  /** @type {Promise<unknown>[]} */
  const kept = [];
  const rejecting = await proxy(browserRequest(), {
    apiKey: KEY,
    upstream: "http://up.local",
    fetch: upstream({ chunks: chatChunks }).fetch,
    onUsage: async () => {
      throw new Error("later");
    },
    waitUntil: (p) => void kept.push(p),
  });
  assert.equal(await rejecting.text(), chatChunks.join(""));
  assert.equal(kept.length, 1);
  await kept[0]; // resolves: the rejection is caught
});

test("the client going away cancels the upstream and is reported", async () => {
  let cancelled = false;
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(enc.encode(chatChunks[0]));
    },
    cancel() {
      cancelled = true;
    },
  });
  /** @type {any[]} */
  const reports = [];
  const response = await proxy(browserRequest(), {
    apiKey: KEY,
    upstream: "http://up.local",
    fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    onUsage: (u) => void reports.push(u),
  });
  const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (response.body?.getReader());
  await reader.read();
  await reader.cancel();
  assert.equal(cancelled, true);
  assert.equal(reports[0].error.code, "aborted");
});

test("unreachable upstream → 502 in OpenAI's shape (Anthropic's on /v1/messages), key scrubbed", async () => {
  /** @type {any[]} */
  const reports = [];
  const fail = new TypeError("fetch failed", { cause: new Error(`connect ECONNREFUSED (key ${KEY})`) });
  const response = await proxy(browserRequest(), { apiKey: KEY, upstream: "http://up.local", fetch: upstream({ fail }).fetch, onUsage: (u) => void reports.push(u) });
  assert.equal(response.status, 502);
  const text = await response.text();
  assert.ok(!text.includes(KEY));
  const body = JSON.parse(text);
  assert.equal(body.error.code, "upstream_unreachable");
  assert.match(body.error.message, /ECONNREFUSED/);
  assert.equal(reports[0].status, 502);
  assert.ok(!JSON.stringify(reports).includes(KEY));
  const messages = await proxy(browserRequest({}, {}, "/v1/messages"), { apiKey: KEY, upstream: "http://up.local", fetch: upstream({ fail }).fetch });
  const anthropic = await messages.json();
  assert.equal(anthropic.type, "error");
  assert.equal(anthropic.error.type, "api_error");
});

test("CORS: preflight and requests from other origins are refused before reaching the upstream", async () => {
  const up = upstream({ chunks: chatChunks });
  const options = { apiKey: KEY, upstream: "http://up.local", fetch: up.fetch, allowedOrigins: "https://a.example, https://b.example" };
  const preflight = (/** @type {string} */ origin) =>
    proxy(new Request("http://proxy.local/v1/messages", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } }), options);
  const ok = await preflight("https://b.example");
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://b.example");
  const bad = await preflight("https://c.example");
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get("access-control-allow-origin"), null);
  const post = await proxy(browserRequest(undefined, { origin: "https://c.example" }), options);
  assert.equal(post.status, 403);
  assert.equal(up.calls.length, 0);
  const noOrigin = await proxy(browserRequest(), options);
  assert.equal(noOrigin.headers.get("access-control-allow-origin"), null);
  await noOrigin.arrayBuffer();
  assert.equal(up.calls.length, 1, "server-to-server calls (no Origin) are forwarded");
});
