// `Client`: openai-node's surface for Chat Completions and @anthropic-ai/sdk's
// for Messages, over the wasm core. This file only wires options to the core
// and the transport; validation, URLs, headers, retry decisions, error
// parsing and accumulation are wasm.

import { ChatCompletionStream } from "./chat-runner.js";
import { ModelwireError, fromCore } from "./errors.js";
import { MessageStream } from "./messages-runner.js";
import { Pump } from "./pump.js";
import { Stream } from "./stream.js";
import { send } from "./transport.js";

export const DEFAULT_BASE_URL = "https://inference.baseten.co/v1";
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The wasm exports the client needs.
 * @typedef {object} Wasm
 * @property {typeof import("../pkg/web/modelwire.js").ClientCore} ClientCore
 * @property {typeof import("../pkg/web/modelwire.js").RetryLoop} RetryLoop
 * @property {typeof import("../pkg/web/modelwire.js").PartialJson} PartialJson
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
 * @param {Record<string, string>} base
 * @param {...(Record<string, string | null> | undefined)} layers
 */
function mergeHeaders(base, ...layers) {
  /** @type {Record<string, string>} */
  const out = { ...base };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [name, value] of Object.entries(layer)) {
      const key = name.toLowerCase();
      if (value === null || value === undefined) delete out[key];
      else out[key] = String(value);
    }
  }
  return out;
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

/** The two protocols, as the client drives them. */
const PROTOCOLS = {
  chat: {
    /** @param {ClientCore} core @param {string} body */
    prepare: (core, body) => core.prepareChat(body),
    /** @param {ClientCore} core */
    stream: (core) => core.chatStream(),
    /** @param {any} wasm */
    snapshot: (wasm) => wasm.completionJson(),
  },
  messages: {
    /** @param {ClientCore} core @param {string} body */
    prepare: (core, body) => core.prepareMessages(body),
    /** @param {ClientCore} core */
    stream: (core) => core.messagesStream(),
    /** @param {any} wasm */
    snapshot: (wasm) => wasm.messageJson(),
  },
};

/** @param {Wasm} wasm */
export function bindClient(wasm) {
  const makeParser = () => new wasm.PartialJson();

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
    }

    /** @param {ClientOptions} options */
    withOptions(options) {
      return new Client({ ...this.#options, apiKey: this.#apiKey, ...options });
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
      const body = JSON.stringify(params);
      /** @type {import("../pkg/web/modelwire.js").PreparedRequest} */
      let prepared;
      try {
        prepared = PROTOCOLS[protocol].prepare(this.#core, body);
      } catch (err) {
        throw fromCore(err);
      }
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
      return { attempt, stream: prepared.stream };
    }

    /**
     * A pump over a streamed response.
     * @param {"chat" | "messages"} protocol @param {import("./transport.js").Attempt} attempt
     * @param {RequestOptions} options @param {boolean} stepwise  one event at a time
     */
    _pump(protocol, attempt, options, stepwise) {
      const p = PROTOCOLS[protocol];
      return new Pump(() => p.stream(this.#core), p.snapshot, attempt, options.idleTimeout ?? this.idleTimeout, { stepwise });
    }

    /**
     * `create`: the parsed body, or a `Stream` when streaming.
     * @param {"chat" | "messages"} protocol @param {any} params @param {RequestOptions} options
     */
    async _create(protocol, params, options) {
      const { attempt, stream } = await this._send(protocol, params, options);
      if (stream) return new Stream(this._pump(protocol, attempt, options, true));
      attempt.release();
      return withRequestId(parseBody(await attempt.response.text()), attempt.requestId);
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
      return new ChatCompletionStream(
        async (controller, stepwise) => {
          const { attempt } = await client._send("chat", { ...params, stream: true }, options, controller.signal);
          return client._pump("chat", attempt, options, stepwise);
        },
        { json: format === "json_schema" || format === "json_object", makeParser, signal: options.signal },
      );
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
      return new MessageStream(
        async (controller, stepwise) => {
          const { attempt } = await client._send("messages", { ...params, stream: true }, options, controller.signal);
          return client._pump("messages", attempt, options, stepwise);
        },
        { makeParser, signal: options.signal },
      );
    }
  }

  return { Client, Completions, Messages };
}
