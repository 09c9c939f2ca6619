// The I/O half of a request: fetch, the per-attempt timeout, the retry
// loop's waits, abort, and reading a body with an idle timeout. Every
// decision (URL, headers, whether and how long to wait, what an error
// response means) comes from the wasm core.

import { APIConnectionError, APITimeoutError, APIUserAbortError, responseError } from "./errors.js";

/**
 * @typedef {object} Core
 * @property {(status: number, headers: string[], body: Uint8Array) => import("../pkg/web/modelwire.js").ApiErrorFields} responseError
 * @property {(text: string) => string} scrub
 *
 * @typedef {object} Attempt
 * @property {Response} response
 * @property {string | null} requestId
 * @property {AbortController} controller  aborts the whole request (user, or `Stream.controller`)
 * @property {() => void} release  drops timers and listeners
 * @property {(timedOut: boolean) => Promise<Attempt | null>} retry  after a stream failed before any event
 *
 * @typedef {object} Exchange
 * @property {Core} core
 * @property {{ new (maxRetries: number): { next(status: number, headers: string[], now: number, random: number): number, free(): void } }} RetryLoop
 * @property {typeof fetch | undefined} fetch
 * @property {string} url
 * @property {Record<string, string>} headers
 * @property {BodyInit | null | undefined} body
 * @property {string} [method]  default `POST`
 * @property {number} maxRetries
 * @property {number} timeout
 * @property {AbortSignal | null | undefined} signal
 * @property {boolean} stream  the body is read by the caller (timeout ends at the headers)
 */

/**
 * Request headers: `base`, then each layer in order, names lower-cased; a
 * null or undefined value removes the header.
 * @param {Record<string, string>} base
 * @param {...(Record<string, string | null> | undefined)} layers
 */
export function mergeHeaders(base, ...layers) {
  /** @type {Record<string, string>} */
  const out = { ...base };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [name, value] of Object.entries(layer)) {
      const key = name.toLowerCase();
      if (value === null || value === undefined) delete out[key];
      else out[key] = String(value);
    }
  }
  return out;
}

/** @param {Headers} headers */
export function flatten(headers) {
  /** @type {string[]} */
  const out = [];
  headers.forEach((value, name) => out.push(name, value));
  return out;
}

/** @param {Headers} headers */
export function requestIdOf(headers) {
  return headers.get("x-baseten-request-id") ?? headers.get("x-request-id");
}

/**
 * Sends the request, retrying as the core decides; resolves with a response
 * whose status is 2xx, or rejects with a typed error. A streamed body that
 * fails before any event reached the caller can still be retried with the
 * attempt's `retry`, within the same budget.
 * @param {Exchange} x
 * @returns {Promise<Attempt>}
 */
export async function send(x) {
  const controller = new AbortController();
  const user = x.signal;
  const onUserAbort = () => controller.abort(user?.reason);
  if (user) {
    if (user.aborted) throw new APIUserAbortError();
    user.addEventListener("abort", onUserAbort, { once: true });
  }
  const loop = new x.RetryLoop(x.maxRetries);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    user?.removeEventListener("abort", onUserAbort);
    loop.free();
  };

  /** @returns {Promise<Attempt>} */
  const run = async () => {
    for (;;) {
      const attempt = await once(x, controller);
      if (attempt.response) {
        const { response } = attempt;
        const requestId = requestIdOf(response.headers);
        if (response.ok) return { response, requestId, controller, release, retry };
        const wait = loop.next(response.status, flatten(response.headers), Date.now(), Math.random());
        if (wait < 0) {
          const body = await readAll(response, controller.signal).catch(() => new Uint8Array());
          throw responseError(x.core.responseError(response.status, flatten(response.headers), body), response.headers);
        }
        await response.body?.cancel().catch(() => {});
        await sleep(wait, controller.signal);
        continue;
      }
      const wait = loop.next(attempt.timedOut ? 1 : 0, [], Date.now(), Math.random());
      if (wait < 0) throw failure(x, attempt.error, attempt.timedOut);
      await sleep(wait, controller.signal);
    }
  };

  /**
   * After a streamed body failed before delivering anything: the next
   * attempt, or `null` when the budget is spent.
   * @param {boolean} timedOut
   * @returns {Promise<Attempt | null>}
   */
  const retry = async (timedOut) => {
    const wait = loop.next(timedOut ? 1 : 0, [], Date.now(), Math.random());
    if (wait < 0) return null;
    try {
      await sleep(wait, controller.signal);
      return await run();
    } catch (err) {
      release();
      throw err;
    }
  };

  try {
    return await run();
  } catch (err) {
    release();
    if (controller.signal.aborted && !(err instanceof APIUserAbortError)) throw new APIUserAbortError();
    throw err;
  }
}

/**
 * The error for a failed attempt that will not be retried.
 * @param {Exchange} x @param {unknown} cause @param {boolean | undefined} timedOut
 */
function failure(x, cause, timedOut) {
  if (timedOut) return new APITimeoutError(undefined, { cause });
  const detail = cause instanceof Error ? `: ${x.core.scrub(cause.message)}` : "";
  return new APIConnectionError(`Connection error${detail}`, { cause });
}

/**
 * One fetch with its timeout. A plain (non-stream) body is read inside the
 * timeout too, and a failure to read it counts as a connection failure.
 * @param {Exchange} x
 * @param {AbortController} request
 * @returns {Promise<{ response?: Response, error?: unknown, timedOut?: boolean }>}
 */
async function once(x, request) {
  const attempt = new AbortController();
  const forward = () => attempt.abort(request.signal.reason);
  request.signal.addEventListener("abort", forward, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, x.timeout);
  try {
    const fetchFn = x.fetch ?? globalThis.fetch;
    const response = await fetchFn(x.url, {
      method: x.method ?? "POST",
      headers: x.headers,
      body: x.body,
      signal: attempt.signal,
    });
    if (x.stream && response.ok) {
      // The stream's reader takes over; the request signal still aborts it.
      return { response };
    }
    // Read here, under the timeout: a retry is still possible.
    const bytes = await readAll(response, attempt.signal);
    return { response: new Response(bytes, response) };
  } catch (error) {
    if (request.signal.aborted) throw new APIUserAbortError();
    return { error, timedOut };
  } finally {
    clearTimeout(timer);
    if (!x.stream) request.signal.removeEventListener("abort", forward);
  }
}

/**
 * The whole body.
 * @param {Response} response @param {AbortSignal} signal
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function readAll(response, signal) {
  if (signal.aborted) throw signal.reason;
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Waits, or rejects with `APIUserAbortError` when `signal` aborts first.
 * @param {number} ms @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Reads a stream body chunk by chunk, failing when it goes `idleTimeout` ms
 * without a byte or when `signal` aborts; either way the reader is cancelled.
 *
 * A read is a bare `reader.read()`: an abort or an idle timeout cancels the
 * reader, which settles the pending read as done, and `read()` then throws
 * for the reason recorded in `stopped`. No Promise.race and no timer per read
 * (one network chunk per event made them a tenth of a stream's time): one
 * abort listener serves every read, and one idle timer, armed by the first
 * read, re-arms itself for the time the pending read has left.
 */
export class BodyReader {
  /** @type {ReadableStreamDefaultReader<Uint8Array> | null} */
  #reader;
  #signal;
  /** @type {number | undefined} */
  #idle;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** When the pending read started (performance.now()), or -1 when none is pending. */
  #since = -1;
  #onAbort = () => {
    this.stopped ??= "abort";
    this.cancel();
  };
  #onTimer = () => {
    this.#timer = undefined;
    // No read pending (the caller is busy between reads): the next read re-arms it.
    if (this.#since < 0 || this.#idle === undefined) return;
    const left = this.#idle - (performance.now() - this.#since);
    if (left > 0) {
      this.#timer = setTimeout(this.#onTimer, Math.ceil(left));
      return;
    }
    this.stopped ??= "idle";
    this.cancel();
  };
  /** @type {"idle" | "abort" | null} */
  stopped = null;

  /**
   * @param {Response} response
   * @param {AbortSignal} signal
   * @param {number | undefined} idleTimeout
   */
  constructor(response, signal, idleTimeout) {
    this.#reader = response.body ? response.body.getReader() : null;
    this.#signal = signal;
    this.#idle = idleTimeout === Infinity ? undefined : idleTimeout;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * The next chunk, or `null` at the end. Rejects with the cause when the
   * connection fails; check `stopped` for an idle timeout or an abort.
   * Not an async function: one `then` with handlers made once, so that a
   * read allocates no more than the reader's own promise needs.
   * @returns {Promise<Uint8Array | null>}
   */
  read() {
    const reader = this.#reader;
    if (this.#signal.aborted) {
      this.stopped ??= "abort";
      this.cancel();
      return Promise.reject(this.#signal.reason);
    }
    if (!reader) return Promise.resolve(null);
    if (this.#idle !== undefined) {
      this.#since = performance.now();
      this.#timer ??= setTimeout(this.#onTimer, this.#idle);
    }
    return reader.read().then(this.#settled, this.#failed);
  }

  /** @param {ReadableStreamReadResult<Uint8Array>} result */
  #settled = (result) => {
    this.#since = -1;
    // Stopped while the read was pending (it settled as done when the reader was cancelled),
    // or just after a chunk arrived: either way nothing more is delivered.
    if (this.stopped) throw this.#stoppedError();
    if (result.done) {
      this.close();
      return null;
    }
    return result.value;
  };

  /** @param {unknown} err */
  #failed = (err) => {
    this.#since = -1;
    this.cancel();
    throw this.stopped ? this.#stoppedError() : err;
  };

  #stoppedError() {
    return this.stopped === "abort" ? this.#signal.reason : new Error("idle timeout");
  }

  /** Stops reading and releases the body (nothing more is read). */
  cancel() {
    const reader = this.#reader;
    this.#reader = null;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal.removeEventListener("abort", this.#onAbort);
    if (reader) reader.cancel().catch(() => {});
  }

  /** After the end: releases the lock. */
  close() {
    const reader = this.#reader;
    this.#reader = null;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal.removeEventListener("abort", this.#onAbort);
    if (reader) reader.releaseLock();
  }
}
