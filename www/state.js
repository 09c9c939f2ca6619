// The page's shared state, in one place: what the server said about its backend, the
// conversation, the running turn, the unanswered tool calls, the model catalog, the turn's
// timings and the client. Other modules import these; none keeps its own copy.
import { Client } from "../js/web.js";
import { inspectingFetch } from "./inspector.js";

/** @typedef {import("../js/index.js").ChatCompletionMessageParam} MessageParam */
/** @typedef {import("../js/index.js").ChatCompletionMessageToolCall} ToolCall */
/** @typedef {{ id: string, name?: string, context_length?: number, max_completion_tokens?: number, supported_features?: string[], input_modalities?: string[], pricing?: { prompt: string | null, completion: string | null, input_cache_read?: string | null } }} CatalogModel */

export const state = {
  /** What the server told the page about its backend (`/__playground.json`). */
  info: { backend: "this server's /v1", upstream: `${location.origin}/v1`, keyEnv: "BASETEN_API_KEY", keySet: false, via: "" },
  /** The request id of the last POST's response. @type {string | null} */
  lastRequestId: null,
  /** The conversation, kept in the Chat Completions shape whatever the protocol. @type {MessageParam[]} */
  history: [],
  /** The running turn's, while one runs. @type {AbortController | null} */
  controller: null,
  /** The last answer's tool calls, until results are sent or dropped. @type {ToolCall[]} */
  pendingCalls: [],
};

/** @type {Map<string, CatalogModel>} */
export const catalog = new Map();

/** The current turn's timings (performance.now()). */
export const numbers = {
  /** @type {number} */ sent: 0,
  /** @type {number} */ first: 0,
  /** @type {number} */ last: 0,
};

// No apiKey: the page sends no Authorization; the worker sets it.
export const client = new Client({ apiKey: null, baseURL: `${location.origin}/v1`, fetch: inspectingFetch, maxRetries: 1 });
