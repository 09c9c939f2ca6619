// Dedicated deployments: `client.deployment(modelId, …)` and
// `client.asyncRequest(id, …)`. Every URL, id check, header, async predict
// body and error description comes from the wasm `DeploymentCore`; this file
// only does the I/O through transport.js `send` (retries, timeouts, abort).

import { APIUserAbortError, ModelwireError, StreamError, ValidationError, fromCore } from "./errors.js";
import { BodyReader, mergeHeaders, send, sleep } from "./transport.js";

/**
 * @typedef {import("../pkg/web/modelwire.js").DeploymentCore} DeploymentCore
 * @typedef {import("./index.js").DeploymentOptions} DeploymentOptions
 * @typedef {import("./index.js").AsyncRequestOptions} AsyncRequestOptions
 * @typedef {import("./index.js").RequestOptions} RequestOptions
 * @typedef {import("./index.js").PredictOptions} PredictOptions
 * @typedef {import("./index.js").SyncInit} SyncInit
 * @typedef {import("./index.js").AsyncPredictOptions} AsyncPredictOptions
 * @typedef {import("./index.js").WaitForOptions} WaitForOptions
 * @typedef {import("./index.js").AsyncRequestStatus} AsyncRequestStatus
 *
 * @typedef {object} DeployWasm
 * @property {typeof import("../pkg/web/modelwire.js").DeploymentCore} DeploymentCore
 * @property {typeof import("../pkg/web/modelwire.js").RetryLoop} RetryLoop
 * @property {typeof import("../pkg/web/modelwire.js").isTerminalAsyncStatus} isTerminalAsyncStatus
 *
 * What a deployment takes from its `Client` (the key stays private there).
 * @typedef {object} ClientContext
 * @property {string | null | undefined} apiKey
 * @property {import("./index.js").ClientOptions} options  the client's options, without the key
 * @property {import("./index.js").Client} client
 */

/** Without `authScheme`, deployments send `Api-Key`, the form in Baseten's deployment docs. */
const DEPLOYMENT_AUTH = "Api-Key";

/** @param {string} name @param {unknown} value */
function checkCount(name, value) {
  if (value === undefined) return;
  if (!(typeof value === "number" && value >= 0 && Number.isInteger(value))) {
    throw new ModelwireError(`invalid option ${name}: expected a whole number ≥ 0, got ${String(value)}`);
  }
}

/** @param {string} field @param {unknown} value @returns {number | undefined} */
function number(field, value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(`invalid ${field}: must be a whole number, got ${typeof value}`, field);
  }
  return value;
}

/** @param {() => any} make */
function core(make) {
  try {
    return make();
  } catch (err) {
    throw fromCore(err);
  }
}

/**
 * The JSON body with `_request_id` (non-enumerable) when it is an object.
 * @param {import("./transport.js").Attempt} attempt
 */
async function json(attempt) {
  attempt.release();
  const text = await attempt.response.text();
  if (text === "") return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ModelwireError(`The response is not JSON: ${text.slice(0, 200)}`, { cause });
  }
  if (value !== null && typeof value === "object") {
    Object.defineProperty(value, "_request_id", { value: attempt.requestId, enumerable: false });
  }
  return value;
}

/** A body for `fetch`, as given (no JSON encoding). @param {unknown} body */
function isRawBody(body) {
  return (
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    body instanceof URLSearchParams ||
    (typeof FormData !== "undefined" && body instanceof FormData)
  );
}

/**
 * The raw bytes of a streamed predict (not SSE: whatever the model writes),
 * as an async iterable of `Uint8Array` chunks; iterate once. Breaking out,
 * or aborting, cancels the body.
 */
export class PredictStream {
  #attempt;
  #idleTimeout;
  #used = false;

  /** @param {import("./transport.js").Attempt} attempt @param {number | undefined} idleTimeout */
  constructor(attempt, idleTimeout) {
    this.#attempt = attempt;
    this.#idleTimeout = idleTimeout;
  }

  /** Aborting it ends iteration with `APIUserAbortError`. */
  get controller() {
    return this.#attempt.controller;
  }

  get response() {
    return this.#attempt.response;
  }

  get requestId() {
    return this.#attempt.requestId;
  }

  /** @returns {AsyncGenerator<Uint8Array, void, undefined>} */
  async *[Symbol.asyncIterator]() {
    if (this.#used) throw new ModelwireError("Cannot iterate over a consumed stream; iterate once.");
    this.#used = true;
    const attempt = this.#attempt;
    const reader = new BodyReader(attempt.response, attempt.controller.signal, this.#idleTimeout);
    const fields = { headers: attempt.response.headers, requestId: attempt.requestId };
    try {
      for (;;) {
        /** @type {Uint8Array | null} */
        let chunk;
        try {
          chunk = await reader.read();
        } catch (cause) {
          if (reader.stopped === "abort") throw new APIUserAbortError();
          if (reader.stopped === "idle") {
            throw new StreamError(`No bytes for ${this.#idleTimeout} ms`, { ...fields, code: "idle_timeout", cause });
          }
          throw new StreamError("The connection was lost during the stream", { ...fields, code: "connection_lost", cause });
        }
        if (chunk === null) return;
        if (chunk.length) yield chunk;
      }
    } finally {
      reader.cancel();
      attempt.release();
    }
  }

  /**
   * The body decoded as UTF-8 text, piece by piece: a character split across
   * two network chunks comes out whole.
   * @returns {AsyncGenerator<string, void, undefined>}
   */
  async *textChunks() {
    const decoder = new TextDecoder();
    for await (const chunk of this) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  /** The whole body as text. @returns {Promise<string>} */
  async text() {
    let out = "";
    for await (const piece of this.textChunks()) out += piece;
    return out;
  }
}

/** @param {DeployWasm} wasm */
export function bindDeployments(wasm) {
  /**
   * Sends one request through the transport.
   * @param {ClientContext} ctx @param {DeploymentCore} dc
   * @param {{ url: string, method: string, body?: any, headers?: Record<string, string | null>, stream?: boolean }} req
   * @param {RequestOptions} options
   */
  function request(ctx, dc, req, options) {
    const maxRetries = options.maxRetries ?? ctx.client.maxRetries;
    const timeout = options.timeout ?? ctx.client.timeout;
    checkCount("maxRetries", maxRetries);
    checkCount("timeout", timeout);
    return send({
      core: dc,
      RetryLoop: wasm.RetryLoop,
      fetch: ctx.options.fetch,
      url: req.url,
      method: req.method,
      headers: mergeHeaders(dc.headers(), req.body === undefined ? { "content-type": null } : undefined, ctx.options.defaultHeaders, req.headers, options.headers),
      body: req.body,
      maxRetries,
      timeout,
      signal: options.signal,
      stream: !!req.stream,
    });
  }

  /**
   * @param {ClientContext} ctx @param {string} modelId @param {DeploymentOptions} options
   * @returns {DeploymentCore}
   */
  function makeCore(ctx, modelId, options) {
    const { environment, deploymentId, development = false, region, chain = false } = options;
    let env = environment ?? undefined;
    let regional = !!options.regional;
    if (typeof region === "string") {
      // `region: "eu-prod"` is the regional host of that environment.
      if (env !== undefined && env !== region) {
        throw new ValidationError("invalid region: it names the environment of a regional host; give region or environment, not both", "region");
      }
      env = region;
      regional = true;
    } else if (region === true) regional = true;
    else if (region !== undefined && region !== null && region !== false) {
      throw new ValidationError("invalid region: must be an environment name or a boolean", "region");
    }
    const base = options.baseURL ?? ctx.options.deploymentBaseURL;
    return core(
      () =>
        new wasm.DeploymentCore(
          String(modelId),
          env,
          deploymentId ?? undefined,
          !!development,
          regional,
          !!chain,
          base ?? undefined,
          ctx.apiKey ?? undefined,
          options.authScheme ?? ctx.options.authScheme ?? DEPLOYMENT_AUTH,
        ),
    );
  }

  /** `GET` / `DELETE` on `{host}/async_request/{id}`. */
  class AsyncRequest {
    #ctx;
    #dc;
    #url;

    /** @param {ClientContext} ctx @param {DeploymentCore} dc @param {string} id */
    constructor(ctx, dc, id) {
      this.#ctx = ctx;
      this.#dc = dc;
      this.#url = core(() => dc.asyncRequestUrl(String(id)));
      /** The request id. */
      this.id = String(id);
    }

    /** `{ request_id, model_id, deployment_id, status, webhook_status, created_at, status_at, errors }`. @param {RequestOptions} [options] */
    async status(options = {}) {
      return json(await request(this.#ctx, this.#dc, { url: this.#url, method: "GET" }, options));
    }

    /** `{ request_id, canceled, message }`; only a QUEUED request can be canceled (`canceled: false` otherwise). @param {RequestOptions} [options] */
    async cancel(options = {}) {
      return json(await request(this.#ctx, this.#dc, { url: this.#url, method: "DELETE" }, options));
    }

    /**
     * Polls the status until it is final (anything but QUEUED and IN_PROGRESS),
     * waiting `pollInterval` ms (default 1000) and 1.5 times longer after each
     * poll, up to `maxPollInterval` (default 10000). Resolves with the last
     * status, whatever it is (check `status`); rejects on abort or an API error.
     * @param {WaitForOptions} [options]
     * @returns {Promise<AsyncRequestStatus>}
     */
    async wait(options = {}) {
      const { pollInterval = 1000, maxPollInterval = Math.max(10000, pollInterval), onStatus, ...rest } = options;
      checkCount("pollInterval", pollInterval);
      checkCount("maxPollInterval", maxPollInterval);
      const signal = rest.signal ?? new AbortController().signal;
      let interval = pollInterval;
      for (;;) {
        const status = await this.status(rest);
        onStatus?.(status);
        if (wasm.isTerminalAsyncStatus(String(status?.status))) return status;
        await sleep(interval, signal);
        interval = Math.min(Math.ceil(interval * 1.5), maxPollInterval);
      }
    }
  }

  /** One model (or chain) deployed on Baseten, at one environment, deployment or region. */
  class Deployment {
    #ctx;
    #dc;

    /** @param {ClientContext} ctx @param {DeploymentCore} dc */
    constructor(ctx, dc) {
      this.#ctx = ctx;
      this.#dc = dc;
      /** The model (or chain) id. */
      this.id = dc.id;
      /** Where `predict` goes: the URL every other endpoint shares its prefix with. */
      this.predictURL = dc.predictUrl;
      /** `{target}/sync/v1`: an OpenAI-compatible base URL. */
      this.openaiBaseURL = dc.openaiBaseUrl;
    }

    /** `{target}/sync/{route}`, checked (no `..`, no host change). @param {string} route */
    syncURL(route) {
      return core(() => this.#dc.syncUrl(String(route)));
    }

    /**
     * `POST {target}/predict` with `input` as JSON. Resolves with the parsed
     * JSON, or with `stream: true` a `PredictStream` of the raw bytes.
     * @param {unknown} input @param {PredictOptions} [options]
     */
    async predict(input, options = {}) {
      const body = JSON.stringify(input);
      if (body === undefined) throw new ValidationError("invalid model_input: must be JSON-serialisable", "model_input");
      const stream = !!options.stream;
      const headers = stream ? { accept: "*/*" } : undefined;
      const attempt = await request(this.#ctx, this.#dc, { url: this.#dc.predictUrl, method: "POST", body, headers, stream }, options);
      if (stream) return new PredictStream(attempt, options.idleTimeout ?? this.#ctx.client.idleTimeout);
      return json(attempt);
    }

    /**
     * A route of the custom server behind the deployment: `{target}/sync/{route}`.
     * `init` is fetch's: `method` (default GET, or POST with a body), `body`
     * (a plain value is sent as JSON; a string, bytes, Blob, URLSearchParams or
     * FormData as is), `headers`; plus the request options. Resolves with the
     * 2xx `Response` (body read already unless `stream: true`); other statuses
     * reject with the typed `APIError`.
     * @param {string} route @param {SyncInit} [init]
     * @returns {Promise<Response>}
     */
    async sync(route, init = {}) {
      const url = this.syncURL(route);
      const { method, body, headers, stream, ...options } = init;
      /** @type {any} */
      let payload;
      /** @type {Record<string, string | null>} */
      const extra = {};
      if (body === undefined || body === null) payload = undefined;
      else if (isRawBody(body)) {
        payload = body;
        extra["content-type"] = null; // fetch picks it from the body, unless `headers` sets one
      } else if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) {
        throw new ModelwireError("sync: a ReadableStream body is not supported (it could not be retried); pass bytes or a Blob");
      } else payload = JSON.stringify(body);
      if (payload === undefined) extra["accept"] = "*/*";
      const attempt = await request(
        this.#ctx,
        this.#dc,
        { url, method: (method ?? (payload === undefined ? "GET" : "POST")).toUpperCase(), body: payload, headers: { ...extra, ...headers }, stream: !!stream },
        options,
      );
      if (!stream) attempt.release();
      return attempt.response;
    }

    /**
     * A `Client` rooted at `{target}/sync/v1` (Engine-Builder, vLLM, SGLang …):
     * `chat.completions` works unchanged; `model` is the served model name.
     * @param {import("./index.js").ClientOptions} [options]
     */
    openai(options = {}) {
      return this.#ctx.client.withOptions({ authScheme: this.#authScheme(), ...options, baseURL: this.openaiBaseURL });
    }

    #authScheme() {
      return /** @type {"Bearer" | "Api-Key"} */ (this.#ctx.options.authScheme ?? DEPLOYMENT_AUTH);
    }

    /**
     * `POST {target}/async_predict`: queues `input`; resolves with the request id.
     * The bounds (priority 0–2, queue time 10–259200 s, retry config, HTTPS
     * webhook, 256 KiB) are checked before sending.
     * @param {Record<string, unknown>} input @param {AsyncPredictOptions} [options]
     * @returns {Promise<string>}
     */
    async asyncPredict(input, options = {}) {
      const { webhookEndpoint, priority, maxTimeInQueueSeconds, inferenceRetryConfig: rc, allowHttpLoopbackWebhook = false, ...rest } = options;
      const body = core(() =>
        this.#dc.asyncPredictBody(
          JSON.stringify(input) ?? "null",
          webhookEndpoint ?? undefined,
          number("priority", priority),
          number("max_time_in_queue_seconds", maxTimeInQueueSeconds),
          number("inference_retry_config.max_attempts", rc?.maxAttempts),
          number("inference_retry_config.initial_delay_ms", rc?.initialDelayMs),
          number("inference_retry_config.max_delay_ms", rc?.maxDelayMs),
          rc !== undefined && rc !== null,
          !!allowHttpLoopbackWebhook,
        ),
      );
      const result = await json(await request(this.#ctx, this.#dc, { url: this.#dc.asyncPredictUrl, method: "POST", body }, rest));
      const id = result?.request_id;
      if (typeof id !== "string") throw new ModelwireError("async_predict answered without a request_id");
      return id;
    }

    /** `GET {target}/async_queue_status`: `{ model_id, deployment_id, num_queued_requests, num_in_progress_requests }`. @param {RequestOptions} [options] */
    async queueStatus(options = {}) {
      return json(await request(this.#ctx, this.#dc, { url: this.#dc.asyncQueueStatusUrl, method: "GET" }, options));
    }

    /** `POST {target}/wake`: starts a deployment scaled to zero; resolves with the body (`null` when empty). @param {RequestOptions} [options] */
    async wake(options = {}) {
      return json(await request(this.#ctx, this.#dc, { url: this.#dc.wakeUrl, method: "POST", body: undefined }, options));
    }

    /** An async request of this model, by id (checked before any request). @param {string} requestId */
    asyncRequest(requestId) {
      return new AsyncRequest(this.#ctx, this.#dc, requestId);
    }

    /** Polls an async request until its status is final; see `AsyncRequest.wait`. @param {string} requestId @param {WaitForOptions} [options] */
    waitFor(requestId, options) {
      return this.asyncRequest(requestId).wait(options);
    }
  }

  return {
    Deployment,
    AsyncRequest,
    /** @param {ClientContext} ctx @param {string} modelId @param {DeploymentOptions} [options] */
    deployment(ctx, modelId, options = {}) {
      return new Deployment(ctx, makeCore(ctx, modelId, options));
    },
    /** @param {ClientContext} ctx @param {string} requestId @param {AsyncRequestOptions} options */
    asyncRequest(ctx, requestId, options) {
      const { modelId, ...rest } = options ?? /** @type {AsyncRequestOptions} */ ({});
      if (modelId === undefined || modelId === null) {
        throw new ValidationError("invalid model_id: async requests live on the model's host; pass { modelId }", "model_id");
      }
      return new AsyncRequest(ctx, makeCore(ctx, modelId, rest), requestId);
    },
  };
}
