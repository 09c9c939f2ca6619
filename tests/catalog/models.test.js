// client.models.list() / retrieve(id) against the emulator over HTTP: typed
// exact pricing, unknown fields kept, the TTL cache, one request for any
// number of concurrent callers (counted by a fetch wrapper and by the
// emulator's log), typed errors, retries and abort.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { APIUserAbortError, AuthenticationError, ModelwireError, NotFoundError, ValidationError } from "modelwire";
import { assertNoKey } from "../client/helpers.js";
import { BAD_KEY, GLM, KEY, NEMOTRON, ODD, PLAIN, client, countingFetch, emulator, seen } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

test("list: every model with typed, exact pricing and the server's fields", async () => {
  const c = client(emu);
  const list = await c.models.list();
  assert.equal(list.object, "list");
  assert.equal(list.data.length, 10);
  const v4 = list.data[0];
  assert.deepEqual(v4, {
    object: "model",
    owned_by: "baseten",
    id: "deepseek-ai/DeepSeek-V4-Pro",
    name: "DeepSeek V4 Pro",
    context_length: 131072,
    max_completion_tokens: 131072,
    supported_features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    input_modalities: ["text"],
    pricing: { prompt: "0.00000174", completion: "0.00000348", input_cache_read: "0.000000145" },
  });
  // "" is unknown: null, never "0".
  const nemotron = list.data.find((m) => m.id === NEMOTRON);
  assert.deepEqual(nemotron?.pricing, { prompt: null, completion: null, input_cache_read: null });
  // Iterable, with for-of and for-await.
  assert.deepEqual([...list].map((m) => m.id), list.data.map((m) => m.id));
  const ids = [];
  for await (const m of list) ids.push(m.id);
  assert.equal(ids.length, 10);
  assert.deepEqual(Object.keys(list), ["object", "data"], "iterators are not enumerable");
});

test("list: unknown fields are kept, prices normalised, wrong-typed known fields left out", async () => {
  const odd = (await client(emu).models.list()).data.find((m) => m.id === ODD);
  assert.ok(odd);
  assert.equal(odd.quantization, "fp8");
  assert.deepEqual(odd.supported_sampling_parameters, ["temperature", "top_p"]);
  assert.equal(odd.description, "A model with odd fields");
  // 1.5e-7 → the same amount in plain decimals; "-1" is not a price; an unknown pricing key is kept as sent.
  assert.deepEqual(odd.pricing, { prompt: "0.00000015", completion: "0.0000006", input_cache_read: null, batch: "0.00000005" });
  assert.ok(!("max_completion_tokens" in odd), "max_completion_tokens: \"lots\" is not a number");
  assert.equal(odd.context_length, 4096);
});

test("retrieve: one model by id; from the fresh list without a request", async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch });
  const glm = await c.models.retrieve(GLM);
  assert.equal(glm.id, GLM);
  assert.deepEqual(glm.pricing, { prompt: "0.00000095", completion: "0.00000315", input_cache_read: "0.0000002" });
  assert.deepEqual(counter.calls, [`GET /v1/models/${GLM}`]);
  assert.equal(seen(emu, `/v1/models/${encodeURIComponent("zai-org")}/GLM-5`), 1, "the slug's / stays a path separator");
  await c.models.retrieve(GLM);
  assert.equal(counter.calls.length, 1, "cached");

  await c.models.list();
  await c.models.retrieve(PLAIN);
  assert.deepEqual(counter.calls, [`GET /v1/models/${GLM}`, "GET /v1/models"], "retrieve after list asks nothing");
  // Results are copies: changing one does not change the cache.
  const a = await c.models.retrieve(PLAIN);
  /** @type {any} */ (a).pricing.prompt = "0";
  assert.equal((await c.models.retrieve(PLAIN)).pricing?.prompt, "0.0000001");
});

test("retrieve: an unknown model is a NotFoundError with the request id; bad ids never reach the network", async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch });
  const err = await c.models.retrieve("acme/Nope").then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  assert.ok(err instanceof NotFoundError, String(err));
  assert.equal(err.status, 404);
  assert.equal(err.requestId, emu.log().at(-1)?.requestId);
  assertNoKey(err, [KEY]);
  for (const id of ["", "a/../b", "/abs", "a//b", ".", 42]) {
    await assert.rejects(c.models.retrieve(/** @type {any} */ (id)), ValidationError, `id ${String(id)}`);
  }
  assert.equal(counter.calls.length, 1);
});

test("single-flight: 25 concurrent list() and retrieve() calls make one request each", async () => {
  emu.configure({ streamDelayMs: 0 });
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch });
  const lists = await Promise.all(Array.from({ length: 25 }, () => c.models.list()));
  assert.equal(counter.count("GET /v1/models"), 1);
  assert.equal(seen(emu, "/v1/models"), 1, "the emulator saw one request");
  assert.ok(lists.every((l) => l.data.length === 10));

  const c2 = client(emu, { fetch: counter.fetch });
  const models = await Promise.all(Array.from({ length: 25 }, () => c2.models.retrieve(GLM)));
  assert.equal(counter.count(`GET /v1/models/${GLM}`), 1);
  assert.ok(models.every((m) => m.id === GLM));
});

test("TTL: a list older than catalogTTL is fetched again; 0 fetches every time (still one in flight)", async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch, catalogTTL: 80 });
  await c.models.list();
  await c.models.list();
  assert.equal(counter.count("GET /v1/models"), 1);
  await sleep(120);
  await c.models.list();
  assert.equal(counter.count("GET /v1/models"), 2);
  await c.models.retrieve(GLM);
  assert.equal(counter.calls.length, 2, "the fresh list answers retrieve");

  const zero = client(emu, { fetch: counter.fetch, catalogTTL: 0 });
  await zero.models.list();
  await zero.models.list();
  await Promise.all([zero.models.list(), zero.models.list(), zero.models.list()]);
  assert.equal(counter.count("GET /v1/models"), 5);

  assert.throws(() => client(emu, { catalogTTL: -1 }), ModelwireError);
  assert.throws(() => client(emu, { catalogTTL: /** @type {any} */ ("10") }), ModelwireError);
  assert.throws(() => client(emu, { checkCapabilities: /** @type {any} */ ("yes") }), ModelwireError);
});

test("errors are typed like other requests; retries apply; nothing is cached after a failure", async () => {
  const bad = client(emu, { apiKey: BAD_KEY });
  const err = await bad.models.list().then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  assert.ok(err instanceof AuthenticationError || err.status === 403, `${err?.name} ${err?.status}`);
  assertNoKey(err, [BAD_KEY]);

  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch, maxRetries: 2, defaultHeaders: { "x-emulator-fault": "503:1;retry-after-ms=10" } });
  const list = await c.models.list();
  assert.equal(list.data.length, 10);
  assert.equal(counter.count("GET /v1/models"), 2, "one 503, then the retry");

  const flaky = client(emu, { fetch: counter.fetch, defaultHeaders: { "x-emulator-fault": "503:1" } });
  await assert.rejects(flaky.models.list(), (e) => /** @type {any} */ (e).status === 503);
  await flaky.models.list();
  assert.equal(counter.count("GET /v1/models"), 4, "the failure was not cached");
});

test("abort: a caller's signal rejects its wait with APIUserAbortError; the others still get the list", async () => {
  const controller = new AbortController();
  const c = client(emu);
  const aborted = c.models.list({ signal: controller.signal });
  const other = c.models.list();
  controller.abort();
  await assert.rejects(aborted, APIUserAbortError);
  assert.equal((await other).data.length, 10);
  await assert.rejects(c.models.list({ signal: AbortSignal.abort() }), APIUserAbortError);
});
