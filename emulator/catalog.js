// The Model APIs catalog served at GET /v1/models, modelled on the seeds' tables
// (slugs, context, max output, per-token prices as decimal strings, features, modalities).

/**
 * @typedef {object} CatalogModel
 * @property {string} id
 * @property {string} name
 * @property {number} context_length
 * @property {number} max_completion_tokens
 * @property {string[]} supported_features
 * @property {string[]} input_modalities
 * @property {{prompt: string, completion: string, input_cache_read: string}} pricing
 * @property {'default' | 'opt-in' | 'none'} reasoning  emulator-only: is thinking on by default?
 * @property {boolean} [alsoReasoningField] emulator-only: also send `reasoning` beside `reasoning_content`
 */

/**
 * USD per million tokens → USD per token as a plain decimal string ("0.0000006").
 * @param {number | null} perMillion
 */
function perToken(perMillion) {
  if (perMillion == null) return '';
  // Work in integer micro-cents to avoid binary-float noise such as 6.000000000000001e-7.
  const scaled = Math.round(perMillion * 1e6); // per token × 1e12
  const s = String(scaled).padStart(13, '0');
  const dec = (s.slice(0, -12) || '0') + '.' + s.slice(-12);
  return dec.replace(/0+$/, '').replace(/\.$/, '.0');
}

/**
 * @param {string} id @param {string} name @param {number} ctx @param {number} maxOut
 * @param {[number, number, number] | null} prices input, output, cache read per million (null = "" prices)
 * @param {string[]} features @param {'default'|'opt-in'|'none'} reasoning
 * @param {boolean} [vision] @param {Partial<CatalogModel>} [extra]
 * @returns {CatalogModel}
 */
function model(id, name, ctx, maxOut, prices, features, reasoning, vision = false, extra = {}) {
  return {
    id,
    name,
    context_length: ctx,
    max_completion_tokens: maxOut,
    supported_features: features,
    input_modalities: vision ? ['text', 'image'] : ['text'],
    pricing: {
      prompt: perToken(prices?.[0] ?? null),
      completion: perToken(prices?.[1] ?? null),
      input_cache_read: perToken(prices?.[2] ?? null),
    },
    reasoning,
    ...extra,
  };
}

const ALL = ['tools', 'json_mode', 'structured_outputs'];

/** @returns {CatalogModel[]} a fresh copy of the default catalog */
export function defaultCatalog() {
  return [
    model('deepseek-ai/DeepSeek-V4-Pro', 'DeepSeek V4 Pro', 131072, 131072, [1.74, 3.48, 0.145], [...ALL, 'reasoning'], 'default'),
    // Seed 001: DeepSeek V3.1 has no JSON mode and no structured outputs.
    model('deepseek-ai/DeepSeek-V3.1', 'DeepSeek V3.1', 163840, 131072, [0.5, 1.5, 0.1], ['tools', 'reasoning'], 'default'),
    model('zai-org/GLM-4.7', 'GLM 4.7', 200000, 200000, [0.6, 2.2, 0.11], [...ALL, 'reasoning'], 'opt-in'),
    // Seed 001: GLM 5 without reasoning.
    model('zai-org/GLM-5', 'GLM 5', 202752, 202752, [0.95, 3.15, 0.2], [...ALL], 'none'),
    model('moonshotai/Kimi-K2.5', 'Kimi K2.5', 262144, 262144, [0.6, 3.0, 0.1], [...ALL, 'reasoning', 'vision'], 'opt-in', true),
    model('MiniMaxAI/MiniMax-M2.5', 'Minimax M2.5', 204800, 204800, [0.3, 1.2, 0.03], [...ALL, 'reasoning'], 'default'),
    model('openai/gpt-oss-120b', 'OpenAI GPT OSS 120B', 128000, 128000, [0.1, 0.5, 0.05], [...ALL, 'reasoning', 'reasoning_effort'], 'default', false, { alsoReasoningField: true }),
    // A just-launched model: prices not published yet.
    model('nvidia/Nemotron-120B-A12B', 'Nemotron Super', 202752, 202752, null, [...ALL, 'reasoning'], 'default'),
  ];
}

/**
 * The public JSON of one model (emulator-only fields removed).
 * @param {CatalogModel} m
 */
export function publicModel(m) {
  const { reasoning, alsoReasoningField, ...rest } = m;
  return { object: 'model', owned_by: 'baseten', ...rest };
}

/**
 * The model a dedicated deployment's OpenAI-compatible server answers for: any name, tools and
 * structured outputs, no reasoning.
 * @param {string} name
 * @returns {CatalogModel}
 */
export function servedModel(name) {
  return model(name, name, 32768, 8192, [0, 0, 0], [...ALL], 'none');
}
