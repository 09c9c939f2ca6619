// `Client`: openai-node's surface for Chat Completions and @anthropic-ai/sdk's
// for Messages, over the wasm core. This file only wires options to the core
// and the transport; validation, URLs, headers, retry decisions, error
// parsing and accumulation are wasm.

import { ChatCompletionStream } from "./chat-runner.js";
import { convertRequest, convertResponse, wireProtocol } from "./convert.js";
import { bindDeployments } from "./deployment.js";
import { ModelwireError, fromCore } from "./errors.js";
import { MessageStream } from "./messages-runner.js";
import { Models, withCost } from "./models.js";
import { Pump } from "./pump.js";
import { Stream } from "./stream.js";
import { mergeHeaders, send } from "./transport.js";

export const DEFAULT_BASE_URL = "https://inference.baseten.co/v1";
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The wasm exports the client needs.
 * @typedef {object} Wasm
 * @property {typeof import("../pkg/web/modelwire.js").ClientCore} ClientCore
 * @property {typeof import("../pkg/web/modelwire.js").RetryLoop} RetryLoop
 * @property {typeof import("../pkg/web/modelwire.js").PartialJson} PartialJson
 * @property {typeof import("../pkg/web/modelwire.js").CatalogCore} CatalogCore
 * @property {typeof import("../pkg/web/modelwire.js").convertBody} convertBody
 * @property {typeof import("../pkg/web/modelwire.js").EventConverter} EventConverter
 * @property {typeof import("../pkg/web/modelwire.js").DeploymentCore} DeploymentCore
 * @property {typeof import("../pkg/web/modelwire.js").isTerminalAsyncStatus} isTerminalAsyncStatus
 */

/**
 * @typedef {import("./index.js").ClientOptions} ClientOptions
 * @typedef {import("./index.js").RequestOptions} RequestOptions
 * @typedef {import("../pkg/web/modelwire.js").ClientCore} ClientCore
 */

/** @param {string} name @param {unknown} value @param {boolean} [allowInfinity] */
function checkCount(name, value, allowInfinity = false) {
  if (value === undefined) return;
  const ok = typeof value === "number" && value >= 0 && (Number.isInteger(value) || (allowInfinity && value === Infinity));
  if (!ok) throw new ModelwireError(`invalid option ${name}: expected a whole number ≥ 0, got ${String(value)}`);
}

/**
 * Adds `_request_id` (non-enumerable, as openai-node does).
 * @template {object} T @param {T} value @param {string | null} id
 */
function withRequestId(value, id) {
  Object.defineProperty(value, "_request_id", { value: id, enumerable: false });
  return value;
}

/** @param {unknown} text */
function parseBody(text) {
  try {
    return JSON.parse(/** @type {string} */ (text));
  } catch (cause) {
    throw new ModelwireError(`The response is not JSON: ${String(text).slice(0, 200)}`, { cause });
  }
}

/**
 * A `usage` listener that takes the cost (its second argument): the catalog
 * is loaded for it before the request, if not yet.
 * @param {import("./runner.js").Runner} runner
 */
const wantsCost = (runner) => runner._listeners("usage").some((l) => l.length > 1);

/** The two protocols, as the client drives them. */
const PROTOCOLS = {
  chat: {
    /** @param {ClientCore} core @param {string} body */
    prepare: (core, body) => core.prepareChat(body),
    /** @param {ClientCore} core */
    stream: (core) => core.chatStream(),
    /** @param {ClientCore} core  a /messages body read as this protocol (the `protocol` option) */
    via: (core) => core.chatStreamFromMessages(),
    /** @param {any} wasm */
    snapshot: (wasm) => wasm.completionJson(),
  },
  messages: {
    /** @param {ClientCore} core @param {string} body */
    prepare: (core, body) => core.prepareMessages(body),
    /** @param {ClientCore} core */
    stream: (core) => core.messagesStream(),
    /** @param {ClientCore} core  a /chat/completions body read as this protocol */
    via: (core) => core.messagesStreamFromChat(),
    /** @param {any} wasm */
    snapshot: (wasm) => wasm.messageJson(),
  },
};

/** @param {Wasm} wasm */
export function bindClient(wasm) {
  const makeParser = () => new wasm.PartialJson();
  const deployments = bindDeployments(wasm);

  class Client {
    /** @type {ClientCore} */
    #core;
    /** @type {ClientOptions} */
    #options;
    /** @type {string | null | undefined} */
    #apiKey;

    /** @param {ClientOptions} [options] */
    constructor(options = {}) {
      const { maxRetries = 2, timeout = DEFAULT_TIMEOUT_MS, idleTimeout } = options;
      checkCount("maxRetries", maxRetries);
      checkCount("timeout", timeout);
      checkCount("idleTimeout", idleTimeout, true);
      wireProtocol("chat", options.protocol);
      try {
        this.#core = new wasm.ClientCore(options.baseURL ?? DEFAULT_BASE_URL, options.apiKey ?? undefined, options.authScheme ?? "Bearer");
      } catch (err) {
        throw fromCore(err);
      }
      this.#options = { ...options, apiKey: undefined };
      // Kept private (for withOptions); requests take it from the core.
      this.#apiKey = options.apiKey;
      this.baseURL = this.#core.baseURL;
      this.maxRetries = maxRetries;
      this.timeout = timeout;
      this.idleTimeout = idleTimeout;
      this.chat = Object.freeze({ completions: new Completions(this) });
      this.messages = new Messages(this);
      // The catalog, capability checks and the meter (js/models.js).
      this.models = new Models({ core: this.#core, CatalogCore: wasm.CatalogCore, RetryLoop: wasm.RetryLoop, options: this.#options, client: this });
      this.meter = this.models.meter;
    }

    /** @param {ClientOptions} options */
    withOptions(options) {
      return new Client({ ...this.#options, apiKey: this.#apiKey, ...options });
    }

    /**
     * A dedicated deployment (`js/deployment.js`).
     * @param {string} modelId @param {import("./index.js").DeploymentOptions} [options]
     */
    deployment(modelId, options) {
      return deployments.deployment({ apiKey: this.#apiKey, options: this.#options, client: this }, modelId, options);
    }

    /**
     * An async request by id, on its model's host.
     * @param {string} requestId @param {import("./index.js").AsyncRequestOptions} options
     */
    asyncRequest(requestId, options) {
      return deployments.asyncRequest({ apiKey: this.#apiKey, options: this.#options, client: this }, requestId, options);
    }

    toJSON() {
      return { baseURL: this.baseURL, maxRetries: this.maxRetries, timeout: this.timeout, idleTimeout: this.idleTimeout };
    }

    /**
     * Validates and sends a body; resolves once a 2xx response arrived.
     * @param {"chat" | "messages"} protocol @param {any} params @param {RequestOptions} options
     * @param {AbortSignal | null} [signal]
     */
    async _send(protocol, params, options, signal) {
      let body = JSON.stringify(params);
      /** @type {import("../pkg/web/modelwire.js").PreparedRequest} */
      let prepared;
      try {
        prepared = PROTOCOLS[protocol].prepare(this.#core, body);
      } catch (err) {
        throw fromCore(err);
      }
      // The `protocol` option: validated in the caller's shape (above), then
      // converted and sent to the other endpoint.
      const wire = wireProtocol(protocol, options.protocol ?? this.#options.protocol);
      /** @type {import("./convert-types.js").Conversion | null} */
      let conversion = null;
      if (wire !== protocol) {
        const strict = options.strictConversion ?? this.#options.strictConversion;
        ({ params, conversion } = convertRequest(wasm, protocol, wire, params, strict));
        body = JSON.stringify(params);
        try {
          prepared = PROTOCOLS[wire].prepare(this.#core, body);
        } catch (err) {
          throw fromCore(err);
        }
      }
      // What is sent, against the catalog (when loaded): CapabilityError before any request.
      await this.models._check(prepared.summary, options, signal ?? options.signal);
      const maxRetries = options.maxRetries ?? this.maxRetries;
      const timeout = options.timeout ?? this.timeout;
      checkCount("maxRetries", maxRetries);
      checkCount("timeout", timeout);
      const attempt = await send({
        core: this.#core,
        RetryLoop: wasm.RetryLoop,
        fetch: this.#options.fetch,
        url: prepared.url,
        headers: mergeHeaders(prepared.headers, this.#options.defaultHeaders, options.headers),
        body,
        maxRetries,
        timeout,
        signal: signal ?? options.signal,
        stream: prepared.stream,
      });
      return { attempt, stream: prepared.stream, conversion, model: prepared.summary?.model };
    }

    /**
     * A pump over a streamed response.
     * @param {"chat" | "messages"} protocol @param {import("./transport.js").Attempt} attempt
     * @param {RequestOptions} options @param {boolean} stepwise  one event at a time
     * @param {import("./convert-types.js").Conversion | null} [conversion]  the body is the other protocol's
     * @param {string} [model]  for the meter
     */
    _pump(protocol, attempt, options, stepwise, conversion = null, model = undefined, deltasOnly = false) {
      const p = PROTOCOLS[protocol];
      const make = conversion ? () => p.via(this.#core) : () => p.stream(this.#core);
      return new Pump(make, p.snapshot, attempt, options.idleTimeout ?? this.idleTimeout, { stepwise, deltasOnly, conversion, onEnd: (/** @type {string} */ text) => this.models._record(model, text) });
    }

    /**
     * `create`: the parsed body, or a `Stream` when streaming.
     * @param {"chat" | "messages"} protocol @param {any} params @param {RequestOptions} options
     */
    async _create(protocol, params, options) {
      const { accumulate = true } = options;
      if (typeof accumulate !== "boolean") throw new ModelwireError(`invalid option accumulate: expected a boolean, got ${typeof accumulate}`);
      const { attempt, stream, conversion, model } = await this._send(protocol, params, options);
      if (stream) return new Stream(this._pump(protocol, attempt, options, accumulate, conversion, model, !accumulate));
      attempt.release();
      const text = await attempt.response.text();
      const result = withRequestId(conversion ? convertResponse(wasm, conversion, text) : parseBody(text), attempt.requestId);
      return withCost(result, this.models._record(model, text));
    }
  }

  class Completions {
    #client;
    /** @param {Client} client */
    constructor(client) {
      this.#client = client;
    }

    /** @param {any} params @param {RequestOptions} [options] @returns {Promise<any>} */
    create(params, options = {}) {
      return this.#client._create("chat", params, options);
    }

    /** @param {any} params @param {RequestOptions} [options] */
    stream(params, options = {}) {
      const client = this.#client;
      const format = params?.response_format?.type;
      /** @type {ChatCompletionStream} */
      const runner = new ChatCompletionStream(
        async (controller, stepwise) => {
          if (wantsCost(runner)) await client.models._ensure(controller.signal);
          const { attempt, conversion, model } = await client._send("chat", { ...params, stream: true }, options, controller.signal);
          return client._pump("chat", attempt, options, stepwise, conversion, model);
        },
        {
          json: format === "json_schema" || format === "json_object",
          makeParser,
          signal: options.signal,
          cost: (/** @type {unknown} */ usage) => client.models._cost(params?.model, usage),
        },
      );
      return runner;
    }
  }

  class Messages {
    #client;
    /** @param {Client} client */
    constructor(client) {
      this.#client = client;
    }

    /** @param {any} params @param {RequestOptions} [options] @returns {Promise<any>} */
    create(params, options = {}) {
      return this.#client._create("messages", params, options);
    }

    /** @param {any} params @param {RequestOptions} [options] */
    stream(params, options = {}) {
      const client = this.#client;
      /** @type {MessageStream} */
      const runner = new MessageStream(
        async (controller, stepwise) => {
          if (wantsCost(runner)) await client.models._ensure(controller.signal);
          const { attempt, conversion, model } = await client._send("messages", { ...params, stream: true }, options, controller.signal);
          return client._pump("messages", attempt, options, stepwise, conversion, model);
        },
        { makeParser, signal: options.signal, cost: (/** @type {unknown} */ usage) => client.models._cost(params?.model, usage) },
      );
      return runner;
    }
  }

  return { Client, Completions, Messages };
}
