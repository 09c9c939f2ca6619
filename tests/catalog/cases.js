// The cases shared by the Node and Chromium suites of the catalog (tests/catalog/ and
// tests/browser/catalog.test.js): the usage corpus with its hand-computed costs, and the
// capability checks the issue lists, one request shape per protocol.
import { GLM, KIMI, ODD, PLAIN, V31 } from "./helpers.js";

export const V4 = "deepseek-ai/DeepSeek-V4-Pro";
export const OSS = "openai/gpt-oss-120b";

/** @param {unknown} content */
export const user = (content) => [{ role: "user", content }];
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/**
 * [model, usage, usd, input usd, cached usd, output usd], worked out by hand.
 * @type {[string, any, string, string, string, string][]}
 */
export const CORPUS = [
  // 200 × 0.00000095 + 800 × 0.0000002 + 200 × 0.00000315
  [GLM, { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 800 } }, "0.00098", "0.00019", "0.00016", "0.00063"],
  // reasoning inside completion_tokens: 176 × 0.00000174 + 1024 × 0.000000145 + 500 × 0.00000348
  [
    V4,
    { prompt_tokens: 1200, completion_tokens: 500, total_tokens: 1700, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 300 } },
    "0.00219472",
    "0.00030624",
    "0.00014848",
    "0.00174",
  ],
  // reasoning_tokens > completion_tokens cannot be included in it: 25 output tokens
  [OSS, { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 20 } }, "0.0000135", "0.000001", "0", "0.0000125"],
  // Messages: (300 + 50 cache writes) × 0.0000006 + 700 × 0.0000001 + 100 × 0.000003
  [KIMI, { input_tokens: 300, output_tokens: 100, cache_read_input_tokens: 700, cache_creation_input_tokens: 50 }, "0.00058", "0.00021", "0.00007", "0.0003"],
  [GLM, { input_tokens: 4, output_tokens: 43 }, "0.00013925", "0.0000038", "0", "0.00013545"],
  // no cached tokens: the unknown cache-read price does not matter
  [PLAIN, { prompt_tokens: 100, completion_tokens: 10 }, "0.000012", "0.00001", "0", "0.000002"],
  // 1.5e-7 on the wire: 3 × 0.00000015 + 7 × 0.0000006
  [ODD, { prompt_tokens: 3, completion_tokens: 7 }, "0.00000465", "0.00000045", "0", "0.0000042"],
  // null counts are 0
  [GLM, { prompt_tokens: 5, completion_tokens: null, prompt_tokens_details: null }, "0.00000475", "0.00000475", "0", "0"],
  [V4, { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }, "5.22", "1.74", "0", "3.48"],
  [V31, { prompt_tokens: 0, completion_tokens: 0 }, "0", "0", "0", "0"],
];

/**
 * The cases of the issue: [name, model, feature, chat params, messages params].
 * @type {[string, string, string, Record<string, unknown>, Record<string, unknown>][]}
 */
export const CASES = [
  [
    "tools on a model without tools",
    PLAIN,
    "tools",
    { tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } }] },
    { tools: [{ name: "get_weather", input_schema: { type: "object", properties: {} } }] },
  ],
  [
    "a JSON schema on a model without structured_outputs",
    V31,
    "structured_outputs",
    { response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } } },
    { output_format: { type: "json_schema", schema: { type: "object" } } },
  ],
  [
    "an image part on a model without vision",
    GLM,
    "vision",
    { messages: user([{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }]) },
    { messages: user([{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }, { type: "text", text: "What is this?" }]) },
  ],
  [
    "reasoning options on a model without reasoning",
    GLM,
    "reasoning",
    { reasoning_effort: "high" },
    { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2048 },
  ],
  [
    "max_tokens over the model's max output",
    GLM,
    "max_completion_tokens",
    { max_tokens: 300000 },
    { max_tokens: 300000 },
  ],
];
