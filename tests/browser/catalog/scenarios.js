// Catalog scenarios run inside the page against the web build (/js/web.js) and the emulator
// behind scripts/serve.js's /v1 proxy: client.models.list() / retrieve(), the TTL cache and
// single-flight, the capability checks of chat.completions and messages, cost(), `_cost`, the
// running cost of both runners and client.meter. Each returns plain data for page.evaluate; the
// Node side (tests/browser/catalog.test.js) makes the assertions, against the emulator's log and
// its raw JSON.
import * as mw from "/js/web.js";

const { Client, cost } = mw;

/** @param {string | null} key @param {Record<string, unknown>} [options] */
const client = (key, options = {}) => new Client({ apiKey: key, baseURL: `${location.origin}/v1`, maxRetries: 0, ...options });

/** Plain JSON of a value (drops non-enumerable fields such as _cost). @param {any} value */
const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/** What the Node side needs to know about an error. @param {any} err */
function describe(err) {
  return {
    name: err?.name ?? null,
    constructorName: err?.constructor?.name ?? null,
    isCapability: err instanceof mw.CapabilityError,
    isModelwireError: err instanceof mw.ModelwireError,
    isValidation: err instanceof mw.ValidationError,
    isAPIError: err instanceof mw.APIError,
    isNotFound: err instanceof mw.NotFoundError,
    isAbort: err instanceof mw.APIUserAbortError,
    model: err?.model ?? null,
    feature: err?.feature ?? null,
    features: err?.features ?? null,
    requested: err?.requested ?? null,
    limit: err?.limit ?? null,
    field: err?.field ?? null,
    status: err?.status ?? null,
    requestId: err?.requestId ?? null,
    message: String(err?.message),
  };
}

/** The outcome of a promise as data. @param {Promise<unknown>} promise */
const settle = (promise) => promise.then(() => ({ resolved: true }), (err) => ({ resolved: false, ...describe(err) }));

/** Clients kept between scenario calls (TTL steps). @type {Record<string, any>} */
const kept = {};

/** A usage listener that takes the running cost; records both. @param {any} runner */
function costWatch(runner) {
  /** @type {[unknown, unknown][]} */
  const seen = [];
  runner.on("usage", (/** @type {any} */ usage, /** @type {any} */ running) => seen.push([structuredClone(usage), running ?? null]));
  return seen;
}

export const scenarios = {
  // list(): the payload, its iteration, key order, and a second call (a copy from the cache).
  async list({ key }) {
    const c = client(key);
    const list = await c.models.list();
    const forOf = [...list].map((m) => m.id);
    const forAwait = [];
    for await (const m of list) forAwait.push(m.id);
    const again = await c.models.list();
    return {
      list: plain(list),
      listKeys: Object.keys(list),
      modelKeys: list.data.map((m) => Object.keys(m)),
      pricingKeys: list.data.map((m) => (m.pricing ? Object.keys(m.pricing) : null)),
      forOf,
      forAwait,
      again: plain(again),
      againIsCopy: again.data !== list.data && again.data[0] !== list.data[0],
    };
  },

  // retrieve(): by id (one request each, then cached), after list() (no request), copies,
  // an unknown id, ids that never reach the network.
  async retrieve({ key, ids, afterList, unknown, badIds }) {
    const c = client(key);
    /** @type {Record<string, unknown>} */
    const byId = {};
    for (const id of ids) byId[id] = await c.models.retrieve(id);
    const cachedAgain = plain(await c.models.retrieve(ids[0]));
    const list = await c.models.list();
    const fromList = plain(await c.models.retrieve(afterList));
    const listEntry = plain(list.data.find((m) => m.id === afterList));
    const a = await c.models.retrieve(afterList);
    /** @type {any} */ (a).pricing.prompt = "0";
    /** @type {any} */ (a).supported_features?.push("vision");
    const untouched = plain(await c.models.retrieve(afterList));
    const notFound = await settle(c.models.retrieve(unknown));
    /** @type {Record<string, unknown>} */
    const bad = {};
    for (const id of badIds) bad[JSON.stringify(id)] = await settle(c.models.retrieve(id));
    return { byId: plain(byId), cachedAgain, fromList, listEntry, untouched, notFound, bad };
  },

  // N callers of list() while its one request is held in flight by the Node side (a route
  // handler): 10, then (once the request provably waits) one with a signal that is aborted and
  // 15 more. Then 25 concurrent retrieve() on a fresh client.
  async singleFlight({ key, id }) {
    const c = client(key);
    const first = Array.from({ length: 10 }, () => c.models.list());
    await /** @type {any} */ (window).catalogHeld();
    const controller = new AbortController();
    const aborted = settle(c.models.list({ signal: controller.signal }));
    const second = Array.from({ length: 15 }, () => c.models.list());
    controller.abort();
    const abortedWhileHeld = await aborted;
    await /** @type {any} */ (window).releaseCatalog();
    const lists = await Promise.all([...first, ...second]);
    const afterwards = await c.models.list();
    const c2 = client(key);
    const models = await Promise.all(Array.from({ length: 25 }, () => c2.models.retrieve(id)));
    return {
      abortedWhileHeld,
      counts: lists.map((l) => l.data.length),
      allEqual: lists.every((l) => JSON.stringify(l) === JSON.stringify(afterwards)),
      copies: new Set(lists.map((l) => l.data)).size,
      retrieved: models.map((m) => m.id),
    };
  },

  // TTL, step 1: two list() calls with a catalogTTL; kept for the next step.
  async ttlStart({ key, ttl }) {
    const c = client(key, { catalogTTL: ttl });
    kept.ttl = c;
    const a = await c.models.list();
    const b = await c.models.list();
    return { lengths: [a.data.length, b.data.length] };
  },

  // TTL, step 2 (after the TTL passed in Node): the expired catalog still serves checks; list()
  // fetches again; retrieve() is answered by the fresh list.
  async ttlAgain({ model, body }) {
    const c = kept.ttl;
    const stale = await settle(c.chat.completions.create(body));
    const list = await c.models.list();
    const retrieved = await c.models.retrieve(model);
    return { stale, length: list.data.length, retrieved: retrieved.id };
  },

  // catalogTTL: 0 fetches on every list() (concurrent ones still share one); invalid options.
  async ttlZero({ key }) {
    const zero = client(key, { catalogTTL: 0 });
    await zero.models.list();
    await zero.models.list();
    await Promise.all([zero.models.list(), zero.models.list(), zero.models.list()]);
    /** @type {Record<string, unknown>} */
    const invalid = {};
    for (const [name, options] of /** @type {[string, any][]} */ ([
      ["catalogTTL -1", { catalogTTL: -1 }],
      ['catalogTTL "10"', { catalogTTL: "10" }],
      ['checkCapabilities "yes"', { checkCapabilities: "yes" }],
    ])) {
      try {
        client(key, options);
        invalid[name] = { resolved: true };
      } catch (err) {
        invalid[name] = describe(err);
      }
    }
    return { invalid };
  },

  // One request refused three ways (create, create stream, the runner) with the catalog loaded.
  async refused({ key, protocol, body, options = {} }) {
    const c = client(key, options);
    await c.models.list();
    /** @type {unknown[]} */
    const errorEvents = [];
    if (protocol === "chat") {
      const create = await settle(c.chat.completions.create(body));
      const stream = await settle(c.chat.completions.create({ ...body, stream: true }));
      const runner = c.chat.completions.stream(body);
      runner.on("error", (/** @type {any} */ e) => errorEvents.push(describe(e)));
      const run = await settle(runner.finalChatCompletion());
      return { create, stream, runner: run, errorEvents };
    }
    const create = await settle(c.messages.create(body));
    const stream = await settle(c.messages.create({ ...body, stream: true }));
    const runner = c.messages.stream(body);
    runner.on("error", (/** @type {any} */ e) => errorEvents.push(describe(e)));
    const run = await settle(runner.finalMessage());
    return { create, stream, runner: run, errorEvents };
  },

  // The same request with the check switched off: on the client, per request, and for the
  // runner; then switched back on per request over a client's off.
  async unchecked({ key, protocol, body }) {
    const off = client(key, { checkCapabilities: false });
    await off.models.list();
    const on = client(key);
    await on.models.list();
    if (protocol === "chat") {
      return {
        clientOff: await settle(off.chat.completions.create(body)),
        requestOff: await settle(on.chat.completions.create(body, { checkCapabilities: false })),
        runnerOff: await settle(on.chat.completions.stream(body, { checkCapabilities: false }).finalChatCompletion()),
        requestOn: await settle(off.chat.completions.create(body, { checkCapabilities: true })),
        invalid: await settle(on.chat.completions.create(body, { checkCapabilities: /** @type {any} */ ("always") })),
      };
    }
    return {
      clientOff: await settle(off.messages.create(body)),
      requestOff: await settle(on.messages.create(body, { checkCapabilities: false })),
      runnerOff: await settle(on.messages.stream(body, { checkCapabilities: false }).finalMessage()),
      requestOn: await settle(off.messages.create(body, { checkCapabilities: true })),
      invalid: await settle(on.messages.create(body, { checkCapabilities: /** @type {any} */ ("always") })),
    };
  },

  // The default: no catalog loaded, nothing checked, no catalog request; then retrieve() of the
  // model is enough to check requests for it.
  async defaultMode({ key, chat, messages, other }) {
    const c = client(key);
    const before = [await settle(c.chat.completions.create(chat)), await settle(c.messages.create(messages))];
    await c.models.retrieve(chat.model);
    const after = await settle(c.chat.completions.create(chat));
    const otherModel = await settle(c.chat.completions.create(other));
    return { before, after, otherModel };
  },

  // "fetch": concurrent first requests share one catalog load, then everything is checked;
  // per request on a default client.
  async fetchMode({ key, refusedChat, refusedMessages, okChat, okMessages }) {
    const c = client(key, { checkCapabilities: "fetch" });
    const first = await Promise.all([
      settle(c.chat.completions.create(refusedChat)),
      settle(c.messages.create(refusedMessages)),
      settle(c.chat.completions.create(okChat)),
    ]);
    const later = await settle(c.messages.create(okMessages));
    const streamed = await settle(c.messages.stream(refusedMessages).finalMessage());
    const d = client(key);
    const perRequest = await settle(d.chat.completions.create(refusedChat, { checkCapabilities: "fetch" }));
    return { first, later, streamed, perRequest };
  },

  // cost() over a corpus of usages, at the client's catalog model and at the server's own JSON.
  async costCorpus({ key, corpus }) {
    const c = client(key);
    const models = new Map((await c.models.list()).data.map((m) => [m.id, m]));
    const response = await fetch(`${location.origin}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    const raw = new Map((await response.json()).data.map((/** @type {any} */ m) => [m.id, m]));
    return corpus.map((/** @type {[string, any]} */ [id, usage]) => {
      /** @param {any} model */
      const of = (model) => {
        try {
          return cost(model, usage);
        } catch (err) {
          return describe(err);
        }
      };
      return { client: of(models.get(id)), server: of(raw.get(id)) };
    });
  },

  // cost() with unknown prices, and with usages it cannot read.
  async costEdges({ key, unknown, unreadable }) {
    const models = new Map((await client(key).models.list()).data.map((m) => [m.id, m]));
    const priced = unknown.map((/** @type {[string, any]} */ [id, usage]) => cost(models.get(id), usage));
    const serverJson = cost({ id: "x", pricing: { prompt: "", completion: "0.000001" } }, { output_tokens: 3 });
    const errors = unreadable.map((/** @type {[string, any]} */ [id, usage]) => {
      try {
        return { resolved: true, cost: cost(models.get(id), usage) };
      } catch (err) {
        return describe(err);
      }
    });
    /** @type {Record<string, unknown>} */
    const badModel = {};
    for (const [name, model] of [["null", null], ["string", "zai-org/GLM-5"]]) {
      try {
        cost(/** @type {any} */ (model), {});
        badModel[name] = { resolved: true };
      } catch (err) {
        badModel[name] = describe(err);
      }
    }
    return { priced, serverJson, errors, badModel };
  },

  // `_cost` on create() results of both protocols, the second of each pair meeting the prefix cache.
  async resultCost({ key, requests }) {
    const c = client(key);
    await c.models.list();
    const out = [];
    for (const { protocol, params } of requests) {
      const r = protocol === "chat" ? await c.chat.completions.create(params) : await c.messages.create(params);
      out.push({
        model: params.model,
        usage: plain(r.usage),
        cost: r._cost ?? null,
        enumerable: Object.keys(r).includes("_cost"),
        inJson: "_cost" in JSON.parse(JSON.stringify(r)),
      });
    }
    return out;
  },

  // The running cost of a runner through runner.on("usage", (usage, cost) => …), and what a
  // one-parameter listener gets. `preload`: list() first (else the listener loads the catalog).
  async runningCost({ key, protocol, params, preload, oneParam }) {
    const c = client(key);
    if (preload) await c.models.list();
    const runner = protocol === "chat" ? c.chat.completions.stream(params) : c.messages.stream(params);
    const seen = costWatch(runner);
    const final = protocol === "chat" ? await runner.finalChatCompletion() : await runner.finalMessage();
    let oneParamCosts = null;
    if (oneParam) {
      const d = client(key);
      /** @type {unknown[]} */
      const costs = [];
      const r2 = protocol === "chat" ? d.chat.completions.stream(oneParam) : d.messages.stream(oneParam);
      r2.on("usage", function (/** @type {unknown} */ _usage) {
        costs.push(typeof arguments[1]);
      });
      await r2.done();
      oneParamCosts = costs;
    }
    return { seen, finalUsage: plain(final.usage), finalCost: final._cost ?? null, oneParamCosts };
  },

  // client.meter over requests of both protocols (create, create stream, runner each) and one
  // unpriced model; then reset().
  async meter({ key, requests, unpriced }) {
    const c = client(key);
    await c.models.list();
    const empty = c.meter.snapshot();
    /** @type {[string, unknown][]} */
    const done = [];
    for (const { protocol, mode, params } of requests) {
      let usage;
      if (protocol === "chat") {
        if (mode === "create") usage = (await c.chat.completions.create(params)).usage;
        else if (mode === "stream") {
          const stream = await c.chat.completions.create({ ...params, stream: true });
          for await (const _ of stream);
          usage = stream.currentCompletion().usage;
        } else usage = (await c.chat.completions.stream(params).finalChatCompletion()).usage;
      } else if (mode === "create") usage = (await c.messages.create(params)).usage;
      else if (mode === "stream") {
        const stream = await c.messages.create({ ...params, stream: true });
        for await (const _ of stream);
        usage = stream.currentMessage().usage;
      } else usage = (await c.messages.stream(params).finalMessage()).usage;
      done.push([params.model, plain(usage)]);
    }
    const unpricedUsage = plain((await c.chat.completions.create(unpriced)).usage);
    const meter = c.meter;
    const getters = {
      usd: meter.usd,
      requests: meter.requests,
      unpricedRequests: meter.unpricedRequests,
      complete: meter.complete,
      tokens: meter.tokens,
      models: meter.models,
    };
    const snapshot = meter.snapshot();
    const json = JSON.parse(JSON.stringify(meter));
    meter.reset();
    return { empty, done, unpricedUsage, getters, snapshot, json, afterReset: meter.snapshot() };
  },
};

/** @type {any} */ (window).scenarios = scenarios;
/** @type {any} */ (window).modelwireExports = Object.keys(mw);
/** @type {HTMLElement} */ (document.getElementById("status")).textContent = "ready";
