// Messages scenarios run inside the page against the web build (/js/web.js) and
// the emulator behind scripts/serve.js's /v1 proxy. Each returns plain data for
// page.evaluate (messages, events, errors described); the Node side
// (tests/browser/messages.test.js) makes the assertions.
import * as mw from "/js/web.js";

const { Client, APIError, StreamError, APIUserAbortError, MessageStream } = mw;

/** @param {string | null} key @param {Record<string, unknown>} [options] */
const client = (key, options = {}) => new Client({ apiKey: key, baseURL: `${location.origin}/v1`, ...options });

/** Plain JSON of a value (drops non-enumerable fields such as _request_id). @param {any} value */
const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/** What the Node side needs to know about an error. @param {any} err @param {string | null} key */
function describe(err, key) {
  const views = [String(err), err?.message, JSON.stringify(err), String(err?.stack), JSON.stringify(err?.error)];
  return {
    name: err?.name,
    constructorName: err?.constructor?.name,
    isInstanceOfItsClass: typeof mw[err?.constructor?.name] === "function" && err instanceof mw[err.constructor.name],
    isAPIError: err instanceof APIError,
    isStreamError: err instanceof StreamError,
    isAbort: err instanceof APIUserAbortError,
    isInternalServerError: err instanceof mw.InternalServerError,
    code: err?.code ?? null,
    kind: err?.kind ?? null,
    type: err?.type ?? null,
    status: err?.status ?? null,
    requestId: err?.requestId ?? null,
    headerRequestId: err?.headers?.get?.("x-baseten-request-id") ?? null,
    message: String(err?.message),
    error: plain(err?.error),
    partial: plain(err?.partial),
    keyLeaked: key ? views.some((v) => String(v).includes(key)) : false,
  };
}

/** Text of a message's text blocks, joined. @param {any} m */
const textOf = (m) => (m?.content ?? []).filter((/** @type {any} */ b) => b.type === "text").map((/** @type {any} */ b) => b.text).join("");

/** @param {any[]} events */
const textOfEvents = (events) => events.map((e) => (e.type === "content_block_delta" && e.delta.type === "text_delta" ? e.delta.text : "")).join("");

/**
 * Records a runner's events in order (names, and the arguments worth checking).
 * @param {any} runner
 */
function watch(runner) {
  const seen = [];
  const texts = [];
  const inputs = [];
  runner.on("connect", () => seen.push("connect"));
  runner.on("streamEvent", (/** @type {any} */ e) => seen.push(e.type));
  runner.on("text", (/** @type {string} */ delta, /** @type {string} */ snapshot) => {
    seen.push("text");
    texts.push([delta, snapshot]);
  });
  runner.on("inputJson", (/** @type {string} */ partial, /** @type {unknown} */ snapshot) => {
    seen.push("inputJson");
    inputs.push([partial, plain(snapshot)]);
  });
  runner.on("contentBlock", (/** @type {any} */ b) => seen.push(`contentBlock:${b.type}`));
  runner.on("message", () => seen.push("message"));
  runner.on("finalMessage", () => seen.push("finalMessage"));
  runner.on("abort", (/** @type {any} */ e) => seen.push(`abort:${e?.constructor?.name}`));
  runner.on("error", (/** @type {any} */ e) => seen.push(`error:${e?.constructor?.name}`));
  runner.on("end", () => seen.push("end"));
  return { seen, texts, inputs };
}

/**
 * The same request three ways: create, create stream (its events), the runner (watched).
 * @param {any} c @param {any} params
 */
async function threeWays(c, params) {
  const message = await c.messages.create(params);
  const stream = await c.messages.create({ ...params, stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  const runner = c.messages.stream(params);
  const watched = watch(runner);
  const final = await runner.finalMessage();
  return { message, events, stream, watched, final };
}

export const scenarios = {
  async plain({ key, params }) {
    const message = await client(key).messages.create(params);
    return { message: plain(message), requestId: message._request_id, enumerable: Object.keys(message).includes("_request_id") };
  },

  // Raw events, and currentMessage() after each one.
  async streamed({ key, params, requestOptions = {} }) {
    const stream = await client(key).messages.create({ ...params, stream: true }, requestOptions);
    const events = [];
    const snapshots = [];
    for await (const event of stream) {
      events.push(event);
      snapshots.push(stream.currentMessage());
    }
    return { events, snapshots, current: stream.currentMessage(), requestId: stream.requestId };
  },

  async runner({ key, params }) {
    const runner = client(key).messages.stream(params);
    const watched = watch(runner);
    const final = await runner.finalMessage();
    return {
      ...watched,
      isMessageStream: runner instanceof MessageStream,
      final: plain(final),
      finalText: await runner.finalText(),
      current: plain(runner.currentMessage),
    };
  },

  // tool_use (create), the same call streamed (raw events and the runner's inputJson), then the
  // tool_result turn answered (create and runner).
  async toolRoundTrip({ key, params, result }) {
    const c = client(key);
    const { message: first, events, stream, watched, final: streamed } = await threeWays(c, params);
    const use = first.content.find((/** @type {any} */ b) => b.type === "tool_use");
    const next = {
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use?.id, content: result }] },
      ],
    };
    const answer = await c.messages.create(next);
    const answerStreamed = await c.messages.stream(next).finalMessage();
    return {
      first: plain(first),
      events,
      current: stream.currentMessage(),
      inputs: watched.inputs,
      seen: watched.seen,
      streamed: plain(streamed),
      answer: plain(answer),
      answerStreamed: plain(answerStreamed),
    };
  },

  // The same request with stop_sequences: create, create stream, runner.
  async stopSequences({ key, params }) {
    const { message, events, stream, watched, final } = await threeWays(client(key), params);
    return { message: plain(message), events, current: stream.currentMessage(), final: plain(final), texts: watched.texts };
  },

  // Any request that must fail before the stream begins: its error, or { resolved }.
  async failing({ key, params, options = {}, requestOptions = {}, mode = "create" }) {
    const c = client(key, { maxRetries: 0, ...options });
    let errorEvent = null;
    try {
      if (mode === "create") await c.messages.create(params, requestOptions);
      else if (mode === "create stream") {
        for await (const _ of await c.messages.create({ ...params, stream: true }, requestOptions));
      } else {
        const runner = c.messages.stream(params, requestOptions);
        runner.on("error", (/** @type {any} */ e) => (errorEvent = e));
        await runner.finalMessage();
      }
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), errorEventIsTheError: mode === "runner" ? errorEvent === err : null };
    }
  },

  // An `error` event mid-stream (create stream or the runner): the events delivered, the error.
  async midStreamError({ key, params, fault, mode }) {
    const c = client(key);
    const headers = { "x-emulator-fault": fault };
    if (mode === "create stream") {
      const stream = await c.messages.create({ ...params, stream: true }, { headers });
      const events = [];
      try {
        for await (const event of stream) events.push(event);
        return { resolved: true };
      } catch (err) {
        return { ...describe(err, key), events, delivered: textOfEvents(events), current: stream.currentMessage() };
      }
    }
    const runner = c.messages.stream(params, { headers });
    const watched = watch(runner);
    try {
      await runner.finalMessage();
      return { resolved: true };
    } catch (err) {
      let finalTextRejected = false;
      try {
        await runner.finalText();
      } catch {
        finalTextRejected = true;
      }
      return { ...describe(err, key), seen: watched.seen, delivered: watched.texts.map(([d]) => d).join(""), finalTextRejected };
    }
  },

  // options.signal aborted after `after` events.
  async abortMidStream({ key, params, after }) {
    const controller = new AbortController();
    const events = [];
    const started = performance.now();
    try {
      const stream = await client(key).messages.create({ ...params, stream: true }, { signal: controller.signal });
      for await (const event of stream) {
        events.push(event);
        if (events.length === after) controller.abort();
      }
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), events, delivered: textOfEvents(events), elapsed: performance.now() - started };
    }
  },

  // runner.abort() from a text listener.
  async runnerAbort({ key, params, afterTexts }) {
    const runner = client(key).messages.stream(params);
    const watched = watch(runner);
    let texts = 0;
    runner.on("text", () => {
      if (++texts === afterTexts) runner.abort();
    });
    const started = performance.now();
    try {
      await runner.finalMessage();
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), seen: watched.seen, delivered: watched.texts.map(([d]) => d).join(""), elapsed: performance.now() - started };
    }
  },

  // 429s answered with retry-after-ms, then success (create and the runner).
  async retry({ key, params, fault, mode }) {
    const c = client(key, { maxRetries: 3 });
    const headers = { "x-emulator-fault": fault };
    const started = performance.now();
    const message = mode === "create"
      ? await c.messages.create(params, { headers })
      : await c.messages.stream(params, { headers }).finalMessage();
    return { message: plain(message), requestId: message._request_id ?? null, elapsed: performance.now() - started };
  },

  // The connection dropped mid-stream (create stream, or the runner): what was delivered, the error.
  async drop({ key, params, fault, mode }) {
    const c = client(key);
    const headers = { "x-emulator-fault": fault };
    if (mode === "create stream") {
      const events = [];
      try {
        const stream = await c.messages.create({ ...params, stream: true }, { headers });
        for await (const event of stream) events.push(event);
        return { resolved: true };
      } catch (err) {
        return { ...describe(err, key), events, delivered: textOfEvents(events) };
      }
    }
    const runner = c.messages.stream(params, { headers });
    const watched = watch(runner);
    try {
      await runner.finalMessage();
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), seen: watched.seen, delivered: watched.texts.map(([d]) => d).join("") };
    }
  },

  // A stall mid-stream ended by the idle timeout.
  async stall({ key, params, fault, idleTimeout }) {
    const events = [];
    const started = performance.now();
    try {
      const stream = await client(key).messages.create({ ...params, stream: true }, { idleTimeout, headers: { "x-emulator-fault": fault } });
      for await (const event of stream) events.push(event);
      return { resolved: true };
    } catch (err) {
      return { ...describe(err, key), events, delivered: textOfEvents(events), elapsed: performance.now() - started };
    }
  },

  // A reasoning model through the runner: thinking and signature events, then text.
  async thinking({ key, params }) {
    const runner = client(key).messages.stream(params);
    const watched = watch(runner);
    const thinking = [];
    const signatures = [];
    runner.on("thinking", (/** @type {string} */ delta, /** @type {string} */ snapshot) => thinking.push([delta, snapshot]));
    runner.on("signature", (/** @type {string} */ signature) => signatures.push(signature));
    const final = await runner.finalMessage();
    return { ...watched, thinking, signatures, final: plain(final), finalText: await runner.finalText() };
  },

  // A signal aborted before the call: nothing is sent.
  async abortBeforeCall({ key, params }) {
    const controller = new AbortController();
    controller.abort();
    const out = {};
    for (const [mode, run] of [
      ["create", () => client(key).messages.create(params, { signal: controller.signal })],
      ["create stream", () => client(key).messages.create({ ...params, stream: true }, { signal: controller.signal })],
      ["runner", () => client(key).messages.stream(params, { signal: controller.signal }).finalMessage()],
    ]) {
      try {
        await run();
        out[mode] = { resolved: true };
      } catch (err) {
        out[mode] = describe(err, key);
      }
    }
    return out;
  },
};

window.scenarios = scenarios;
window.modelwireExports = Object.keys(mw);
document.getElementById("status").textContent = "ready";
