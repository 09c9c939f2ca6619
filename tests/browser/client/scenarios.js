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
    hasPartial: err?.partial !== undefined,
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

  async drop({ key, params, fault, requestOptions = {} }) {
    const chunks = [];
    try {
      const stream = await client(key).chat.completions.create({ ...params, stream: true }, { ...requestOptions, headers: { "x-emulator-fault": fault } });
      for await (const chunk of stream) chunks.push(chunk);
      return { resolved: true, chunks: chunks.length };
    } catch (err) {
      return { ...describe(err, key), delivered: contentOfChunks(chunks), chunks: chunks.length };
    }
  },

  async lean({ key, params }) {
    const stream = await client(key).chat.completions.create({ ...params, stream: true }, { accumulate: false });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    let snapshot;
    try {
      stream.currentCompletion();
      snapshot = "returned";
    } catch (err) {
      snapshot = err instanceof mw.ModelwireError ? `ModelwireError: ${err.message}` : String(err);
    }
    return { content: contentOfChunks(chunks), chunks: chunks.length, snapshot, usage: chunks.findLast((c) => c.usage)?.usage ?? null };
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

  // Tool calling round trip: a call (plain), the tool result, then the answer (streamed, with
  // the runner's argument events on a second, streamed call).
  async toolRoundTrip({ key, model, question, tools, result }) {
    const c = client(key);
    const first = await c.chat.completions.create({ model, messages: [question], tools, tool_choice: "auto" });
    const message = first.choices[0].message;
    const call = message.tool_calls?.[0];
    const runner = c.chat.completions.stream({ model, messages: [question], tools });
    const argumentDeltas = [];
    runner.on("tool_call.arguments.delta", (event) => argumentDeltas.push(event.arguments_delta));
    const streamed = await runner.finalChatCompletion();
    const answerRunner = c.chat.completions.stream({
      model,
      messages: [question, message, { role: "tool", tool_call_id: call?.id, content: result }],
      tools,
    });
    const answer = await answerRunner.finalChatCompletion();
    return {
      firstFinish: first.choices[0].finish_reason,
      call,
      streamedCall: streamed.choices[0].message.tool_calls?.[0] ?? null,
      argumentDeltas,
      answerFinish: answer.choices[0].finish_reason,
      answerContent: answer.choices[0].message.content,
      answerToolCalls: answer.choices[0].message.tool_calls ?? null,
    };
  },

  // Structured output: the content parses (plain), and the runner's content.done gives it parsed.
  async jsonSchema({ key, params }) {
    const c = client(key);
    const plain = await c.chat.completions.create(params);
    const runner = c.chat.completions.stream(params);
    let parsedOnDone;
    runner.on("content.done", (event) => (parsedOnDone = event.parsed));
    const final = await runner.finalChatCompletion();
    return { plain: plain.choices[0].message.content, streamed: final.choices[0].message.content, parsedOnDone };
  },

  // Reasoning: the runner's reasoning events add up to the final reasoning_content.
  async reasoning({ key, params }) {
    const runner = client(key).chat.completions.stream(params);
    const reasoning = [];
    const content = [];
    runner.on("reasoning", (delta) => reasoning.push(delta));
    runner.on("content", (delta) => content.push(delta));
    const final = await runner.finalChatCompletion();
    const message = final.choices[0].message;
    return { reasoning: reasoning.join(""), content: content.join(""), finalReasoning: message.reasoning_content ?? null, finalContent: message.content };
  },

  // Any request that must fail: its error as plain data, or { resolved } if it did not fail.
  async failing({ key, params, options = {}, requestOptions = {}, mode = "create" }) {
    const c = new Client({ apiKey: key, baseURL: `${location.origin}/v1`, maxRetries: 0, ...options });
    try {
      if (mode === "create") await c.chat.completions.create(params, requestOptions);
      else if (mode === "create stream") {
        for await (const _ of await c.chat.completions.create({ ...params, stream: true }, requestOptions));
      } else await c.chat.completions.stream(params, requestOptions).finalChatCompletion();
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), isInstanceOfItsClass: err instanceof mw[err?.constructor?.name] };
    }
  },

  // A stream that stalls after some chunks: the idle timeout fails it, keeping what arrived.
  async stall({ key, params, fault, idleTimeout }) {
    const chunks = [];
    const started = performance.now();
    try {
      const stream = await client(key).chat.completions.create({ ...params, stream: true }, { idleTimeout, headers: { "x-emulator-fault": fault } });
      for await (const chunk of stream) chunks.push(chunk);
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), delivered: contentOfChunks(chunks), chunks: chunks.length, elapsed: performance.now() - started };
    }
  },
};

window.scenarios = scenarios;
window.modelwireExports = Object.keys(mw);
document.getElementById("status").textContent = "ready";
