// The catalog in real Chromium (Playwright driving Debian's build): a test page
// (tests/browser/catalog/) imports /js/web.js from scripts/serve.js, whose /v1 proxy leads to the
// emulator (with tests/catalog/helpers.js's catalog: the default models plus one without any
// feature and one with odd fields). In the page: client.models.list() / retrieve(id) compared
// with the emulator's raw /v1/models JSON fetched here in Node; the TTL cache and single-flight
// (counted in the emulator's log, the one request held in flight by a route handler); every
// capability check for chat.completions and messages, each a CapabilityError with nothing sent,
// the switch-off and "fetch"; cost() on the usage corpus of tests/catalog/cost.test.js against
// its hand-computed values; `_cost`; the running cost of both runners; client.meter.
//
// Expected costs are computed here independently (BigInt atto-dollars from the raw JSON's
// prices, tests/catalog/helpers.js), never with modelwire.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { launchChromium, openTestPage } from "./harness.js";
import { serve } from "../../scripts/serve.js";
import { GLM, KEY, KIMI, NEMOTRON, ODD, PLAIN, V31, atto, catalog, emulator, expected, tokenTotals, tokensOf, usdText } from "../catalog/helpers.js";
import { CASES, CORPUS, OSS, V4, user } from "../catalog/cases.js";

const PAGE_DIR = new URL("./catalog/", import.meta.url);
const CHAT = "POST /v1/chat/completions";
const MESSAGES = "POST /v1/messages";
const LIST = "GET /v1/models";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
/** @type {string[]} */
let pageErrors = [];
/** The emulator's own GET /v1/models, read in Node. @type {{ object: string, data: any[] }} */
let raw;
/** Raw models by id. @type {Map<string, any>} */
let rawById;

/**
 * A catalog request held in flight by a route handler until the page releases it.
 * @type {{ count: number, arrived: () => void, held: Promise<void>, open: () => void, opened: Promise<void> } | null}
 */
let gate = null;

before(async () => {
  emu = await emulator();
  server = await serve({ upstream: emu.url });
  browser = await launchChromium();
  ({ page, pageErrors } = await openTestPage(browser, server.url, PAGE_DIR, "__catalog-test"));
  await page.exposeFunction("catalogHeld", () => gate?.held);
  await page.exposeFunction("releaseCatalog", () => gate?.open());
  raw = await rawJson("/v1/models");
  rawById = new Map(raw.data.map((m) => [m.id, m]));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
});

/**
 * Runs one scenario in the page.
 * @param {string} name @param {Record<string, unknown>} [args] @returns {Promise<any>}
 */
function run(name, args = {}) {
  return page.evaluate(([n, a]) => /** @type {any} */ (window).scenarios[n](a), /** @type {const} */ ([name, { key: KEY, ...args }]));
}

/** The emulator's JSON at `path`, read in Node (its log cleared after). @param {string} path */
async function rawJson(path) {
  const response = await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(response.status, 200, path);
  const body = await response.json();
  emu.clearLog();
  return body;
}

/** What the emulator saw, as `METHOD path`. */
const requests = () => emu.log().map((e) => `${e.method} ${e.path}`);
/** @param {string} what */
const count = (what) => requests().filter((r) => r === what).length;

// ------------------------------------------------------------ expectations from the raw JSON

/**
 * A wire price as the client must type it, worked out here: a non-negative decimal (exponent
 * form allowed) as a plain decimal without trailing zeros; anything else ("", "-1") null.
 * @param {unknown} text @returns {string | null}
 */
function exactPrice(text) {
  if (typeof text !== "string") return null;
  const m = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? "";
  const digits = BigInt(m[1] + frac);
  const exp = Number(m[3] ?? 0) - frac.length; // value = digits × 10^exp
  if (exp >= 0) return (digits * 10n ** BigInt(exp)).toString();
  const scale = 10n ** BigInt(-exp);
  const rest = (digits % scale).toString().padStart(-exp, "0").replace(/0+$/, "");
  return rest ? `${digits / scale}.${rest}` : `${digits / scale}`;
}

/** @type {Record<string, (v: unknown) => boolean>} known keys and the types they must have */
const KNOWN = {
  id: (v) => typeof v === "string",
  name: (v) => typeof v === "string",
  context_length: (v) => Number.isInteger(v),
  max_completion_tokens: (v) => Number.isInteger(v),
  supported_features: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
  input_modalities: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
};

/**
 * A raw model as the client must give it: every key in order, a known key of the wrong type
 * left out, the three prices exact (or null), other pricing keys as sent.
 * @param {any} model
 */
function expectedModel(model) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(model)) {
    if (KNOWN[k] && !KNOWN[k](v)) continue;
    if (k === "pricing") {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([p, text]) => [p, ["prompt", "completion", "input_cache_read"].includes(p) ? exactPrice(text) : text]),
      );
    } else out[k] = v;
  }
  return out;
}

/** A model's exact prices, from the raw JSON. @param {string} id */
const pricesOf = (id) => /** @type {any} */ (expectedModel(rawById.get(id)).pricing);

/** The exact cost of a usage at a model's raw prices, in atto-dollars. @param {string} id @param {any} usage */
const independent = (id, usage) => expected(pricesOf(id), tokensOf(usage));

/** The whole Cost object the client must give for a priced model, built here. @param {string} id @param {any} usage */
function expectedCost(id, usage) {
  const p = pricesOf(id);
  const t = tokensOf(usage);
  const part = (/** @type {number} */ n, /** @type {string} */ price) => ({ tokens: n, usd: usdText(n === 0 ? 0n : BigInt(n) * atto(price)) });
  return {
    model: id,
    usd: usdText(independent(id, usage)),
    input: part(t.input, p.prompt),
    cachedInput: part(t.cached, p.input_cache_read),
    output: part(t.output, p.completion),
    unknownPrices: [],
    note: null,
  };
}

// ------------------------------------------------------------ the existing end-to-end check

test("Chromium: list, a capability check with no request, running cost and the meter", async () => {
  const result = await page.evaluate(async (key) => {
    const mw = await import("/js/web.js");
    const client = new mw.Client({ apiKey: key, baseURL: `${location.origin}/v1` });
    const list = await client.models.list();
    let refused = null;
    try {
      await client.chat.completions.create({ model: "zai-org/GLM-5", messages: [{ role: "user", content: "hi" }], reasoning_effort: "high" });
    } catch (err) {
      refused = { isCapability: err instanceof mw.CapabilityError, feature: err.feature, model: err.model };
    }
    const runner = client.messages.stream({ model: "deepseek-ai/DeepSeek-V4-Pro", max_tokens: 200, messages: [{ role: "user", content: "Why?" }] });
    const running = [];
    runner.on("usage", (usage, cost) => running.push(cost?.usd ?? null));
    const final = await runner.finalMessage();
    const v4 = list.data.find((m) => m.id === "deepseek-ai/DeepSeek-V4-Pro");
    return {
      count: list.data.length,
      pricing: v4?.pricing,
      refused,
      running,
      finalCost: final._cost?.usd,
      pure: mw.cost(v4, final.usage).usd,
      meter: client.meter.snapshot(),
    };
  }, KEY);
  assert.equal(result.count, raw.data.length);
  assert.equal(result.count, catalog().length);
  assert.deepEqual(result.pricing, { prompt: "0.00000174", completion: "0.00000348", input_cache_read: "0.000000145" });
  assert.deepEqual(result.refused, { isCapability: true, feature: "reasoning", model: "zai-org/GLM-5" });
  assert.ok(result.running.length >= 2 && result.running.every((/** @type {unknown} */ u) => typeof u === "string"));
  assert.equal(result.finalCost, result.running.at(-1));
  assert.equal(result.finalCost, result.pure);
  assert.equal(result.meter.usd, result.finalCost);
  assert.equal(result.meter.requests, 1);
  assert.deepEqual(emu.log().map((e) => e.path), ["/v1/models", "/v1/messages"], "the refused request never left the page");
});

test("the web build exports the catalog API", async () => {
  const names = await page.evaluate(() => /** @type {any} */ (window).modelwireExports);
  for (const name of ["Client", "cost", "CapabilityError", "ModelwireError", "ValidationError", "NotFoundError", "APIUserAbortError"]) {
    assert.ok(names.includes(name), `${name} exported`);
  }
  assert.deepEqual(pageErrors, []);
});

// ------------------------------------------------------------ list / retrieve

test("models.list() in the page: the emulator's raw JSON with exact pricing, \"\" as unknown, unknown fields kept", async () => {
  const result = await run("list");
  assert.deepEqual(requests(), [LIST], "one request; the second list() came from the cache");
  const want = raw.data.map(expectedModel);
  assert.equal(result.list.object, "list");
  assert.deepEqual(result.listKeys, ["object", "data"], "iterators are not enumerable");
  assert.deepEqual(result.list.data, want, "every model as the server sent it, prices made exact");
  assert.deepEqual(result.modelKeys, want.map((m) => Object.keys(m)), "keys in the server's order");
  assert.deepEqual(result.again, result.list);
  assert.equal(result.againIsCopy, true, "each list() is a copy");
  assert.deepEqual(result.forOf, raw.data.map((m) => m.id));
  assert.deepEqual(result.forAwait, raw.data.map((m) => m.id));

  // The same, by hand for the models the checks and costs below depend on.
  const byId = new Map(result.list.data.map((/** @type {any} */ m) => [m.id, m]));
  assert.deepEqual(byId.get(V4), {
    object: "model",
    owned_by: "baseten",
    id: V4,
    name: "DeepSeek V4 Pro",
    context_length: 131072,
    max_completion_tokens: 131072,
    supported_features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    input_modalities: ["text"],
    pricing: { prompt: "0.00000174", completion: "0.00000348", input_cache_read: "0.000000145" },
  });
  const glm = byId.get(GLM);
  assert.equal(glm.context_length, 202752);
  assert.equal(glm.max_completion_tokens, 202752);
  assert.deepEqual(glm.supported_features, ["tools", "json_mode", "structured_outputs"]);
  assert.deepEqual(glm.input_modalities, ["text"]);
  assert.deepEqual(glm.pricing, { prompt: "0.00000095", completion: "0.00000315", input_cache_read: "0.0000002" });
  assert.deepEqual(byId.get(KIMI).input_modalities, ["text", "image"]);
  assert.ok(byId.get(KIMI).supported_features.includes("vision"));
  assert.deepEqual(byId.get(V31).supported_features, ["tools", "reasoning"]);
  assert.deepEqual(byId.get(PLAIN).supported_features, []);
  assert.equal(byId.get(PLAIN).max_completion_tokens, 4096);

  // "" is unknown: null, never "0" (nor "").
  assert.deepEqual(rawById.get(NEMOTRON).pricing, { prompt: "", completion: "", input_cache_read: "" });
  assert.deepEqual(byId.get(NEMOTRON).pricing, { prompt: null, completion: null, input_cache_read: null });
  assert.equal(rawById.get(PLAIN).pricing.input_cache_read, "");
  assert.equal(byId.get(PLAIN).pricing.input_cache_read, null);
  for (const m of raw.data) {
    for (const p of ["prompt", "completion", "input_cache_read"]) {
      if (m.pricing[p] === "") assert.equal(byId.get(m.id).pricing[p], null, `${m.id} ${p}`);
    }
  }

  // Unknown fields kept; 1.5e-7 in plain decimals; "-1" is not a price; "lots" is not a number.
  const odd = byId.get(ODD);
  assert.equal(odd.quantization, "fp8");
  assert.deepEqual(odd.supported_sampling_parameters, ["temperature", "top_p"]);
  assert.equal(odd.description, "A model with odd fields");
  assert.deepEqual(odd.pricing, { prompt: "0.00000015", completion: "0.0000006", input_cache_read: null, batch: "0.00000005" });
  assert.equal(rawById.get(ODD).max_completion_tokens, "lots");
  assert.ok(!("max_completion_tokens" in odd), 'max_completion_tokens: "lots" left out');
  assert.equal(odd.context_length, 4096);
});

test("models.retrieve(id) in the page: the raw /v1/models/{id} JSON; cached; answered by a fresh list; copies; typed errors", async () => {
  const ids = [GLM, NEMOTRON, ODD, KIMI];
  /** @type {Record<string, any>} */
  const rawOne = {};
  for (const id of ids) rawOne[id] = await rawJson(`/v1/models/${id}`);
  const result = await run("retrieve", { ids, afterList: PLAIN, unknown: "acme/Nope", badIds: ["", "a/../b", "/abs", "a//b", ".", 42] });
  for (const id of ids) {
    assert.deepEqual(result.byId[id], expectedModel(rawOne[id]), id);
    assert.deepEqual(result.byId[id], expectedModel(rawById.get(id)), `${id}: as in the list`);
  }
  assert.deepEqual(result.byId[NEMOTRON].pricing, { prompt: null, completion: null, input_cache_read: null });
  assert.deepEqual(result.cachedAgain, result.byId[GLM]);
  assert.deepEqual(result.fromList, expectedModel(rawById.get(PLAIN)));
  assert.deepEqual(result.fromList, result.listEntry);
  assert.deepEqual(result.untouched, result.fromList, "changing a result does not change the cache");

  assert.equal(result.notFound.isNotFound, true, `${result.notFound.name}: ${result.notFound.message}`);
  assert.equal(result.notFound.status, 404);
  const log = emu.log();
  assert.equal(result.notFound.requestId, log.at(-1)?.requestId);
  for (const [id, outcome] of Object.entries(result.bad)) {
    assert.equal(outcome.isValidation, true, `id ${id}: ${outcome.name}`);
    assert.equal(outcome.field, "id");
  }
  assert.deepEqual(
    requests(),
    [...ids.map((id) => `GET /v1/models/${id}`), LIST, "GET /v1/models/acme/Nope"],
    "one request per id, none for the cached one, none after list(), none for bad ids",
  );
});

test("single-flight in the page: 25 list() callers while its request is in flight → one request; one caller's abort leaves the others", { timeout: 30_000 }, async () => {
  /** @type {() => void} */ let arrived = () => {};
  /** @type {() => void} */ let open = () => {};
  const held = new Promise((r) => (arrived = () => r(undefined)));
  const opened = new Promise((r) => (open = () => r(undefined)));
  gate = { count: 0, arrived, held, open, opened };
  const isList = (/** @type {URL} */ url) => url.pathname === "/v1/models";
  /** @param {import("playwright-core").Route} route */
  const hold = async (route) => {
    if (gate) {
      gate.count++;
      gate.arrived();
      await gate.opened;
    }
    await route.continue();
  };
  await page.route(isList, hold);
  try {
    const result = await run("singleFlight", { id: GLM });
    assert.equal(gate.count, 1, "the page sent one catalog request");
    assert.equal(result.abortedWhileHeld.isAbort, true, `${result.abortedWhileHeld.name}: ${result.abortedWhileHeld.message}`);
    assert.deepEqual(result.counts, Array(25).fill(raw.data.length));
    assert.equal(result.allEqual, true);
    assert.equal(result.copies, 25, "every caller gets its own copy");
    assert.deepEqual(result.retrieved, Array(25).fill(GLM));
    assert.equal(count(LIST), 1, "the emulator saw one list request for 26 callers (and none for the list() after)");
    assert.equal(count(`GET /v1/models/${GLM}`), 1, "and one retrieve request for 25 concurrent callers");
    assert.equal(emu.log().length, 2);
  } finally {
    gate?.open(); // never leave a request held, whatever failed
    await page.unroute(isList, hold);
    gate = null;
  }
});

test("TTL in the page: a list older than catalogTTL is fetched again (the stale one still checks); 0 fetches every time", async () => {
  const TTL = 1500;
  const start = await run("ttlStart", { ttl: TTL });
  assert.deepEqual(start.lengths, [raw.data.length, raw.data.length]);
  assert.deepEqual(requests(), [LIST], "the second list() within the TTL came from the cache");
  await new Promise((r) => setTimeout(r, TTL + 250));
  const again = await run("ttlAgain", { model: GLM, body: chatBody(PLAIN, CASES[0][3]) });
  assert.equal(again.stale.isCapability, true, "an expired catalog still serves the checks");
  assert.equal(again.length, raw.data.length);
  assert.equal(again.retrieved, GLM);
  assert.deepEqual(requests(), [LIST, LIST], "refetched after the TTL; retrieve() answered by the fresh list; nothing sent for the refused request");

  emu.clearLog();
  const zero = await run("ttlZero");
  assert.equal(count(LIST), 3, "catalogTTL 0: two sequential list() calls, then three concurrent ones sharing one request");
  for (const [name, outcome] of Object.entries(zero.invalid)) {
    assert.equal(outcome.isModelwireError, true, `${name}: ${JSON.stringify(outcome)}`);
  }
});

// ------------------------------------------------------------ capability checks



/** @param {string} model @param {Record<string, unknown>} extra */
const chatBody = (model, extra) => ({ model, messages: user("Hello"), ...extra });
/** @param {string} model @param {Record<string, unknown>} extra */
const messagesBody = (model, extra) => ({ model, max_tokens: 64, messages: user("Hello"), ...extra });

/**
 * A described error is a CapabilityError naming the model and the feature.
 * @param {any} d @param {string} model @param {string} feature @param {string} label
 */
function assertCapability(d, model, feature, label) {
  assert.equal(d.resolved, false, `${label}: expected a rejection`);
  assert.equal(d.isCapability, true, `${label}: expected CapabilityError, got ${d.name}: ${d.message}`);
  assert.equal(d.isModelwireError, true, label);
  assert.equal(d.isValidation, false, label);
  assert.equal(d.isAPIError, false, label);
  assert.equal(d.name, "CapabilityError", label);
  assert.equal(d.model, model, label);
  assert.equal(d.feature, feature, label);
  assert.ok(d.features.includes(feature), label);
  assert.ok(d.message.includes(model), `${label}: ${d.message}`);
  assert.ok(d.message.includes(feature === "max_completion_tokens" ? "output tokens" : feature), `${label}: ${d.message}`);
  if (feature === "max_completion_tokens") {
    assert.equal(d.requested, 300000, label);
    assert.equal(d.limit, 202752, label);
    assert.match(d.message, /at most 202752 output tokens; the request asks for 300000/, label);
  }
}

for (const [protocol, label] of /** @type {const} */ ([["chat", "chat.completions"], ["messages", "messages"]])) {
  for (const [name, model, feature, chat, messages] of CASES) {
    test(`${label} in the page: ${name} → CapabilityError naming ${model} and ${feature}, no request`, async () => {
      const body = protocol === "chat" ? chatBody(model, chat) : messagesBody(model, messages);
      const result = await run("refused", { protocol, body });
      for (const mode of ["create", "stream", "runner"]) assertCapability(result[mode], model, feature, mode);
      assert.equal(result.errorEvents.length, 1, "the runner's error event, once");
      assertCapability({ resolved: false, ...result.errorEvents[0] }, model, feature, "error event");
      assert.deepEqual(requests(), [LIST], "only the catalog: the refused requests never left the page");
    });
  }

  test(`${label} in the page: checkCapabilities: false sends each of those requests (client and per request, and the runner)`, async () => {
    for (const [name, model, feature, chat, messages] of CASES) {
      emu.reset();
      const extra = protocol === "chat" ? chat : messages;
      const body = protocol === "chat" ? chatBody(model, chat) : messagesBody(model, messages);
      const result = await run("unchecked", { protocol, body });
      const path = protocol === "chat" ? CHAT : MESSAGES;
      for (const mode of ["clientOff", "requestOff", "runnerOff"]) {
        const r = result[mode];
        assert.ok(!r.isCapability, `${name} ${mode}: not checked`);
        assert.ok(r.resolved || (r.isAPIError && r.status >= 400), `${name} ${mode}: the server answered (${JSON.stringify(r)})`);
      }
      assertCapability(result.requestOn, model, feature, `${name}: per-request true over the client's false`);
      assert.equal(result.invalid.isModelwireError, true, `${name}: checkCapabilities "always" is refused`);
      assert.equal(result.invalid.isCapability, false);
      const log = emu.log();
      assert.deepEqual(requests(), [LIST, LIST, path, path, path], `${name}: the three unchecked requests were sent, nothing else`);
      for (const entry of log.filter((e) => `${e.method} ${e.path}` === path)) {
        for (const [k, v] of Object.entries(extra)) assert.deepEqual(entry.body[k], v, `${name}: ${k} sent as given`);
        assert.equal(entry.body.model, model);
      }
    }
  });
}

test("default checkCapabilities in the page: without a loaded catalog nothing is checked nor fetched; retrieve() of the model is enough", async () => {
  const result = await run("defaultMode", {
    chat: chatBody(PLAIN, CASES[0][3]),
    messages: messagesBody(PLAIN, CASES[0][4]),
    other: chatBody(GLM, CASES[0][3]),
  });
  for (const r of result.before) assert.equal(r.resolved, true, JSON.stringify(r));
  assertCapability(result.after, PLAIN, "tools", "after retrieve()");
  assert.equal(result.otherModel.resolved, true);
  assert.deepEqual(requests(), [CHAT, MESSAGES, `GET /v1/models/${PLAIN}`, CHAT]);
});

test('"fetch" in the page: concurrent first requests share one catalog load before anything is sent; then every request is checked', async () => {
  const result = await run("fetchMode", {
    refusedChat: chatBody(PLAIN, CASES[0][3]),
    refusedMessages: messagesBody(GLM, CASES[3][4]),
    okChat: chatBody(GLM, {}),
    okMessages: messagesBody(GLM, {}),
  });
  assertCapability(result.first[0], PLAIN, "tools", "chat");
  assertCapability(result.first[1], GLM, "reasoning", "messages");
  assert.equal(result.first[2].resolved, true);
  assert.equal(result.later.resolved, true);
  assertCapability(result.streamed, GLM, "reasoning", "messages runner");
  assertCapability(result.perRequest, PLAIN, "tools", 'per-request "fetch"');
  assert.deepEqual(requests(), [LIST, CHAT, MESSAGES, LIST], "one load for the first three, the catalog before any request; a second client loads its own");
});

// ------------------------------------------------------------ cost


test("cost(model, usage) in the page on the whole corpus, both protocols: the hand-computed values, exactly", async () => {
  const results = await run("costCorpus", { corpus: CORPUS.map(([id, usage]) => [id, usage]) });
  assert.equal(results.length, CORPUS.length);
  CORPUS.forEach(([id, usage, usd, input, cached, output], i) => {
    const label = `${id} ${JSON.stringify(usage)}`;
    for (const source of /** @type {const} */ (["client", "server"])) {
      const c = results[i][source];
      assert.equal(c.model, id, `${source}: ${label}`);
      assert.equal(c.usd, usd, `${source}: ${label}`);
      assert.equal(c.input.usd, input, `${source}: ${label}`);
      assert.equal(c.cachedInput.usd, cached, `${source}: ${label}`);
      assert.equal(c.output.usd, output, `${source}: ${label}`);
      assert.deepEqual(c.unknownPrices, [], `${source}: ${label}`);
      assert.equal(c.note, null, `${source}: ${label}`);
    }
    assert.deepEqual(results[i].server, results[i].client, `the server's raw JSON prices the same: ${label}`);
    assert.equal(usd, usdText(independent(id, usage)), `the hand value agrees with the independent sum: ${label}`);
    assert.deepEqual(results[i].client, expectedCost(id, usage), label);
  });
  // Cached tokens at the cache-read price, not the prompt price.
  assert.deepEqual(results[0].client, {
    model: GLM,
    usd: "0.00098",
    input: { tokens: 200, usd: "0.00019" },
    cachedInput: { tokens: 800, usd: "0.00016" },
    output: { tokens: 200, usd: "0.00063" },
    unknownPrices: [],
    note: null,
  });
  assert.deepEqual(results[3].client.input, { tokens: 350, usd: "0.00021" }, "Messages: cache writes are input");
  assert.deepEqual(results[3].client.cachedInput, { tokens: 700, usd: "0.00007" }, "Messages: cache reads at the cache-read price");
  // Reasoning tokens are output.
  assert.deepEqual(results[1].client.output, { tokens: 500, usd: "0.00174" }, "reasoning inside completion_tokens, priced once as output");
  assert.deepEqual(results[2].client.output, { tokens: 25, usd: "0.0000125" }, "reasoning beyond completion_tokens added as output");
  assert.deepEqual(requests(), [LIST, LIST], "the client's list, and the page's own fetch of the raw JSON");
});

test("cost() in the page: unknown prices are never zero; unreadable usage is a ValidationError naming the field", async () => {
  const result = await run("costEdges", {
    unknown: [
      [NEMOTRON, { prompt_tokens: 10, completion_tokens: 10 }],
      [PLAIN, { prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } }],
      [NEMOTRON, { input_tokens: 7, output_tokens: 0 }],
      [NEMOTRON, { prompt_tokens: 0, completion_tokens: 0 }],
    ],
    unreadable: [
      [GLM, { prompt_tokens: -1 }],
      [GLM, { prompt_tokens: 1.5 }],
      [GLM, { prompt_tokens: 1, prompt_tokens_details: { cached_tokens: "3" } }],
      [GLM, { input_tokens: "4" }],
      [GLM, { input_tokens: 1, cache_read_input_tokens: -2 }],
    ],
  });
  const [nemotron, plainCached, messagesUnknown, zero] = result.priced;
  assert.equal(nemotron.usd, null);
  assert.equal(nemotron.input.usd, null);
  assert.equal(nemotron.output.usd, null);
  assert.deepEqual(nemotron.unknownPrices, ["prompt", "completion"]);
  assert.equal(nemotron.note, `cost unknown for ${NEMOTRON}: no price for prompt, completion`);
  assert.equal(plainCached.usd, null);
  assert.equal(plainCached.input.usd, "0.000005", "the known parts are still priced");
  assert.deepEqual(plainCached.cachedInput, { tokens: 50, usd: null });
  assert.deepEqual(plainCached.unknownPrices, ["input_cache_read"]);
  assert.equal(messagesUnknown.usd, null);
  assert.deepEqual(messagesUnknown.input, { tokens: 7, usd: null });
  assert.deepEqual(messagesUnknown.unknownPrices, ["prompt"], "Messages usage: only the price needed");
  assert.equal(zero.usd, "0", "a count of zero costs zero even when its price is unknown");
  assert.deepEqual(zero.unknownPrices, []);
  assert.equal(result.serverJson.usd, "0.000003", "the server's own JSON, \"\" prices, works too");
  const fields = ["usage.prompt_tokens", "usage.prompt_tokens", "usage.prompt_tokens_details.cached_tokens", "usage.input_tokens", "usage.cache_read_input_tokens"];
  result.errors.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
    assert.equal(e.isValidation, true, `${fields[i]}: ${JSON.stringify(e)}`);
    assert.equal(e.field, fields[i]);
  });
  for (const [name, e] of Object.entries(result.badModel)) assert.equal(e.isValidation, true, `model ${name}`);
});

test("_cost in the page on create() results of both protocols: the independent cost, cached tokens at the cache-read price", async () => {
  const long = "Explain gradient descent in detail, step by step, with the update rule and an example. ".repeat(6);
  const results = await run("resultCost", {
    requests: [
      { protocol: "chat", params: { model: GLM, messages: user(long) } },
      { protocol: "chat", params: { model: GLM, messages: user(long) } },
      { protocol: "chat", params: { model: V4, messages: user("Think, then answer: 2 + 2?"), max_tokens: 300 } },
      { protocol: "messages", params: { model: KIMI, max_tokens: 100, messages: user(long) } },
      { protocol: "messages", params: { model: KIMI, max_tokens: 100, messages: user(long) } },
      { protocol: "messages", params: { model: V4, max_tokens: 200, messages: user("Think, then answer: 2 + 2?") } },
    ],
  });
  for (const r of results) {
    assert.ok(r.cost, `${r.model}: _cost present`);
    assert.deepEqual(r.cost, expectedCost(r.model, r.usage), `${r.model} ${JSON.stringify(r.usage)}`);
    assert.equal(r.enumerable, false, "_cost is not enumerable");
    assert.equal(r.inJson, false, "nor in JSON");
  }
  assert.ok((results[1].usage.prompt_tokens_details?.cached_tokens ?? 0) > 0, "chat: the emulator served cached tokens");
  assert.equal(results[1].cost.cachedInput.tokens, results[1].usage.prompt_tokens_details.cached_tokens);
  assert.ok((results[2].usage.completion_tokens_details?.reasoning_tokens ?? 0) > 0, "chat: reasoning tokens, priced as output");
  assert.ok((results[4].usage.cache_read_input_tokens ?? 0) > 0, "messages: the emulator served cached tokens");
  assert.equal(results[4].cost.cachedInput.tokens, results[4].usage.cache_read_input_tokens);
  assert.deepEqual(requests(), [LIST, CHAT, CHAT, CHAT, MESSAGES, MESSAGES, MESSAGES]);
});

/**
 * Each running cost is the independent cost of its running usage, and never goes down; the
 * final result's _cost is the last one.
 * @param {any} result @param {string} model @param {number} atLeast
 */
function assertRunning(result, model, atLeast) {
  assert.ok(result.seen.length >= atLeast, `usage events: ${result.seen.length}`);
  let last = -1n;
  for (const [usage, running] of result.seen) {
    assert.ok(running, `a running cost with ${JSON.stringify(usage)}`);
    assert.deepEqual(running, expectedCost(model, usage), JSON.stringify(usage));
    const exact = independent(model, usage);
    assert.ok(exact >= last, "the running cost never goes down");
    last = exact;
  }
  assert.deepEqual(result.finalCost, result.seen.at(-1)[1]);
  assert.deepEqual(result.finalCost, expectedCost(model, result.finalUsage));
}

test('chat runner in the page: runner.on("usage", (usage, cost)) carries the running cost; such a listener loads the catalog once', async () => {
  const result = await run("runningCost", {
    protocol: "chat",
    params: { model: V4, messages: user("Why is the sky blue?"), max_tokens: 300 },
    preload: false,
    oneParam: { model: GLM, messages: user("Hi") },
  });
  assertRunning(result, V4, 4);
  assert.ok(result.finalUsage.completion_tokens_details?.reasoning_tokens > 0, "reasoning tokens, priced as output");
  assert.ok(result.oneParamCosts.length > 0);
  assert.ok(result.oneParamCosts.every((/** @type {string} */ t) => t === "undefined"), "a one-parameter listener gets no cost");
  assert.deepEqual(requests(), [LIST, CHAT, CHAT], "the catalog loaded before the first request, and not for the one-parameter listener");
});

test('messages runner in the page: runner.on("usage", (usage, cost)) carries the running cost; the final message its _cost', async () => {
  const result = await run("runningCost", {
    protocol: "messages",
    params: { model: KIMI, max_tokens: 200, messages: user("Describe a cat.") },
    preload: true,
  });
  assertRunning(result, KIMI, 2);
  emu.reset();
  const loading = await run("runningCost", {
    protocol: "messages",
    params: { model: V4, max_tokens: 200, messages: user("Why?") },
    preload: false,
    oneParam: { model: GLM, max_tokens: 50, messages: user("Hi") },
  });
  assertRunning(loading, V4, 2);
  assert.ok(loading.oneParamCosts.length > 0);
  assert.ok(loading.oneParamCosts.every((/** @type {string} */ t) => t === "undefined"));
  assert.deepEqual(requests(), [LIST, MESSAGES, MESSAGES]);
});

test("client.meter in the page over both protocols: the exact sum of independently computed costs, per model, unpriced apart", async () => {
  const ask = (/** @type {string} */ text) => user(text);
  /** @type {{ protocol: string, mode: string, params: any }[]} */
  const plan = [];
  for (let i = 0; i < 4; i++) plan.push({ protocol: "chat", mode: "create", params: { model: GLM, messages: ask(`Question number ${i}: what is ${i} squared?`) } });
  plan.push(
    { protocol: "chat", mode: "stream", params: { model: V4, messages: ask("Stream me a story") } },
    { protocol: "chat", mode: "runner", params: { model: OSS, messages: ask("Runner") } },
    { protocol: "messages", mode: "create", params: { model: GLM, max_tokens: 100, messages: ask("Messages create") } },
    { protocol: "messages", mode: "stream", params: { model: V31, max_tokens: 100, messages: ask("Messages stream") } },
    { protocol: "messages", mode: "runner", params: { model: KIMI, max_tokens: 100, messages: ask("Messages runner, a prompt long enough to be cached. ".repeat(4)) } },
    { protocol: "messages", mode: "create", params: { model: KIMI, max_tokens: 100, messages: ask("Messages runner, a prompt long enough to be cached. ".repeat(4)) } },
  );
  const result = await run("meter", { requests: plan, unpriced: { model: NEMOTRON, messages: ask("No prices yet") } });
  const zeros = { usd: "0", requests: 0, unpricedRequests: 0, complete: true, tokens: { input: 0, cachedInput: 0, output: 0 } };
  assert.deepEqual(result.empty, { ...zeros, models: {} });
  /** @type {[string, any][]} */
  const done = result.done;
  assert.equal(done.length, plan.length);
  assert.ok((done.at(-1)?.[1].cache_read_input_tokens ?? 0) > 0, "cached input among them");

  const total = done.reduce((sum, [id, usage]) => sum + independent(id, usage), 0n);
  const snapshot = result.snapshot;
  assert.equal(snapshot.usd, usdText(total));
  assert.equal(snapshot.requests, done.length + 1);
  assert.equal(snapshot.unpricedRequests, 1);
  assert.equal(snapshot.complete, false);
  const tokens = [...done, [NEMOTRON, result.unpricedUsage]].map(([, u]) => tokensOf(u));
  assert.deepEqual(snapshot.tokens, tokenTotals(tokens));
  for (const id of new Set(done.map(([m]) => m))) {
    const mine = done.filter(([m]) => m === id);
    assert.deepEqual(
      snapshot.models[id],
      {
        usd: usdText(mine.reduce((s, [, u]) => s + independent(id, u), 0n)),
        requests: mine.length,
        unpricedRequests: 0,
        complete: true,
        tokens: tokenTotals(mine.map(([, u]) => tokensOf(u))),
      },
      id,
    );
  }
  assert.equal(snapshot.models[GLM].requests, 5, "four chat and one messages request");
  assert.equal(snapshot.models[NEMOTRON].usd, "0");
  assert.equal(snapshot.models[NEMOTRON].unpricedRequests, 1);
  assert.equal(snapshot.models[NEMOTRON].complete, false);
  assert.deepEqual(Object.keys(snapshot.models).sort(), [...new Set([...done.map(([m]) => m), NEMOTRON])].sort());
  assert.deepEqual(result.getters, snapshot, "the getters agree with snapshot()");
  assert.deepEqual(result.json, snapshot, "toJSON() is the snapshot");
  assert.deepEqual(result.afterReset, { ...zeros, models: {} });
  assert.equal(count(LIST), 1);
  assert.equal(count(CHAT), 7);
  assert.equal(count(MESSAGES), 4);
});

test("no page errors across the catalog scenarios", () => {
  assert.deepEqual(pageErrors, []);
});
