// Deterministic benchmark corpora (issues 4 and 8): Baseten-shaped Chat
// Completions streams, with the truth they must accumulate to. Every truth has
// the same shape: { content, reasoning, toolCalls: [{ id, name, arguments }],
// finishReason, usage } (absent text is "").

/** A small seeded PRNG (mulberry32), so every run sees the same bytes. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["the", "model", "streams", "tokens", "über", "naïve", "日本語", "emoji 😀", "quote \"x\"", "line\nbreak", "fast", "wasm"];

/**
 * 4,000 content deltas of 1–8 words, usage on every chunk (Baseten's
 * continuous usage), a final `choices: []` usage chunk, then `[DONE]`.
 * @returns {{ events: string[], truth: Truth }}
 */
export function chatTextCorpus(deltas = 4000, seed = 1) {
  const random = rng(seed);
  const id = "chatcmpl-bench";
  const head = `"id":"${id}","object":"chat.completion.chunk","created":1700000000,"model":"deepseek-ai/DeepSeek-V3.1"`;
  const events = [];
  let content = "";
  const usage = (n) => ({ prompt_tokens: 42, completion_tokens: n, total_tokens: 42 + n, prompt_tokens_details: { cached_tokens: 0 } });
  events.push(`data: {${head},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":${JSON.stringify(usage(0))}}\n\n`);
  for (let i = 0; i < deltas; i++) {
    const n = 1 + Math.floor(random() * 8);
    let text = "";
    for (let w = 0; w < n; w++) text += (w || i ? " " : "") + WORDS[Math.floor(random() * WORDS.length)];
    content += text;
    const chunk = `{${head},"choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}],"usage":${JSON.stringify(usage(i + 1))}}`;
    events.push(`data: ${chunk}\n\n`);
  }
  events.push(`data: {${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":${JSON.stringify(usage(deltas))}}\n\n`);
  events.push(`data: {${head},"choices":[],"usage":${JSON.stringify(usage(deltas))}}\n\n`);
  events.push("data: [DONE]\n\n");
  return { events, truth: { content, reasoning: "", toolCalls: [], finishReason: "stop", usage: usage(deltas) } };
}

/**
 * @typedef {{ content: string, reasoning: string, toolCalls: { id: string, name: string, arguments: string }[],
 *   finishReason: string, usage: object }} Truth
 */

const usageOf = (n) => ({ prompt_tokens: 42, completion_tokens: n, total_tokens: 42 + n, prompt_tokens_details: { cached_tokens: 0 } });
const headOf = (id) => `"id":"${id}","object":"chat.completion.chunk","created":1700000000,"model":"deepseek-ai/DeepSeek-V3.1"`;
/** One `data:` event with a single choice 0 carrying `delta` (a JSON text). */
const deltaEvent = (head, delta, finish, n) =>
  `data: {${head},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish ? JSON.stringify(finish) : "null"}}],"usage":${JSON.stringify(usageOf(n))}}\n\n`;
/** The closing events: finish reason, the `choices: []` usage chunk, `[DONE]`. */
const closing = (head, finish, n) => [
  deltaEvent(head, "{}", finish, n),
  `data: {${head},"choices":[],"usage":${JSON.stringify(usageOf(n))}}\n\n`,
  "data: [DONE]\n\n",
];

/** `count` random phrases of 1–8 words (the first without a leading space). */
function phrases(random, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(random() * 8);
    let text = "";
    for (let w = 0; w < n; w++) text += (w || i ? " " : "") + WORDS[Math.floor(random() * WORDS.length)];
    out.push(text);
  }
  return out;
}

/** Tool arguments: a JSON object of about `bytes` UTF-8 bytes, with escapes and multibyte text. */
function toolArguments(random, bytes) {
  const args = { query: phrases(random, 3).join(""), limit: 1 + Math.floor(random() * 100), filters: { lang: "en", strict: random() < 0.5 }, notes: [] };
  const size = () => new TextEncoder().encode(JSON.stringify(args)).length;
  while (size() < bytes) args.notes.push({ at: Math.floor(random() * 1e6), text: phrases(random, 2).join("") });
  return JSON.stringify(args);
}

/**
 * Parallel tool calls (issue 4): `calls` calls (default 3), each with about
 * `argBytes` bytes of arguments streamed in fragments of 4–12 code points
 * (about 8 bytes; code points are never split, as a server's tokens are
 * whole UTF-8). Calls arrive one after another, the first fragment of each
 * carrying `id`, `type` and the name; then `finish_reason: "tool_calls"`.
 * @returns {{ events: string[], truth: Truth }}
 */
export function chatToolCallCorpus(calls = 3, argBytes = 2048, seed = 2) {
  const random = rng(seed);
  const head = headOf("chatcmpl-bench-tools");
  const events = [deltaEvent(head, `{"role":"assistant","content":""}`, null, 0)];
  const toolCalls = [];
  let n = 0;
  for (let index = 0; index < calls; index++) {
    const call = { id: `call_${index}_${Math.floor(random() * 1e9).toString(36)}`, name: ["search_docs", "get_weather", "run_query"][index % 3], arguments: toolArguments(random, argBytes) };
    toolCalls.push(call);
    const start = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
    events.push(deltaEvent(head, JSON.stringify({ tool_calls: [start] }), null, ++n));
    const points = Array.from(call.arguments);
    for (let at = 0; at < points.length; ) {
      const take = 4 + Math.floor(random() * 9);
      const fragment = points.slice(at, at + take).join("");
      at += take;
      events.push(deltaEvent(head, JSON.stringify({ tool_calls: [{ index, function: { arguments: fragment } }] }), null, ++n));
    }
  }
  events.push(...closing(head, "tool_calls", n));
  return { events, truth: { content: "", reasoning: "", toolCalls, finishReason: "tool_calls", usage: usageOf(n) } };
}

/**
 * A reasoning model's stream (issue 4): `reasoningDeltas` `reasoning_content`
 * deltas (default 2,000), then `contentDeltas` content deltas (default 1,000),
 * usage on every chunk.
 * @returns {{ events: string[], truth: Truth }}
 */
export function chatReasoningCorpus(reasoningDeltas = 2000, contentDeltas = 1000, seed = 3) {
  const random = rng(seed);
  const head = headOf("chatcmpl-bench-reasoning");
  const events = [deltaEvent(head, `{"role":"assistant","content":""}`, null, 0)];
  let n = 0;
  const reasoning = phrases(random, reasoningDeltas);
  for (const text of reasoning) events.push(deltaEvent(head, JSON.stringify({ reasoning_content: text }), null, ++n));
  const content = phrases(random, contentDeltas);
  for (const text of content) events.push(deltaEvent(head, JSON.stringify({ content: text }), null, ++n));
  events.push(...closing(head, "stop", n));
  return { events, truth: { content: content.join(""), reasoning: reasoning.join(""), toolCalls: [], finishReason: "stop", usage: usageOf(n) } };
}

/** Cuts the concatenated stream into `size`-byte network chunks. */
export function rechunk(chunks, size) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const out = [];
  for (let i = 0; i < total; i += size) out.push(all.subarray(i, i + size));
  return out;
}
