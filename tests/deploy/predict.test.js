// deployment.predict against the emulator: JSON in and out, the streamed
// variant as raw bytes (not SSE), errors, retries, abort and idle timeouts.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  APIUserAbortError,
  NotFoundError,
  PermissionDeniedError,
  InternalServerError,
  PredictStream,
  StreamError,
  ValidationError,
} from "modelwire";
import { emulator, client, recorder, rejection, assertNoSecret, BAD_KEY, KEY, MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** The raw bytes the emulator sends for a predict body, fetched without the client. @param {any} input */
async function rawPredict(input) {
  const response = await fetch(`${emu.url}/model/${MODEL}/environments/production/predict`, {
    method: "POST",
    headers: { authorization: `Api-Key ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return Buffer.from(await response.arrayBuffer());
}

test("predict: any JSON in, the parsed JSON out, with _request_id", async () => {
  const input = { prompt: "What is a KV cache?", max_new_tokens: 32, nested: { list: [1, 2, "é"] } };
  const out = await client(emu).deployment(MODEL).predict(input);
  const [entry] = emu.log();
  assert.equal(entry.method, "POST");
  assert.equal(entry.path, `/model/${MODEL}/environments/production/predict`);
  assert.deepEqual(entry.body, input);
  assert.match(out.output, /^About What is a KV cache/);
  assert.equal(out._request_id, entry.requestId);
  assert.ok(!Object.keys(out).includes("_request_id"));
});

test("predict stream: the raw bytes, chunk by chunk, exactly as sent", async () => {
  const input = { prompt: "Stream me", stream: true };
  const expected = await rawPredict(input);
  // `bytewise`: every byte is its own HTTP chunk. On a loaded machine (every suite at once)
  // the client could still find them all in one socket read, so the pieces are also 20 ms
  // apart: the body then arrives in several reads whatever the load (failed CI once).
  emu.configure({ streamDelayMs: 20 });
  const stream = await client(emu).deployment(MODEL).predict(input, { stream: true, headers: { "x-emulator-fault": "bytewise" } });
  assert.ok(stream instanceof PredictStream);
  assert.equal(stream.response.headers.get("content-type"), "application/octet-stream");
  assert.match(String(stream.requestId), /^[0-9a-f]{32}$/);
  /** @type {Uint8Array[]} */
  const chunks = [];
  for await (const chunk of stream) {
    assert.ok(chunk instanceof Uint8Array);
    chunks.push(chunk);
  }
  assert.ok(chunks.length > 1, "arrived in several chunks");
  assert.deepEqual(Buffer.concat(chunks), expected);
  // Iterating twice is an error, not an empty stream.
  await assert.rejects(async () => {
    for await (const _ of stream) void _;
  }, /consumed/);
});

test("predict stream: text() and textChunks() decode UTF-8 split across chunks", async () => {
  const input = { prompt: "Stream me", stream: true };
  const expected = (await rawPredict(input)).toString("utf8");
  assert.equal(await (await client(emu).deployment(MODEL).predict(input, { stream: true })).text(), expected);
  // Every byte its own HTTP chunk: multibyte characters still come out whole.
  const text = "naïve – 東京 – 🚀 done";
  const bytes = new TextEncoder().encode(text);
  const fake = recorder(async () => new Response(new ReadableStream({
    start(controller) {
      for (const b of bytes) controller.enqueue(new Uint8Array([b]));
      controller.close();
    },
  }), { status: 200 }));
  const stream = await client(emu, { fetch: fake.fetch }).deployment(MODEL).predict({ stream: true }, { stream: true });
  const pieces = [];
  for await (const piece of stream.textChunks()) pieces.push(piece);
  assert.equal(pieces.join(""), text);
  assert.ok(pieces.every((p) => !p.includes("\uFFFD")), "no replacement characters");
  assert.equal(fake.calls[0].headers.accept, "*/*");
});

test("predict stream: breaking out cancels the body; abort rejects with APIUserAbortError", async () => {
  const dep = client(emu, { idleTimeout: 5000 }).deployment(MODEL);
  const stream = await dep.predict({ prompt: "x", stream: true }, { stream: true });
  for await (const _ of stream) break;
  const controller = new AbortController();
  const second = await dep.predict({ prompt: "x", stream: true }, { stream: true, signal: controller.signal });
  const err = await rejection(async () => {
    for await (const _ of second) controller.abort();
  });
  assert.ok(err instanceof APIUserAbortError, `got ${err?.name}`);
  // Aborted before the request: nothing is sent.
  const before = emu.log().length;
  const early = await rejection(dep.predict({ prompt: "x" }, { signal: AbortSignal.abort() }));
  assert.ok(early instanceof APIUserAbortError);
  assert.equal(emu.log().length, before);
});

test("predict stream: a stall past idleTimeout is StreamError idle_timeout; a cut connection is connection_lost", async () => {
  const dep = client(emu).deployment(MODEL);
  const stalled = await dep.predict({ prompt: "x", stream: true }, { stream: true, idleTimeout: 50, headers: { "x-emulator-fault": "stall:2000" } });
  let got = 0;
  const err = await rejection(async () => {
    for await (const chunk of stalled) got += chunk.length;
  });
  assert.ok(err instanceof StreamError, `got ${err?.name}: ${err?.message}`);
  assert.equal(err.code, "idle_timeout");
  const dropped = await dep.predict({ prompt: "x", stream: true }, { stream: true, headers: { "x-emulator-fault": "drop:40" } });
  let bytes = 0;
  const cut = await rejection(async () => {
    for await (const chunk of dropped) bytes += chunk.length;
  });
  assert.ok(cut instanceof StreamError, `got ${cut?.name}: ${cut?.message}`);
  assert.equal(cut.code, "connection_lost");
  assert.ok(bytes <= 40);
  void got;
});

test("errors: typed, with status and request id, the key scrubbed", async () => {
  const bad = await rejection(client(emu, { apiKey: BAD_KEY }).deployment(MODEL).predict({ prompt: "x" }));
  assert.ok(bad instanceof PermissionDeniedError, `got ${bad?.name}`);
  assert.equal(bad.status, 403);
  assert.equal(bad.requestId, emu.log().at(-1).requestId);
  assertNoSecret(bad);
  const missing = await rejection(client(emu).deployment(MODEL, { environment: "canary" }).predict({}));
  assert.ok(missing instanceof NotFoundError);
  assert.match(missing.message, /Environment "canary" not found/);
  const server = await rejection(client(emu, { maxRetries: 0 }).deployment(MODEL).predict({}, { headers: { "x-emulator-fault": "500:1" } }));
  assert.ok(server instanceof InternalServerError);
  assert.equal(server.status, 500);
  const input = await rejection(client(emu).deployment(MODEL).predict(undefined));
  assert.ok(input instanceof ValidationError);
  assert.equal(input.field, "model_input");
});

test("retries honour retry-after on 429 and 503, then succeed", async () => {
  const dep = client(emu).deployment(MODEL);
  const started = Date.now();
  const out = await dep.predict({ prompt: "retry" }, { headers: { "x-emulator-fault": "503:2;retry-after-ms=30" } });
  assert.match(out.output, /^About retry/);
  assert.deepEqual(emu.log().map((e) => e.status), [503, 503, 200]);
  assert.ok(Date.now() - started >= 55, "waited as retry-after-ms said");
  emu.reset();
  const stream = await dep.predict({ prompt: "retry", stream: true }, { stream: true, headers: { "x-emulator-fault": "429:1;retry-after-ms=10" } });
  assert.ok((await stream.text()).length > 0);
  assert.deepEqual(emu.log().map((e) => e.status), [429, 200]);
});

test("timeout: APITimeoutError after the per-attempt timeout", async () => {
  const err = await rejection(client(emu, { maxRetries: 0 }).deployment(MODEL).predict({ prompt: "x" }, { timeout: 30, headers: { "x-emulator-fault": "stall:1000;at=0" } }));
  assert.equal(err?.name, "APITimeoutError", err?.message);
});

test("wake: POST {target}/wake for every deployment form, 202 with no body resolves to null", async () => {
  const c = client(emu);
  const forms = [
    [{}, "/environments/production"],
    [{ environment: "staging" }, "/environments/staging"],
    [{ development: true }, "/development"],
    [{ deploymentId: "q4x9k2m" }, "/deployment/q4x9k2m"],
  ];
  for (const [options, path] of forms) {
    assert.equal(await c.deployment(MODEL, /** @type {any} */ (options)).wake(), null, JSON.stringify(options));
  }
  assert.deepEqual(
    emu.log().map((e) => `${e.method} ${e.path} ${e.status}`),
    forms.map(([, path]) => `POST /model/${MODEL}${path}/wake 202`),
  );
});
