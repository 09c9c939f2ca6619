// Cost: the pure cost(model, usage) on a corpus of usage objects checked
// against hand-computed values (both protocols, cached tokens at the cache
// read price, reasoning as output, unknown prices); `_cost` on results; the
// running cost of both runners; and client.meter totalling requests exactly
// (checked against an independent BigInt sum).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { APIUserAbortError, ValidationError, cost } from "modelwire";
import { GLM, KIMI, NEMOTRON, PLAIN, V31, client, countingFetch, emulator, expected, tokenTotals, tokensOf, usdText } from "./helpers.js";
import { CORPUS, OSS, V4 } from "./cases.js";


/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
/** @type {Map<string, any>} */
let models;
before(async () => {
  emu = await emulator();
  models = new Map((await client(emu).models.list()).data.map((m) => [m.id, m]));
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
});

/** The exact cost of a usage at a model's prices, computed here. @param {string} id @param {any} usage */
const independent = (id, usage) => expected(models.get(id).pricing, tokensOf(usage));


test("cost(model, usage) on the corpus equals the hand-computed values, for both protocols", () => {
  for (const [id, usage, usd, input, cached, output] of CORPUS) {
    const c = cost(models.get(/** @type {string} */ (id)), /** @type {any} */ (usage));
    const label = `${id} ${JSON.stringify(usage)}`;
    assert.equal(c.model, id);
    assert.equal(c.usd, usd, label);
    assert.equal(c.input.usd, input, label);
    assert.equal(c.cachedInput.usd, cached, label);
    assert.equal(c.output.usd, output, label);
    assert.deepEqual(c.unknownPrices, []);
    assert.equal(c.note, null);
    assert.equal(c.usd, usdText(independent(/** @type {string} */ (id), usage)), `independent check: ${label}`);
  }
  const glm = cost(models.get(GLM), CORPUS[0][1]);
  assert.deepEqual(glm, {
    model: GLM,
    usd: "0.00098",
    input: { tokens: 200, usd: "0.00019" },
    cachedInput: { tokens: 800, usd: "0.00016" },
    output: { tokens: 200, usd: "0.00063" },
    unknownPrices: [],
    note: null,
  });
});

test("unknown prices are never zero: usd is null, with the prices missing and why", () => {
  const nemotron = cost(models.get(NEMOTRON), { prompt_tokens: 10, completion_tokens: 10 });
  assert.equal(nemotron.usd, null);
  assert.equal(nemotron.input.usd, null);
  assert.deepEqual(nemotron.unknownPrices, ["prompt", "completion"]);
  assert.equal(nemotron.note, `cost unknown for ${NEMOTRON}: no price for prompt, completion`);
  const plain = cost(models.get(PLAIN), { prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } });
  assert.equal(plain.usd, null);
  assert.equal(plain.input.usd, "0.000005", "the known parts are still priced");
  assert.deepEqual(plain.unknownPrices, ["input_cache_read"]);
  // The server's own JSON works too ("" prices).
  assert.equal(cost({ id: "x", pricing: { prompt: "", completion: "0.000001" } }, { output_tokens: 3 }).usd, "0.000003");
});

test("unreadable usage is a ValidationError naming the field", () => {
  for (const [usage, field] of [
    [{ prompt_tokens: -1 }, "usage.prompt_tokens"],
    [{ prompt_tokens: 1.5 }, "usage.prompt_tokens"],
    [{ prompt_tokens: 1, prompt_tokens_details: { cached_tokens: "3" } }, "usage.prompt_tokens_details.cached_tokens"],
    [{ input_tokens: "4" }, "usage.input_tokens"],
  ]) {
    assert.throws(
      () => cost(models.get(GLM), /** @type {any} */ (usage)),
      (e) => e instanceof ValidationError && e.field === field,
      JSON.stringify(usage),
    );
  }
  assert.throws(() => cost(/** @type {any} */ (null), {}), ValidationError);
});

test("create(): a non-enumerable _cost at the loaded catalog's prices, cached prompt tokens at the cache price", async () => {
  const c = client(emu);
  await c.models.list();
  const messages = [{ role: "user", content: "Explain gradient descent in detail, step by step, with the update rule and an example. ".repeat(6) }];
  const first = await c.chat.completions.create({ model: GLM, messages });
  const second = await c.chat.completions.create({ model: GLM, messages });
  assert.ok(!Object.keys(first).includes("_cost"));
  assert.equal(JSON.parse(JSON.stringify(first))._cost, undefined);
  for (const r of [first, second]) {
    assert.equal(r._cost?.usd, usdText(independent(GLM, r.usage)));
    assert.deepEqual(r._cost, cost(models.get(GLM), r.usage));
  }
  assert.ok((second.usage.prompt_tokens_details?.cached_tokens ?? 0) > 0, "the emulator served cached tokens");
  assert.equal(second._cost?.cachedInput.tokens, second.usage.prompt_tokens_details?.cached_tokens);

  const msg = await c.messages.create({ model: V4, max_tokens: 200, messages: [{ role: "user", content: "Think, then answer: 2 + 2?" }] });
  assert.equal(msg._cost?.usd, usdText(independent(V4, msg.usage)));
  assert.ok(msg.usage.output_tokens > 0);
});

test("chat runner: usage events carry the running cost; the listener loads the catalog once", async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch });
  /** @type {[any, any][]} */
  const seen = [];
  const runner = c.chat.completions.stream({ model: V4, messages: [{ role: "user", content: "Why is the sky blue?" }], max_tokens: 300 });
  runner.on("usage", (usage, running) => seen.push([structuredClone(usage), running]));
  const final = await runner.finalChatCompletion();
  assert.equal(counter.count("GET /v1/models"), 1, "loaded for the cost listener");
  assert.ok(seen.length > 3, `usage on every chunk (${seen.length})`);
  let last = 0n;
  for (const [usage, running] of seen) {
    const exact = independent(V4, usage);
    assert.equal(running?.usd, usdText(exact));
    assert.ok(exact >= last, "the running cost never goes down");
    last = exact;
  }
  assert.ok(final.usage?.completion_tokens_details?.reasoning_tokens, "reasoning tokens, priced as output");
  assert.deepEqual(final._cost, seen.at(-1)?.[1]);
  assert.equal(final._cost?.usd, usdText(independent(V4, final.usage)));

  // A listener without the cost argument asks for nothing.
  const d = client(emu, { fetch: counter.fetch });
  /** @type {unknown[]} */
  const costs = [];
  const r2 = d.chat.completions.stream({ model: GLM, messages: [{ role: "user", content: "Hi" }] });
  r2.on("usage", function (usage) {
    costs.push(arguments[1]);
  });
  await r2.done();
  assert.equal(counter.count("GET /v1/models"), 1);
  assert.ok(costs.every((x) => x === undefined));
});

test("messages runner: usage events carry the running cost, the final message its _cost", async () => {
  const c = client(emu);
  await c.models.list();
  /** @type {[any, any][]} */
  const seen = [];
  const runner = c.messages.stream({ model: KIMI, max_tokens: 200, messages: [{ role: "user", content: "Describe a cat." }] });
  runner.on("usage", (usage, running) => seen.push([structuredClone(usage), running]));
  const final = await runner.finalMessage();
  assert.ok(seen.length >= 2);
  for (const [usage, running] of seen) assert.equal(running?.usd, usdText(independent(KIMI, usage)));
  assert.deepEqual(final._cost, seen.at(-1)?.[1]);
  assert.equal(final._cost?.usd, usdText(independent(KIMI, final.usage)));
});

test("client.meter totals every request exactly, per model, priced and unpriced", async () => {
  const c = client(emu);
  await c.models.list();
  assert.deepEqual(c.meter.snapshot(), { usd: "0", requests: 0, unpricedRequests: 0, complete: true, tokens: { input: 0, cachedInput: 0, output: 0 }, models: {} });
  /** @type {[string, any][]} */
  const done = [];
  const ask = (/** @type {string} */ text) => [{ role: "user", content: text }];
  for (let i = 0; i < 12; i++) {
    const r = await c.chat.completions.create({ model: GLM, messages: ask(`Question number ${i}: what is ${i} squared?`) });
    done.push([GLM, r.usage]);
  }
  const stream = await c.chat.completions.create({ model: V4, messages: ask("Stream me a story"), stream: true });
  for await (const _ of stream);
  done.push([V4, stream.currentCompletion().usage]);
  const runner = c.chat.completions.stream({ model: OSS, messages: ask("Runner") });
  done.push([OSS, (await runner.finalChatCompletion()).usage]);
  const m1 = await c.messages.create({ model: GLM, max_tokens: 100, messages: ask("Messages create") });
  done.push([GLM, m1.usage]);
  const events = await c.messages.create({ model: V31, max_tokens: 100, messages: ask("Messages stream"), stream: true });
  for await (const _ of events);
  done.push([V31, events.currentMessage().usage]);
  const m2 = await c.messages.stream({ model: KIMI, max_tokens: 100, messages: ask("Messages runner") }).finalMessage();
  done.push([KIMI, m2.usage]);
  const unpriced = await c.chat.completions.create({ model: NEMOTRON, messages: ask("No prices yet") });

  const total = done.reduce((sum, [id, usage]) => sum + independent(id, usage), 0n);
  const meter = c.meter;
  assert.equal(meter.usd, usdText(total));
  assert.equal(meter.requests, done.length + 1);
  assert.equal(meter.unpricedRequests, 1);
  assert.equal(meter.complete, false);
  const tokens = [...done, [NEMOTRON, unpriced.usage]].map(([, u]) => tokensOf(u));
  assert.deepEqual(meter.tokens, tokenTotals(tokens));
  const glmTotal = done.filter(([id]) => id === GLM).reduce((s, [id, u]) => s + independent(id, u), 0n);
  assert.equal(meter.models[GLM].usd, usdText(glmTotal));
  assert.equal(meter.models[GLM].requests, 13);
  assert.equal(meter.models[NEMOTRON].usd, "0");
  assert.equal(meter.models[NEMOTRON].unpricedRequests, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(meter)), meter.snapshot());
  // Floats would drift on this sum; the meter's text is exact (same as the BigInt sum above).
  meter.reset();
  assert.equal(meter.usd, "0");
  assert.equal(meter.requests, 0);
});

test("meter: a request finished without the catalog counts as unpriced; an aborted stream counts the usage that arrived", async () => {
  const c = client(emu);
  await c.chat.completions.create({ model: GLM, messages: [{ role: "user", content: "Hi" }] });
  assert.equal(c.meter.requests, 1);
  assert.equal(c.meter.unpricedRequests, 1);
  assert.equal(c.meter.usd, "0");
  assert.ok(c.meter.tokens.output > 0);

  await c.models.list();
  c.meter.reset();
  emu.configure({ streamDelayMs: 5 });
  const runner = c.chat.completions.stream({ model: GLM, messages: [{ role: "user", content: "Tell me a long story." }], max_tokens: 400 });
  runner.on("content", () => runner.abort());
  const err = await runner.finalChatCompletion().then(
    () => assert.fail("expected an abort"),
    (e) => e,
  );
  assert.ok(err instanceof APIUserAbortError);
  assert.equal(c.meter.requests, 1);
  assert.equal(c.meter.tokens.output, err.partial.usage.completion_tokens);
  assert.equal(c.meter.usd, usdText(independent(GLM, err.partial.usage)));
});
