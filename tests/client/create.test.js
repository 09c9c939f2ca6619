// Plain `chat.completions.create` against the emulator: the parsed body, the
// request id, and exactly what went over the wire (auth scheme, headers, body).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Client } from "modelwire";
import { emulator, client, KEY, MODEL, hello, fingerprint, chatRequests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

test("create returns the completion with _request_id = X-Baseten-Request-Id", async () => {
  const completion = await client(emu).chat.completions.create(hello());
  const [entry] = chatRequests(emu);
  assert.equal(emu.log().length, 1);
  assert.equal(entry.status, 200);
  assert.equal(completion.object, "chat.completion");
  assert.equal(completion.model, MODEL);
  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, "assistant");
  assert.match(completion.choices[0].message.content, /^About What is gradient descent/);
  assert.equal(completion.choices[0].finish_reason, "stop");
  assert.ok(completion.usage.completion_tokens > 0);
  assert.equal(completion._request_id, entry.requestId);
  assert.match(completion._request_id, /^[0-9a-f]{32}$/);
  // Non-enumerable, as openai-node: the body serialises without it.
  assert.ok(!Object.keys(completion).includes("_request_id"));
  assert.ok(!JSON.stringify(completion).includes(entry.requestId));
});

test("the body sent is the params as JSON, POSTed to {baseURL}/chat/completions", async () => {
  const params = { ...hello("Tell me about SSE."), temperature: 0.5, max_tokens: 64, seed: 7, stop: ["zzz"] };
  await client(emu).chat.completions.create(params);
  const [entry] = chatRequests(emu);
  assert.equal(entry.method, "POST");
  assert.equal(entry.path, "/v1/chat/completions");
  assert.deepEqual(entry.body, params);
  assert.match(entry.headers["content-type"], /^application\/json/);
});

test("the key goes as Authorization: Bearer by default, never as x-api-key", async () => {
  await client(emu).chat.completions.create(hello());
  const [entry] = chatRequests(emu);
  assert.equal(entry.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(entry.headers["x-api-key"], undefined);
  assert.equal(entry.headers["api-key"], undefined);
  assert.ok(!JSON.stringify(entry).includes(KEY));
});

test("authScheme Api-Key sends Authorization: Api-Key KEY", async () => {
  const completion = await client(emu, { authScheme: "Api-Key" }).chat.completions.create(hello());
  const [entry] = chatRequests(emu);
  assert.equal(entry.status, 200);
  assert.equal(entry.headers.authorization, `Api-Key [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(entry.headers["x-api-key"], undefined);
  assert.equal(completion._request_id, entry.requestId);
});

test("the key is not in the URL", async () => {
  await client(emu).chat.completions.create(hello());
  const [entry] = chatRequests(emu);
  assert.ok(!entry.path.includes(KEY));
  assert.ok(!entry.path.includes("?"));
});

test("defaultHeaders and per-request headers arrive; per-request wins; null removes", async () => {
  const c = client(emu, { defaultHeaders: { "x-team": "blue", "x-trace": "default", "x-gone": "yes" } });
  await c.chat.completions.create(hello(), { headers: { "x-trace": "per-request", "x-session-affinity": "conv-42", "x-gone": null } });
  const [entry] = chatRequests(emu);
  assert.equal(entry.headers["x-team"], "blue");
  assert.equal(entry.headers["x-trace"], "per-request");
  assert.equal(entry.headers["x-session-affinity"], "conv-42");
  assert.equal(entry.headers["x-gone"], undefined);
  assert.equal(entry.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
});

test("defaultHeaders apply to every request of the client", async () => {
  const c = client(emu, { defaultHeaders: { "x-team": "green" } });
  await c.chat.completions.create(hello("one"));
  await c.chat.completions.create(hello("two"));
  const entries = chatRequests(emu);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries.map((e) => e.headers["x-team"]), ["green", "green"]);
  assert.deepEqual(entries.map((e) => e.body.messages[0].content), ["one", "two"]);
});

test("withOptions keeps the key and changes the rest", async () => {
  const base = client(emu, { maxRetries: 5 });
  const copy = base.withOptions({ authScheme: "Api-Key", maxRetries: 1 });
  assert.equal(copy.maxRetries, 1);
  assert.equal(copy.baseURL, base.baseURL);
  await copy.chat.completions.create(hello());
  const [entry] = chatRequests(emu);
  assert.equal(entry.status, 200);
  assert.equal(entry.headers.authorization, `Api-Key [REDACTED ${fingerprint(KEY)}]`);
});

test("a client serialises without its key", () => {
  const c = client(emu);
  assert.ok(!JSON.stringify(c).includes(KEY));
  assert.ok(!String(c).includes(KEY));
});

test("the same request twice gives the same content (the emulator is deterministic)", async () => {
  const c = client(emu);
  const a = await c.chat.completions.create(hello());
  const b = await c.chat.completions.create(hello());
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.notEqual(a._request_id, b._request_id);
});

test("default export and named Client are the same class", async () => {
  const mod = await import("modelwire");
  assert.equal(mod.default, Client);
  assert.equal(mod.DEFAULT_BASE_URL, "https://inference.baseten.co/v1");
  assert.equal(new Client({ apiKey: KEY }).baseURL, "https://inference.baseten.co/v1");
});

test("a key a header can't hold is refused without echoing it, and nothing is sent", async () => {
  const { ModelwireError } = await import("modelwire");
  for (const apiKey of [`${KEY}\n`, `${KEY}\r\nx-evil: 1`, `é${KEY}`]) {
    /** @type {any} */
    let err;
    try {
      const c = new Client({ apiKey, baseURL: `${emu.url}/v1` });
      await c.chat.completions.create(hello());
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ModelwireError, `refused: ${JSON.stringify(apiKey)}`);
    for (const view of [String(err), err.message, JSON.stringify(err), String(err.stack)]) assert.ok(!view.includes(KEY));
  }
  assert.deepEqual(emu.log(), []);
});

test("stream: false gives a plain completion", async () => {
  const completion = await client(emu).chat.completions.create({ ...hello(), stream: false });
  assert.equal(completion.object, "chat.completion");
  assert.equal(chatRequests(emu)[0].body.stream, false);
});

test("a per-request null header removes the Authorization the client would send", async () => {
  const { AuthenticationError } = await import("modelwire");
  /** @type {any} */
  let err;
  try {
    await client(emu, { maxRetries: 0 }).chat.completions.create(hello(), { headers: { Authorization: null } });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof AuthenticationError, `got ${err?.constructor?.name}`);
  assert.equal(chatRequests(emu)[0].headers.authorization, undefined);
});
