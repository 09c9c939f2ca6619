// The edge worker: holds the Baseten key server-side and forwards the browser's
// /v1/chat/completions, /v1/messages and /v1/models to the upstream, streaming
// the answers through unchanged while modelwire reads a copy for usage.
//
// Environment (Worker bindings):
//   BASETEN_API_KEY     the key (a secret); sent upstream, never returned or logged
//   MODELWIRE_UPSTREAM  default https://inference.baseten.co (the emulator, llama-server, …)
//   MODELWIRE_ORIGINS   comma-separated origins allowed to call it from a browser ("*" for any)
//
// GET /__usage returns the usage recorded by this instance (in memory).
import * as modelwire from "../js/workerd.js";
import { makeProxy } from "../js/proxy.js";

const proxy = makeProxy(modelwire);
const RECENT = 50;
const PRICES_TTL_MS = 10 * 60 * 1000;

/**
 * @typedef {{ requests: number, errors: number, input: number, cached: number, output: number }} Totals
 * @typedef {{ BASETEN_API_KEY?: string | null, MODELWIRE_UPSTREAM?: string | null, MODELWIRE_ORIGINS?: string | null }} Env
 */

const state = {
  /** Set by the first request: outside a request, Workers' clock reads 1970. */
  since: "",
  /** @type {Totals} */
  all: totals(),
  /** @type {Record<string, Totals>} */
  models: {},
  /** @type {Record<string, number>} */
  paths: {},
  /** @type {object[]} */
  recent: [],
  /** Prices per token by model id, from the upstream's /v1/models (data, not a promise: Workers can't share I/O across requests). */
  /** @type {{ at: number, prices: Record<string, { prompt: number, completion: number, cached: number } | null> } | null} */
  pricing: null,
};

export default {
  /**
   * @param {Request} request
   * @param {Env} env
   * @param {{ waitUntil(promise: Promise<unknown>): void }} ctx
   */
  async fetch(request, env, ctx) {
    state.since ||= new Date().toISOString();
    const url = new URL(request.url);
    const upstream = env.MODELWIRE_UPSTREAM || "https://inference.baseten.co";
    const apiKey = env.BASETEN_API_KEY || "";
    const allowedOrigins = (env.MODELWIRE_ORIGINS || "").split(",").map((o) => o.trim()).filter(Boolean);
    if (url.pathname === "/__usage") return usageResponse(request, { upstream, apiKey, allowedOrigins });
    return proxy(request, { upstream, apiKey, allowedOrigins, onUsage: record, waitUntil: (p) => ctx.waitUntil(p) });
  },
};

/** @returns {Totals} */
function totals() {
  return { requests: 0, errors: 0, input: 0, cached: 0, output: 0 };
}

/**
 * Chat usage (`prompt_tokens` includes cached ones) and Messages usage
 * (`input_tokens` excludes cache reads) as total input / cached / output.
 * @param {Record<string, any> | null} usage
 */
function tokens(usage) {
  if (!usage) return { input: 0, cached: 0, output: 0 };
  const n = (/** @type {unknown} */ v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  if ("prompt_tokens" in usage || "completion_tokens" in usage) {
    return { input: n(usage.prompt_tokens), cached: n(usage.prompt_tokens_details?.cached_tokens), output: n(usage.completion_tokens) };
  }
  const cached = n(usage.cache_read_input_tokens);
  return { input: n(usage.input_tokens) + cached + n(usage.cache_creation_input_tokens), cached, output: n(usage.output_tokens) };
}

/** @param {import("../js/proxy.js").ProxyUsage} usage */
function record(usage) {
  const t = tokens(usage.usage);
  const failed = usage.error !== null || usage.status >= 400;
  const add = (/** @type {Totals} */ into) => {
    into.requests += 1;
    into.errors += failed ? 1 : 0;
    into.input += t.input;
    into.cached += t.cached;
    into.output += t.output;
  };
  add(state.all);
  if (usage.model && usage.path !== "/v1/models" && !usage.path.startsWith("/v1/models/")) add((state.models[usage.model] ??= totals()));
  state.paths[usage.path] = (state.paths[usage.path] ?? 0) + 1;
  state.recent.push({ time: new Date().toISOString(), ...usage, tokens: t });
  if (state.recent.length > RECENT) state.recent.splice(0, state.recent.length - RECENT);
}

/**
 * @param {Request} request
 * @param {{ upstream: string, apiKey: string, allowedOrigins: string[] }} config
 */
async function usageResponse(request, config) {
  const origin = request.headers.get("origin");
  const allowed = origin !== null && config.allowedOrigins.some((o) => o === "*" || o.replace(/\/+$/, "") === origin);
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  if (allowed && origin) {
    headers.set("access-control-allow-origin", origin);
    headers.set("vary", "origin");
  }
  if (origin !== null && !allowed) {
    return error(403, "origin not allowed", "permission_error", "origin_not_allowed", new Headers({ "content-type": "application/json" }));
  }
  if (request.method === "OPTIONS") {
    headers.set("access-control-allow-methods", "GET, OPTIONS");
    return new Response(null, { status: 204, headers });
  }
  if (request.method !== "GET") return error(405, "GET only", "invalid_request_error", "method_not_allowed", headers);

  const prices = await pricing(config);
  /** @param {Totals} t @param {string} model */
  const cost = (t, model) => {
    const p = prices?.[model];
    if (!p) return null;
    return (t.input - t.cached) * p.prompt + t.cached * p.cached + t.output * p.completion;
  };
  /** @type {Record<string, Totals & { costUsd: number | null }>} */
  const models = {};
  let costUsd = /** @type {number | null} */ (0);
  for (const [model, t] of Object.entries(state.models)) {
    const c = cost(t, model);
    models[model] = { ...t, costUsd: c };
    if (c === null) costUsd = null;
    else if (costUsd !== null) costUsd += c;
  }
  const body = {
    since: state.since,
    ...state.all,
    costUsd,
    paths: state.paths,
    models,
    recent: state.recent,
    pricesFrom: prices ? "upstream /v1/models" : null,
  };
  return new Response(JSON.stringify(body, null, 2), { headers });
}

/**
 * An OpenAI-shaped error.
 * @param {number} status @param {string} message @param {string} type @param {string} code @param {Headers} headers
 */
function error(status, message, type, code, headers) {
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), { status, headers });
}

/**
 * Per-token prices from the upstream's catalog, cached for a while; `null`
 * when the catalog can't be read (llama-server has no prices).
 * @param {{ upstream: string, apiKey: string }} config
 */
async function pricing({ upstream, apiKey }) {
  if (state.pricing && Date.now() - state.pricing.at < PRICES_TTL_MS) return state.pricing.prices;
  try {
    const url = new URL(upstream);
    url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "") + "/v1/models";
    const response = await fetch(url.toString(), { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const catalog = /** @type {any} */ (await response.json());
    /** @type {Record<string, { prompt: number, completion: number, cached: number } | null>} */
    const prices = {};
    for (const m of Array.isArray(catalog?.data) ? catalog.data : []) {
      const p = m?.pricing;
      const num = (/** @type {unknown} */ v) => (typeof v === "string" && v !== "" ? Number(v) : typeof v === "number" ? v : NaN);
      const prompt = num(p?.prompt);
      const completion = num(p?.completion);
      const cached = num(p?.input_cache_read);
      const known = Number.isFinite(prompt) && Number.isFinite(completion);
      prices[m.id] = known ? { prompt, completion, cached: Number.isFinite(cached) ? cached : prompt } : null;
    }
    state.pricing = { at: Date.now(), prices };
    return prices;
  } catch {
    return null;
  }
}
