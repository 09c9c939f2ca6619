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

// ---------------------------------------------------------------------------
// Anthropic Messages corpora (issues 5 and 8). Each returns `{ events, truth }`:
// `events` are whole SSE events (`event: …\ndata: …\n\n`, pings included) and
// `truth` is what they accumulate to:
//   { content: [{ type: "text", text } | { type: "thinking", thinking, signature }
//               | { type: "tool_use", id, name, input, json }], stop_reason, usage }
// (`json` is the input as streamed, `input` the same parsed).

const MESSAGES_MODEL = "deepseek-ai/DeepSeek-V3.1";
const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const PING = `event: ping\ndata: {"type": "ping"}\n\n`;

/**
 * Collects events, with a ping after every ~50 events (40–60, seeded) as
 * the API sends them, and one right after the first block starts.
 */
function messagesWriter(random) {
  const events = [];
  let untilPing = 40 + Math.floor(random() * 21);
  return {
    events,
    push(type, data) {
      events.push(sse(type, data));
      if (--untilPing === 0) {
        events.push(PING);
        untilPing = 40 + Math.floor(random() * 21);
      }
    },
    ping: () => events.push(PING),
  };
}

function messageStart(w, id, usage) {
  w.push("message_start", {
    message: { id, type: "message", role: "assistant", model: MESSAGES_MODEL, content: [], stop_reason: null, stop_sequence: null, usage },
  });
}

/** A text block at `index`, streamed as the given deltas. */
function textBlock(w, index, deltas) {
  w.push("content_block_start", { index, content_block: { type: "text", text: "" } });
  if (index === 0) w.ping();
  for (const text of deltas) w.push("content_block_delta", { index, delta: { type: "text_delta", text } });
  w.push("content_block_stop", { index });
  return { type: "text", text: deltas.join("") };
}

/** A tool_use block at `index`: its input in fragments of 4–12 code points (an empty first one, as the API sends). */
function toolBlock(w, random, index, id, name, json) {
  w.push("content_block_start", { index, content_block: { type: "tool_use", id, name, input: {} } });
  if (index === 0) w.ping();
  w.push("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } });
  const points = Array.from(json);
  for (let at = 0; at < points.length; ) {
    const take = 4 + Math.floor(random() * 9);
    w.push("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: points.slice(at, at + take).join("") } });
    at += take;
  }
  w.push("content_block_stop", { index });
  return { type: "tool_use", id, name, input: JSON.parse(json), json };
}

const startUsage = () => ({ input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: "standard" });

/**
 * Text (issue 5): 4,000 text_delta events of 1–8 words (multibyte text,
 * quotes, newlines), pings every ~50 events; `message_delta` carries
 * `stop_reason: "end_turn"` and `usage: { output_tokens }` only.
 * @returns {{ events: string[], truth: MessagesTruth }}
 */
export function messagesTextCorpus(deltas = 4000, seed = 11) {
  const random = rng(seed);
  const w = messagesWriter(random);
  messageStart(w, "msg_bench_text", startUsage());
  const block = textBlock(w, 0, phrases(random, deltas));
  w.push("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: deltas } });
  w.push("message_stop", {});
  return { events: w.events, truth: { content: [block], stop_reason: "end_turn", usage: { ...startUsage(), output_tokens: deltas } } };
}

/**
 * Tool use (issue 5): a short text block (20 deltas), then a tool_use block
 * with ~4 KB of input and a second with ~1 KB, in ~8-byte fragments;
 * `stop_reason: "tool_use"`.
 * @returns {{ events: string[], truth: MessagesTruth }}
 */
export function messagesToolUseCorpus(bytes = [4096, 1024], seed = 12) {
  const random = rng(seed);
  const w = messagesWriter(random);
  messageStart(w, "msg_bench_tools", startUsage());
  const content = [textBlock(w, 0, phrases(random, 20))];
  bytes.forEach((size, k) => {
    const id = `toolu_bench_${k}_${Math.floor(random() * 1e9).toString(36)}`;
    content.push(toolBlock(w, random, k + 1, id, ["search_docs", "get_weather"][k % 2], toolArguments(random, size)));
  });
  const n = w.events.length;
  w.push("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: n } });
  w.push("message_stop", {});
  return { events: w.events, truth: { content, stop_reason: "tool_use", usage: { ...startUsage(), output_tokens: n } } };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Extended thinking (issue 5): 1,500 thinking_delta events, one
 * signature_delta (a 344-character base64 signature), then a text block of
 * 500 deltas; `message_delta` carries the cumulative usage counters too.
 * @returns {{ events: string[], truth: MessagesTruth }}
 */
export function messagesThinkingCorpus(thinkingDeltas = 1500, textDeltas = 500, seed = 13) {
  const random = rng(seed);
  const w = messagesWriter(random);
  const usage = { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 512, output_tokens: 1, service_tier: "standard" };
  messageStart(w, "msg_bench_thinking", usage);
  w.push("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
  w.ping();
  const thinking = phrases(random, thinkingDeltas);
  for (const text of thinking) w.push("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: text } });
  let signature = "";
  for (let i = 0; i < 342; i++) signature += BASE64[Math.floor(random() * 64)];
  signature += "==";
  w.push("content_block_delta", { index: 0, delta: { type: "signature_delta", signature } });
  w.push("content_block_stop", { index: 0 });
  const text = textBlock(w, 1, phrases(random, textDeltas));
  const final = { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 512, output_tokens: thinkingDeltas + textDeltas };
  w.push("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: final });
  w.push("message_stop", {});
  return {
    events: w.events,
    truth: { content: [{ type: "thinking", thinking: thinking.join(""), signature }, text], stop_reason: "end_turn", usage: { ...usage, ...final } },
  };
}

/**
 * @typedef {{ content: ({ type: "text", text: string } | { type: "thinking", thinking: string, signature: string }
 *   | { type: "tool_use", id: string, name: string, input: unknown, json: string })[], stop_reason: string, usage: object }} MessagesTruth
 */

/**
 * Cuts the concatenated stream into chunks of about `size` bytes, each cut
 * moved forward to the first place `ok(all, at)` accepts (a cut just before
 * byte `at`). Throws if no such place follows a boundary.
 * @returns {{ chunks: Uint8Array[], cuts: number }}
 */
export function rechunkAt(chunks, size, ok) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const out = [];
  let from = 0;
  for (;;) {
    let cut = from + size;
    if (cut >= total) break;
    while (cut < total && !ok(all, cut)) cut++;
    if (cut >= total) throw new Error(`rechunkAt: no acceptable cut after byte ${from + size}`);
    out.push(all.subarray(from, cut));
    from = cut;
  }
  out.push(all.subarray(from));
  return { chunks: out, cuts: out.length - 1 };
}

/** A cut inside a UTF-8 sequence: the next byte is a continuation byte. */
export const insideUtf8 = (all, at) => (all[at] & 0xc0) === 0x80;
/** A cut between the CR and the LF of a CRLF. */
export const betweenCrLf = (all, at) => all[at - 1] === 0x0d && all[at] === 0x0a;
