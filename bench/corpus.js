// Deterministic benchmark corpora (issue 8): Baseten-shaped Chat Completions
// streams, with the truth they must accumulate to.

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
 * @returns {{ events: string[], truth: { content: string, usage: object } }}
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
  return { events, truth: { content, usage: usage(deltas) } };
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
