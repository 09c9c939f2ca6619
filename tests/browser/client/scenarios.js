// Scenarios run inside the page against the web build (/js/web.js) and the
// emulator behind scripts/serve.js's /v1 proxy. Each returns plain data for
// page.evaluate; the Node side makes the assertions.
import * as mw from "/js/web.js";

const { Client, APIError, StreamError, APIUserAbortError, RateLimitError } = mw;

/** @param {Record<string, unknown>} [options] */
const client = (key, options = {}) => new Client({ apiKey: key, baseURL: `${location.origin}/v1`, ...options });

/** What the Node side needs to know about an error. @param {any} err @param {string} key */
function describe(err, key) {
  const views = [String(err), err?.message, JSON.stringify(err), String(err?.stack)];
  return {
    name: err?.name,
    constructorName: err?.constructor?.name,
    isAPIError: err instanceof APIError,
    isStreamError: err instanceof StreamError,
    isAbort: err instanceof APIUserAbortError,
    isRateLimit: err instanceof RateLimitError,
    code: err?.code ?? null,
    status: err?.status ?? null,
    requestId: err?.requestId ?? null,
    message: String(err?.message),
    partialContent: err?.partial?.choices?.[0]?.message?.content ?? null,
    keyLeaked: views.some((v) => String(v).includes(key)),
  };
}

/** @param {any[]} chunks */
const contentOfChunks = (chunks) => chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("");

export const scenarios = {
  async plain({ key, params }) {
    const completion = await client(key).chat.completions.create(params);
    return { content: completion.choices[0].message.content, requestId: completion._request_id, object: completion.object };
  },

  async runner({ key, params }) {
    const runner = client(key).chat.completions.stream(params);
    const deltas = [];
    let chunks = 0;
    runner.on("content", (delta) => deltas.push(delta));
    runner.on("chunk", () => chunks++);
    const final = await runner.finalChatCompletion();
    return { deltas, chunks, finalContent: final.choices[0].message.content, finishReason: final.choices[0].finish_reason };
  },

  async retry({ key, params, fault }) {
    const started = performance.now();
    const completion = await client(key, { maxRetries: 3 }).chat.completions.create(params, { headers: { "x-emulator-fault": fault } });
    return { content: completion.choices[0].message.content, requestId: completion._request_id, elapsed: performance.now() - started };
  },

  async rateLimited({ key, params, fault }) {
    try {
      await client(key, { maxRetries: 0 }).chat.completions.create(params, { headers: { "x-emulator-fault": fault } });
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), retryAfterMs: err?.headers?.get?.("retry-after-ms") ?? null };
    }
  },

  async drop({ key, params, fault }) {
    const chunks = [];
    try {
      const stream = await client(key).chat.completions.create({ ...params, stream: true }, { headers: { "x-emulator-fault": fault } });
      for await (const chunk of stream) chunks.push(chunk);
      return { resolved: true, chunks: chunks.length };
    } catch (err) {
      return { ...describe(err, key), delivered: contentOfChunks(chunks), chunks: chunks.length };
    }
  },

  async abortMidStream({ key, params, after }) {
    const controller = new AbortController();
    const chunks = [];
    const started = performance.now();
    try {
      const stream = await client(key).chat.completions.create({ ...params, stream: true }, { signal: controller.signal });
      for await (const chunk of stream) {
        chunks.push(chunk);
        if (chunks.length === after) controller.abort();
      }
      return { resolved: true, chunks: chunks.length };
    } catch (err) {
      return { ...describe(err, key), delivered: contentOfChunks(chunks), chunks: chunks.length, elapsed: performance.now() - started };
    }
  },

  async runnerAbort({ key, params }) {
    const runner = client(key).chat.completions.stream(params);
    let content = "";
    let aborts = 0;
    runner.on("abort", () => aborts++);
    runner.on("content", (delta) => {
      content += delta;
      if (content.length > 10) runner.abort();
    });
    try {
      await runner.finalChatCompletion();
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), delivered: content, aborts };
    }
  },
};

window.scenarios = scenarios;
window.modelwireExports = Object.keys(mw);
document.getElementById("status").textContent = "ready";
