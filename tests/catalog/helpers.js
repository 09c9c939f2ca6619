// Shared by the catalog suites: the emulator over real HTTP with its default
// catalog plus two models of our own, a fetch that counts what the client
// sends (around the real fetch), and an independent price calculator in
// BigInt atto-dollars for hand-checked expectations.
import { Client } from "modelwire";
import { defaultCatalog, startEmulator } from "../../emulator/index.js";

export const KEY = "mw-catalog-key-4b2e9d7a1c3f5e8b0d6a2c4e";
export const BAD_KEY = "mw-catalog-bad-key-1a2b3c4d5e6f7a8b9c0d";

/** No features at all: every capability check fails on it. */
export const PLAIN = "acme/Plain-8B";
/** Extra fields the client does not know, a price in exponent form, a wrong-typed field. */
export const ODD = "acme/Odd-1B";
export const GLM = "zai-org/GLM-5"; // tools, JSON modes; no reasoning, no vision; max 202752
export const V31 = "deepseek-ai/DeepSeek-V3.1"; // tools, reasoning; no json_mode / structured_outputs
export const KIMI = "moonshotai/Kimi-K2.5"; // vision
export const NEMOTRON = "nvidia/Nemotron-120B-A12B"; // prices ""

/** @returns {any[]} */
export function catalog() {
  return [
    ...defaultCatalog(),
    {
      id: PLAIN,
      name: "Plain 8B",
      context_length: 8192,
      max_completion_tokens: 4096,
      supported_features: [],
      input_modalities: ["text"],
      pricing: { prompt: "0.0000001", completion: "0.0000002", input_cache_read: "" },
      reasoning: "none",
    },
    {
      id: ODD,
      name: "Odd 1B",
      context_length: 4096,
      max_completion_tokens: "lots",
      supported_features: ["tools"],
      input_modalities: ["text"],
      pricing: { prompt: "1.5e-7", completion: "0.00000060", input_cache_read: "-1", batch: "0.00000005" },
      quantization: "fp8",
      supported_sampling_parameters: ["temperature", "top_p"],
      description: "A model with odd fields",
      reasoning: "none",
    },
  ];
}

/** @param {Record<string, unknown>} [options] */
export function emulator(options = {}) {
  return startEmulator({ keys: { [KEY]: "valid", [BAD_KEY]: "invalid" }, models: catalog(), ...options });
}

/**
 * The real fetch, counting each request by `METHOD path`.
 * @returns {{ fetch: typeof fetch, calls: string[], count: (what: string) => number }}
 */
export function countingFetch() {
  /** @type {string[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const wrapped = (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    calls.push(`${init?.method ?? "GET"} ${decodeURIComponent(url.pathname)}`);
    return fetch(input, init);
  };
  return { fetch: wrapped, calls, count: (what) => calls.filter((c) => c === what).length };
}

/**
 * @param {{ url: string }} emu @param {import("modelwire").ClientOptions} [options]
 */
export function client(emu, options = {}) {
  return new Client({ apiKey: KEY, baseURL: `${emu.url}/v1`, maxRetries: 0, ...options });
}

/** Requests the emulator saw on a path. @param {{ log: () => any[] }} emu @param {string} path */
export const seen = (emu, path) => emu.log().filter((e) => e.path === path).length;

// ------------------------------------------------------------ exact prices

/** A price string → atto-dollars (10⁻¹⁸ USD) as a BigInt (plain decimals only). @param {string} text */
export function atto(text) {
  const [whole, frac = ""] = text.split(".");
  return BigInt(whole || "0") * 10n ** 18n + BigInt((frac + "0".repeat(18)).slice(0, 18) || "0");
}

/** Atto-dollars → the client's decimal text (no trailing zeros). @param {bigint} n */
export function usdText(n) {
  const whole = n / 10n ** 18n;
  const frac = (n % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/**
 * The cost the issue defines, computed independently: input at the prompt price, cached input at the
 * cache-read price, output (reasoning included) at the completion price.
 * @param {{ prompt: string, completion: string, input_cache_read: string }} pricing
 * @param {{ input: number, cached: number, output: number }} tokens
 */
export function expected(pricing, tokens) {
  const part = (/** @type {number} */ n, /** @type {string} */ p) => (n === 0 ? 0n : BigInt(n) * atto(p));
  return part(tokens.input, pricing.prompt) + part(tokens.cached, pricing.input_cache_read) + part(tokens.output, pricing.completion);
}

/**
 * Tokens by price from either usage shape, as the issue defines them (for the independent sums):
 * cache writes count as input, reasoning tokens as output.
 * @param {any} u
 */
export function tokensOf(u) {
  if ("input_tokens" in u || "output_tokens" in u) {
    return { input: (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), cached: u.cache_read_input_tokens ?? 0, output: u.output_tokens ?? 0 };
  }
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  return { input: (u.prompt_tokens ?? 0) - cached, cached, output: reasoning > completion ? completion + reasoning : completion };
}

/** The meter's `tokens` for these per-request token counts. @param {{ input: number, cached: number, output: number }[]} tokens */
export const tokenTotals = (tokens) => ({
  input: tokens.reduce((s, t) => s + t.input, 0),
  cachedInput: tokens.reduce((s, t) => s + t.cached, 0),
  output: tokens.reduce((s, t) => s + t.output, 0),
});
