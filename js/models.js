// `client.models` (the `/v1/models` catalog: list / retrieve, cached with a
// TTL, one request in flight however many callers ask), the capability check
// before a request, costs and the client's meter. Parsing, prices, checks and
// sums are the wasm `CatalogCore`'s; this file does the I/O and the cache.

import { APIUserAbortError, ModelwireError, ValidationError, fromCore } from "./errors.js";
import { mergeHeaders, send } from "./transport.js";

/** How long a loaded catalog is reused by `list()` / `retrieve()` (and by `checkCapabilities: "fetch"`). */
export const DEFAULT_CATALOG_TTL_MS = 10 * 60 * 1000;
/** After `checkCapabilities: "fetch"` failed to load the catalog, requests go unchecked this long before it is tried again. */
const FAILED_LOAD_PAUSE_MS = 30 * 1000;

/**
 * @typedef {import("../pkg/web/modelwire.js").CatalogCore} CatalogCore
 * @typedef {import("../pkg/web/modelwire.js").ClientCore} ClientCore
 * @typedef {import("../pkg/web/modelwire.js").RequestSummary} RequestSummary
 * @typedef {import("./index.js").ClientOptions} ClientOptions
 * @typedef {import("./index.js").RequestOptions} RequestOptions
 * @typedef {import("./models-types.js").CatalogModel} CatalogModel
 * @typedef {import("./models-types.js").Cost} Cost
 *
 * @typedef {object} ModelsContext
 * @property {ClientCore} core
 * @property {{ new (): CatalogCore }} CatalogCore
 * @property {import("./transport.js").Exchange["RetryLoop"]} RetryLoop
 * @property {ClientOptions} options  the client's options (no key)
 * @property {{ maxRetries: number, timeout: number }} client
 */

/** @param {unknown} mode */
function checkMode(mode, name = "checkCapabilities") {
  if (mode === undefined || mode === true || mode === false || mode === "fetch") return;
  throw new ModelwireError(`invalid option ${name}: expected true, false or "fetch", got ${String(mode)}`);
}

/**
 * `/models/{id}`: each `/`-separated part percent-encoded, so an id stays one path.
 * @param {unknown} id
 */
function modelPath(id) {
  if (typeof id !== "string" || id === "") throw new ValidationError("invalid model id: must be a non-empty string", "id");
  const parts = id.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new ValidationError("invalid model id: empty, `.` or `..` path segment", "id");
  }
  return "/models/" + parts.map(encodeURIComponent).join("/");
}

/**
 * Resolves as `promise` does, or rejects with `APIUserAbortError` when `signal`
 * aborts first (the shared request goes on for the other callers).
 * @template T @param {Promise<T>} promise @param {AbortSignal | null | undefined} signal
 * @returns {Promise<T>}
 */
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new APIUserAbortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new APIUserAbortError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * `{ object: "list", data }`, iterable (also with `for await`) over its models.
 * @param {CatalogModel[]} data
 */
function listOf(data) {
  const list = { object: /** @type {const} */ ("list"), data };
  Object.defineProperty(list, Symbol.iterator, { value: () => data[Symbol.iterator]() });
  Object.defineProperty(list, Symbol.asyncIterator, {
    value: async function* () {
      yield* data;
    },
  });
  return /** @type {import("./models-types.js").ModelList} */ (/** @type {unknown} */ (list));
}

/**
 * Adds the non-enumerable `_cost` (as `_request_id`).
 * @template {object} T @param {T} value @param {Cost | null} cost
 */
export function withCost(value, cost) {
  if (value && typeof value === "object") Object.defineProperty(value, "_cost", { value: cost, enumerable: false, configurable: true });
  return value;
}

/** `client.meter`: the exact total of every request this client made (see `models-types.d.ts`). */
export class Meter {
  #core;

  /** @param {CatalogCore} core */
  constructor(core) {
    this.#core = core;
  }

  /** Everything at once, as a plain object. */
  snapshot() {
    return /** @type {import("./models-types.js").MeterSnapshot} */ (JSON.parse(this.#core.meterJson()));
  }

  get usd() {
    return this.snapshot().usd;
  }

  get requests() {
    return this.snapshot().requests;
  }

  get unpricedRequests() {
    return this.snapshot().unpricedRequests;
  }

  get complete() {
    return this.snapshot().complete;
  }

  get tokens() {
    return this.snapshot().tokens;
  }

  get models() {
    return this.snapshot().models;
  }

  reset() {
    this.#core.resetMeter();
  }

  toJSON() {
    return this.snapshot();
  }
}

export class Models {
  /** @type {ModelsContext} */
  #ctx;
  /** @type {CatalogCore} */
  #catalog;
  #ttl;
  /** @type {{ models: CatalogModel[], at: number } | null} */
  #list = null;
  /** @type {Promise<CatalogModel[]> | null} */
  #listFlight = null;
  /** @type {Map<string, { model: CatalogModel, at: number }>} retrieved one by one */
  #singles = new Map();
  /** @type {Map<string, Promise<CatalogModel>>} */
  #singleFlights = new Map();
  #failedAt = -Infinity;
  /** @type {Meter} */
  meter;

  /** @param {ModelsContext} ctx */
  constructor(ctx) {
    const { catalogTTL = DEFAULT_CATALOG_TTL_MS, checkCapabilities } = ctx.options;
    if (!(typeof catalogTTL === "number" && catalogTTL >= 0)) {
      throw new ModelwireError(`invalid option catalogTTL: expected milliseconds ≥ 0 (or Infinity), got ${String(catalogTTL)}`);
    }
    checkMode(checkCapabilities);
    this.#ctx = ctx;
    this.#ttl = catalogTTL;
    this.#catalog = new ctx.CatalogCore();
    this.meter = new Meter(this.#catalog);
  }

  /**
   * Every model of `GET {baseURL}/models`, from the cache while it is fresh.
   * @param {RequestOptions} [options]
   */
  async list(options = {}) {
    const models = await abortable(this.#loadList(options), options.signal);
    return listOf(structuredClone(models));
  }

  /**
   * One model: from a fresh cached list when it has it, else
   * `GET {baseURL}/models/{id}` (cached too).
   * @param {string} id @param {RequestOptions} [options]
   * @returns {Promise<CatalogModel>}
   */
  async retrieve(id, options = {}) {
    const path = modelPath(id);
    const cached = this.#cached(id);
    if (cached) return structuredClone(cached);
    let flight = this.#singleFlights.get(id);
    if (!flight) {
      flight = this.#get(path, options)
        .then((text) => {
          const model = /** @type {CatalogModel} */ (JSON.parse(this.#core((c) => c.loadModel(text))));
          this.#singles.set(id, { model, at: Date.now() });
          return model;
        })
        .finally(() => this.#singleFlights.delete(id));
      this.#singleFlights.set(id, flight);
    }
    return structuredClone(await abortable(flight, options.signal));
  }

  /** @param {string} id */
  #cached(id) {
    if (this.#fresh(this.#list)) {
      const model = /** @type {{ models: CatalogModel[] }} */ (this.#list).models.find((m) => m.id === id);
      if (model) return model;
    }
    const single = this.#singles.get(id);
    return this.#fresh(single) ? single?.model : undefined;
  }

  /** @param {{ at: number } | null | undefined} entry */
  #fresh(entry) {
    return !!entry && Date.now() - entry.at < this.#ttl;
  }

  /** @param {RequestOptions} options @returns {Promise<CatalogModel[]>} */
  #loadList(options) {
    if (this.#fresh(this.#list)) return Promise.resolve(/** @type {{ models: CatalogModel[] }} */ (this.#list).models);
    this.#listFlight ??= this.#get("/models", options)
      .then((text) => {
        const models = /** @type {CatalogModel[]} */ (JSON.parse(this.#core((c) => c.loadList(text))));
        // The list replaced the catalog: models retrieved one by one are in it or gone.
        this.#singles.clear();
        this.#list = { models, at: Date.now() };
        return models;
      })
      .finally(() => {
        this.#listFlight = null;
      });
    return this.#listFlight;
  }

  /**
   * A wasm call whose error becomes its class.
   * @template T @param {(core: CatalogCore) => T} call
   */
  #core(call) {
    try {
      return call(this.#catalog);
    } catch (err) {
      throw fromCore(err);
    }
  }

  /**
   * One GET through the transport (retries, timeouts, typed errors). The
   * request is shared, so it carries no caller's signal.
   * @param {string} path @param {RequestOptions} options
   */
  async #get(path, options) {
    const { core, RetryLoop, options: clientOptions, client } = this.#ctx;
    /** @type {import("../pkg/web/modelwire.js").PreparedRequest} */
    let prepared;
    try {
      prepared = core.prepareGet(path);
    } catch (err) {
      throw fromCore(err);
    }
    const attempt = await send({
      core,
      RetryLoop,
      fetch: clientOptions.fetch,
      url: prepared.url,
      headers: mergeHeaders(prepared.headers, clientOptions.defaultHeaders, options.headers),
      body: undefined,
      method: "GET",
      maxRetries: options.maxRetries ?? client.maxRetries,
      timeout: options.timeout ?? client.timeout,
      signal: null,
      stream: false,
    });
    attempt.release();
    return attempt.response.text();
  }

  /**
   * Loads the catalog unless one is fresh (or a load failed a moment ago);
   * never fails but for the caller's abort.
   * @param {AbortSignal | null | undefined} signal
   */
  async _ensure(signal) {
    if (this.#fresh(this.#list) || Date.now() - this.#failedAt < FAILED_LOAD_PAUSE_MS) return;
    try {
      await abortable(this.#loadList({}), signal);
    } catch (err) {
      if (err instanceof APIUserAbortError) throw err;
      this.#failedAt = Date.now();
    }
  }

  /**
   * Before a request: throws `CapabilityError` when the catalog has the
   * model and it lacks what the request uses.
   * @param {RequestSummary | undefined} summary @param {RequestOptions} options
   * @param {AbortSignal | null | undefined} signal
   */
  async _check(summary, options, signal) {
    const mode = options.checkCapabilities ?? this.#ctx.options.checkCapabilities ?? true;
    checkMode(mode);
    if (mode === false || !summary) return;
    if (mode === "fetch") await this._ensure(signal);
    this.#core((c) => c.check(summary));
  }

  /**
   * The cost of a usage object at `model`'s prices, `null` when the catalog
   * lacks the model or the usage cannot be read.
   * @param {string} model @param {unknown} usage @returns {Cost | null}
   */
  _cost(model, usage) {
    if (!usage || typeof usage !== "object") return null;
    try {
      const text = this.#catalog.cost(model, JSON.stringify(usage));
      return text === undefined ? null : JSON.parse(text);
    } catch {
      return null;
    }
  }

  /**
   * Adds a finished request (its response body or accumulated result, as
   * JSON text) to the meter; its cost, or `null` when it had no usage.
   * @param {string | undefined} model @param {string} response @returns {Cost | null}
   */
  _record(model, response) {
    if (!model) return null;
    try {
      const text = this.#catalog.recordResponse(model, response);
      return text === undefined ? null : JSON.parse(text);
    } catch {
      return null;
    }
  }
}

/**
 * The pure `cost(model, usage)` export over the wasm `modelCost`.
 * @param {(model: string, usage: string) => string} modelCost
 */
export function makeCost(modelCost) {
  /** @param {CatalogModel | Record<string, unknown>} model @param {object} usage @returns {Cost} */
  return function cost(model, usage) {
    if (!model || typeof model !== "object") throw new ValidationError("invalid model: expected a catalog model object", "model");
    if (!usage || typeof usage !== "object") throw new ValidationError("invalid usage: expected a usage object", "usage");
    try {
      return JSON.parse(modelCost(JSON.stringify(model), JSON.stringify(usage)));
    } catch (err) {
      throw fromCore(err);
    }
  };
}
