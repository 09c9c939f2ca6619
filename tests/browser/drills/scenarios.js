// Fault-drill scenarios run inside the page against the web build (/js/web.js) and the emulator
// behind scripts/serve.js's /v1 proxy, for both client.chat.completions and client.messages.
// Every client gets a recording fetch of the page's own (not modelwire's): the start of each
// call (performance.now()), the bytes its body delivered (read on demand only, no read-ahead),
// whether the body was cancelled, and any read begun after the drill said "stop". Each
// scenario returns plain data for page.evaluate; the Node side (tests/browser/drills.test.js)
// compares it with references read in Node (the emulator's log and raw bytes).
import * as mw from "/js/web.js";

const { Client, APIError, StreamError, APIUserAbortError, InternalServerError } = mw;

const API = {
  chat: (/** @type {any} */ c) => c.chat.completions,
  messages: (/** @type {any} */ c) => c.messages,
};
const FINAL = {
  chat: (/** @type {any} */ r) => r.finalChatCompletion(),
  messages: (/** @type {any} */ r) => r.finalMessage(),
};
const CURRENT = {
  chat: (/** @type {any} */ s) => s.currentCompletion(),
  messages: (/** @type {any} */ s) => s.currentMessage(),
};
/** The runner event that carries each raw item. */
const RAW_EVENT = { chat: "chunk", messages: "streamEvent" };

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plain JSON of a value (drops non-enumerable fields). @param {any} value */
const plain = (value) => (value === undefined || value === null ? null : JSON.parse(JSON.stringify(value)));

/** @param {Uint8Array} bytes */
function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * A fetch that records each call and hands the client a body read on demand only.
 * @param {typeof fetch} [inner] @param {{ keep?: number }} [options] keep: bytes of each body kept for the Node side
 */
function traced(inner = (url, init) => fetch(url, init), { keep = 1 << 20 } = {}) {
  /** @type {any[]} */
  const calls = [];
  let stoppedAt = Infinity;
  /** @type {typeof fetch} */
  const fn = async (url, init) => {
    const call = {
      start: performance.now(),
      url: String(url),
      bytes: 0,
      reads: 0,
      readsAfterStop: 0,
      cancelled: false,
      done: false,
      failed: /** @type {string | null} */ (null),
      rejected: /** @type {string | null} */ (null),
      /** @type {Uint8Array[]} */
      parts: [],
      kept: 0,
    };
    calls.push(call);
    let response;
    try {
      response = await inner(url, init);
    } catch (err) {
      call.rejected = /** @type {any} */ (err)?.name ?? String(err);
      call.rejectedMessage = String(/** @type {any} */ (err)?.message ?? err);
      call.rejectedAt = performance.now();
      throw err;
    }
    if (!response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream(
      {
        async pull(controller) {
          if (performance.now() >= stoppedAt) call.readsAfterStop++;
          call.reads++;
          try {
            const { done, value } = await reader.read();
            if (done) {
              call.done = true;
              controller.close();
              return;
            }
            call.bytes += value.byteLength;
            if (call.kept < keep) {
              const part = value.subarray(0, keep - call.kept);
              call.parts.push(part.slice());
              call.kept += part.byteLength;
            }
            controller.enqueue(value);
          } catch (err) {
            call.failed = /** @type {any} */ (err)?.name ?? String(err);
            controller.error(err);
          }
        },
        cancel(reason) {
          call.cancelled = true;
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: fn,
    calls,
    stopAt() {
      stoppedAt = performance.now();
    },
    /** The calls as plain data; `received` is the kept bytes in base64. */
    summary() {
      return calls.map(({ parts, ...c }) => {
        const all = new Uint8Array(c.kept);
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.byteLength;
        }
        return { ...c, received: base64(all) };
      });
    },
  };
}

/**
 * A fetch that returns the server's real stream with one event of a type nobody knows spliced
 * in after the 4th event (as tests/drills/content.test.js does in Node).
 * @param {{ event: string, data: unknown }} unknown
 * @returns {typeof fetch}
 */
function injecting(unknown) {
  return async (url, init) => {
    const response = await fetch(url, init);
    const text = await response.text();
    const events = text.split("\n\n");
    events.splice(4, 0, `event: ${unknown.event}\ndata: ${JSON.stringify(unknown.data)}`);
    const pieces = events.map((e, i) => (i < events.length - 1 ? e + "\n\n" : e)).filter(Boolean);
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      pull(controller) {
        const piece = pieces.shift();
        if (piece === undefined) controller.close();
        else controller.enqueue(encoder.encode(piece));
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

/** @param {string | null} key @param {Record<string, unknown>} options @param {string} [baseURL] */
const client = (key, options, baseURL = `${location.origin}/v1`) => new Client({ apiKey: key, baseURL, ...options });

/** What the Node side needs to know about an error, and every rendering of it. @param {any} err */
function describe(err) {
  if (err === null || err === undefined) return null;
  let json;
  try {
    json = JSON.stringify(err);
  } catch (e) {
    json = `<JSON.stringify threw ${e}>`;
  }
  return {
    name: err?.name,
    constructorName: err?.constructor?.name,
    isAPIError: err instanceof APIError,
    isStreamError: err instanceof StreamError,
    isAbort: err instanceof APIUserAbortError,
    isInternalServerError: err instanceof InternalServerError,
    code: err?.code ?? null,
    kind: err?.kind ?? null,
    status: err?.status ?? null,
    requestId: err?.requestId ?? null,
    message: String(err?.message),
    partial: plain(err?.partial),
    hasPartial: err?.partial !== undefined && err?.partial !== null,
    renderings: {
      "String(err)": String(err),
      "err.message": String(err?.message),
      "err.stack": String(err?.stack),
      "JSON.stringify(err)": String(json),
      "JSON.stringify(err.partial)": String(JSON.stringify(err?.partial)),
    },
  };
}

/**
 * A runner's raw items and its abort / error / end / unknownEvent events.
 * @param {any} runner @param {"chat" | "messages"} protocol @param {any[]} items
 */
function watch(runner, protocol, items) {
  const seen = { abort: /** @type {any[]} */ ([]), error: /** @type {any[]} */ ([]), end: 0, unknown: /** @type {any[]} */ ([]), order: /** @type {string[]} */ ([]) };
  runner.on(RAW_EVENT[protocol], (/** @type {any} */ item) => items.push(item));
  runner.on("abort", (/** @type {any} */ e) => (seen.abort.push(e), seen.order.push("abort")));
  runner.on("error", (/** @type {any} */ e) => (seen.error.push(e), seen.order.push("error")));
  runner.on("end", () => (seen.end++, seen.order.push("end")));
  if (protocol === "messages") runner.on("unknownEvent", (/** @type {string} */ type, /** @type {string} */ data) => seen.unknown.push({ type, data }));
  return seen;
}

/** @param {ReturnType<typeof watch> | null} seen @param {any} error */
const seenSummary = (seen, error) =>
  seen && {
    aborts: seen.abort.length,
    errors: seen.error.length,
    ends: seen.end,
    order: seen.order,
    errorEventIsTheError: seen.error.length === 1 && seen.error[0] === error,
    abortEventIsTheError: seen.abort.length === 1 && seen.abort[0] === error,
    unknown: seen.unknown,
  };

export const scenarios = {
  /**
   * One drill: a stream iterated (`mode: "stream"`) or the `.stream()` runner (`"runner"`),
   * with a fault, client options, another base URL, an abort after some ms, or an unknown event
   * spliced in. Returns what was yielded, the result or the error, and the fetch record.
   */
  async drill({ protocol, key, mode, body, fault, clientOptions = {}, baseURL, abortAfterMs, unknown, keep }) {
    const trace = traced(unknown ? injecting(unknown) : undefined, { keep });
    const c = client(key, { fetch: trace.fetch, ...clientOptions }, baseURL);
    const controller = new AbortController();
    /** @type {Record<string, unknown>} */
    const requestOptions = {};
    if (fault) requestOptions.headers = { "x-emulator-fault": fault };
    if (abortAfterMs !== undefined) {
      requestOptions.signal = controller.signal;
      setTimeout(() => controller.abort(), abortAfterMs);
    }
    /** @type {any[]} */
    const items = [];
    let error = null;
    let final = null;
    let current = null;
    /** @type {ReturnType<typeof watch> | null} */
    let seen = null;
    const started = performance.now();
    if (mode === "stream") {
      let stream = null;
      try {
        stream = await API[protocol](c).create({ ...body, stream: true }, requestOptions);
        for await (const item of stream) items.push(item);
      } catch (err) {
        error = err;
      }
      current = stream ? CURRENT[protocol](stream) : null;
    } else {
      const runner = API[protocol](c).stream(body, requestOptions);
      seen = watch(runner, protocol, items);
      try {
        final = await FINAL[protocol](runner);
      } catch (err) {
        error = err;
      }
    }
    const elapsed = performance.now() - started;
    await sleep(30); // any late event would show
    return {
      items,
      final: plain(final),
      current: plain(current),
      seen: seenSummary(seen, error),
      error: describe(error),
      elapsed,
      calls: trace.summary(),
    };
  },

  /** Aborted after the end: the signal, `stream.controller` and `runner.abort()`, all too late. */
  async abortAfterEnd({ protocol, key, body }) {
    const trace = traced();
    const c = client(key, { fetch: trace.fetch });
    const controller = new AbortController();
    const out = {};
    const stream = await API[protocol](c).create({ ...body, stream: true }, { signal: controller.signal });
    const items = [];
    let thrown = null;
    try {
      for await (const item of stream) items.push(item);
      trace.stopAt();
      controller.abort();
      stream.controller.abort();
      await sleep(50);
    } catch (err) {
      thrown = err;
    }
    out.stream = { items, current: plain(CURRENT[protocol](stream)), thrown: describe(thrown) };

    const runnerTrace = traced();
    const runner = API[protocol](client(key, { fetch: runnerTrace.fetch })).stream(body);
    const runnerItems = [];
    const seen = watch(runner, protocol, runnerItems);
    let final = null;
    let runnerThrown = null;
    try {
      final = await FINAL[protocol](runner);
      runnerTrace.stopAt();
      runner.abort();
      await sleep(50);
      // Asked again after the abort: still the result, not an error.
      final = await FINAL[protocol](runner);
    } catch (err) {
      runnerThrown = err;
    }
    out.runner = { items: runnerItems, final: plain(final), thrown: describe(runnerThrown), seen: seenSummary(seen, runnerThrown) };
    out.calls = trace.summary();
    out.runnerCalls = runnerTrace.summary();
    return out;
  },

  /**
   * A 20 MiB line, then a normal request (iterated and through the runner) on the same client.
   */
  async hugeLine({ protocol, key, body }) {
    const trace = traced(undefined, { keep: 256 * 1024 });
    const c = client(key, { fetch: trace.fetch, maxRetries: 3 });
    const items = [];
    let error = null;
    try {
      const stream = await API[protocol](c).create({ ...body, stream: true }, { headers: { "x-emulator-fault": "huge-line" } });
      for await (const item of stream) items.push(item);
    } catch (err) {
      error = err;
    }
    const afterItems = [];
    let afterError = null;
    let afterCurrent = null;
    let afterFinal = null;
    try {
      const stream = await API[protocol](c).create({ ...body, stream: true });
      for await (const item of stream) afterItems.push(item);
      afterCurrent = CURRENT[protocol](stream);
      afterFinal = await FINAL[protocol](API[protocol](c).stream(body));
    } catch (err) {
      afterError = err;
    }
    return {
      items,
      error: describe(error),
      after: { items: afterItems, current: plain(afterCurrent), final: plain(afterFinal), error: describe(afterError) },
      calls: trace.summary(),
    };
  },
};

window.scenarios = scenarios;
window.modelwireExports = Object.keys(mw);
document.getElementById("status").textContent = "ready";
