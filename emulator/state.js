// Everything one emulator instance remembers: options, catalog, request log, fault counters,
// rate-limit windows, prefix cache, async queue.
import { defaultCatalog } from './catalog.js';
import { RequestLog } from './log.js';
import { FaultCounters } from './faults.js';
import { RateLimiter } from './ratelimit.js';
import { PrefixCache } from './cache.js';
import { AsyncQueue } from './async.js';
import { predictOutput } from './deployments.js';

/**
 * @typedef {object} EmulatorOptions
 * @property {number} [port] 0 (default) picks a free port
 * @property {Record<string, import('./auth.js').KeyConfig | import('./auth.js').KeyStatus>} [keys]
 *   configured keys; empty accepts any non-empty key, and once one key is `valid` only listed keys pass
 * @property {number | null} [rpm] requests per minute per key (null: unlimited)
 * @property {number | null} [tpm] tokens per minute per key (null: unlimited)
 * @property {number} [maxBodyBytes] request body limit, 413 past it (default 100 MiB)
 * @property {boolean | Partial<import('./quirks.js').Quirks>} [quirks] Baseten streaming quirks (default on)
 * @property {number} [seed] mixed into every generation seed (default 0)
 * @property {number} [streamDelayMs] pause between streamed pieces (default 0)
 * @property {number} [cacheBlockTokens] prefix-cache block size in tokens (default 8)
 * @property {import('./catalog.js').CatalogModel[]} [models] replace the catalog
 * @property {string[]} [environments] deployment environments that exist (default production, staging, development)
 * @property {string} [servedModelName] model name of the deployment's /sync/v1 server (default "served-model")
 * @property {Partial<{ queueMs: number, runMs: number, secondMs: number, concurrency: number, paused: boolean }>} [async]
 * @property {string[]} [webhookSecrets] webhook signing secrets (default ["whsec_emulator"])
 * @property {number} [logLimit] entries kept in the request log (default 10000)
 */

/**
 * @typedef {Required<Omit<EmulatorOptions, 'models' | 'async'>> & { async: { queueMs: number, runMs: number, secondMs: number, concurrency: number, paused: boolean }, models?: import('./catalog.js').CatalogModel[] }} ResolvedOptions
 */

/** @type {ResolvedOptions} */
export const DEFAULTS = {
  port: 0,
  keys: {},
  rpm: null,
  tpm: null,
  maxBodyBytes: 100 * 1024 * 1024,
  quirks: true,
  seed: 0,
  streamDelayMs: 0,
  cacheBlockTokens: 8,
  environments: ['production', 'staging', 'development'],
  servedModelName: 'served-model',
  async: { queueMs: 100, runMs: 100, secondMs: 1000, concurrency: 4, paused: false },
  webhookSecrets: ['whsec_emulator'],
  logLimit: 10_000,
};

export class State {
  /** @param {EmulatorOptions} [options] */
  constructor(options = {}) {
    /** @type {ResolvedOptions} */
    this.options = { ...DEFAULTS, ...options, async: { ...DEFAULTS.async, ...(options.async ?? {}) } };
    this.catalog = options.models ?? defaultCatalog();
    this.log = new RequestLog({ limit: this.options.logLimit });
    this.counters = new FaultCounters();
    this.limiter = new RateLimiter();
    this.cache = new PrefixCache({ blockTokens: this.options.cacheBlockTokens });
    this.asyncQueue = new AsyncQueue(() => ({ ...this.options.async, webhookSecrets: this.options.webhookSecrets, predict: predictOutput }));
  }

  /**
   * Change options on a running emulator (merged; `async` merged one level deeper).
   * @param {EmulatorOptions} partial
   */
  configure(partial) {
    const wasPaused = this.options.async.paused;
    this.options = { ...this.options, ...partial, async: { ...this.options.async, ...(partial.async ?? {}) } };
    if (partial.models) this.catalog = partial.models;
    if (partial.cacheBlockTokens) this.cache.blockTokens = partial.cacheBlockTokens;
    if (wasPaused && !this.options.async.paused) this.asyncQueue.resume();
  }

  /** @param {string} id */
  model(id) {
    return this.catalog.find((m) => m.id === id) ?? null;
  }

  /**
   * Record tokens against the caller's per-minute budget.
   * @param {import('./context.js').Ctx} ctx @param {number} tokens
   */
  spend(ctx, tokens) {
    if (ctx.caller) this.limiter.spend(ctx.caller.fingerprint, tokens);
  }

  /** Forget the log, fault counters, rate windows, cache and async requests. */
  reset() {
    this.log.clear();
    this.counters.reset();
    this.limiter.reset();
    this.cache.reset();
    this.asyncQueue.reset();
  }
}
