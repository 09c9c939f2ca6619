// Types of the model catalog (`client.models`), capability checks, costs and the meter.
import type { RequestOptions } from "./index.js";

/** Per-token prices in USD as exact plain decimals (`"0.00000174"`); `null` when unknown (`""` on the wire), never zero. */
export interface ModelPricing {
  /** Input tokens not served from the cache. */
  prompt: string | null;
  /** Output tokens, reasoning included. */
  completion: string | null;
  /** Input tokens served from the KV cache. */
  input_cache_read: string | null;
  /** Other pricing keys, as sent. */
  [key: string]: unknown;
}

/** One model of `GET /v1/models`: every key the server sent, in its order, with `pricing` made exact. */
export interface CatalogModel {
  /** The slug passed as `model`: `"deepseek-ai/DeepSeek-V4-Pro"`. */
  id: string;
  object?: "model" | (string & {});
  /** Display name: `"DeepSeek V4 Pro"`. */
  name?: string;
  /** Tokens of context (prompt and output together). */
  context_length?: number;
  /** The largest output a request may ask for. */
  max_completion_tokens?: number;
  /** `tools`, `json_mode`, `structured_outputs`, `reasoning`, `reasoning_effort`, `vision`, … */
  supported_features?: string[];
  /** `text`, `image`, … */
  input_modalities?: string[];
  pricing?: ModelPricing;
  owned_by?: string;
  /** Keys this client does not know are kept as sent. */
  [key: string]: unknown;
}

/** `client.models.list()`: the list payload; iterable over its models (also with `for await`). */
export interface ModelList extends Iterable<CatalogModel>, AsyncIterable<CatalogModel> {
  object: "list";
  data: CatalogModel[];
}

/** One kind of token of a cost. */
export interface CostPart {
  tokens: number;
  /** `tokens` × the price, exact; `null` when the price is unknown. */
  usd: string | null;
}

/**
 * What one request cost, in exact decimal USD strings (no binary float: add them with a decimal
 * library or BigInt, or let `client.meter` do it).
 */
export interface Cost {
  model: string;
  /** The total, e.g. `"0.00098"`; `null` when a price that was needed is unknown. */
  usd: string | null;
  /** Prompt tokens not from the cache (Messages: `input_tokens` + `cache_creation_input_tokens`), at `pricing.prompt`. */
  input: CostPart;
  /** Cached prompt tokens (`prompt_tokens_details.cached_tokens`, `cache_read_input_tokens`), at `pricing.input_cache_read`. */
  cachedInput: CostPart;
  /** Output tokens, reasoning included, at `pricing.completion`. */
  output: CostPart;
  /** The prices needed and unknown: `"prompt"`, `"completion"`, `"input_cache_read"`. */
  unknownPrices: Array<"prompt" | "completion" | "input_cache_read">;
  /** Why `usd` is `null` (`"cost unknown for m: no price for prompt"`), else `null`. */
  note: string | null;
}

export interface MeterTotals {
  /** The exact sum of every priced request. */
  usd: string;
  requests: number;
  /** Requests whose cost was unknown (model not in the loaded catalog, price `""`): left out of `usd`. */
  unpricedRequests: number;
  /** Whether every request was priced, so `usd` is the whole. */
  complete: boolean;
  /** Tokens of every request, priced or not. */
  tokens: { input: number; cachedInput: number; output: number };
}

export interface MeterSnapshot extends MeterTotals {
  /** The same per model id. */
  models: Record<string, MeterTotals>;
}

/** `client.meter`: every request of this client that reported usage, totalled exactly. */
export interface Meter extends MeterTotals {
  readonly models: Record<string, MeterTotals>;
  /** Everything at once, as a plain object. */
  snapshot(): MeterSnapshot;
  reset(): void;
  toJSON(): MeterSnapshot;
}

/** What results carry besides their data (non-enumerable). */
export interface WithCost {
  /** The request's cost at the loaded catalog's prices; `null` without usage. */
  readonly _cost?: Cost | null;
}

/**
 * `client.models`: Baseten's catalog (`GET {baseURL}/models`), cached for `catalogTTL` ms; concurrent
 * callers share one request. Errors are the client's (`NotFoundError`, `APIConnectionError`, …).
 */
export declare class Models {
  list(options?: RequestOptions): Promise<ModelList>;
  /** From a fresh cached list when it has the id, else `GET {baseURL}/models/{id}` (cached too). */
  retrieve(id: string, options?: RequestOptions): Promise<CatalogModel>;
}

/**
 * The cost of a `usage` object (Chat Completions or Messages) at a catalog model's prices,
 * exactly: `cost(await client.models.retrieve(id), completion.usage).usd`. Throws
 * `ValidationError` for a usage it cannot read.
 */
export declare function cost(model: CatalogModel | Record<string, unknown>, usage: object): Cost;
