// Drives one stream (Chat Completions or Messages): body bytes into the wasm
// ChatStream / MessagesStream, chunks and deltas out, and every way it can
// end turned into a typed outcome that keeps what already arrived.
//
// Two ways to take the output. Batches: each network read's chunks and
// deltas at once (`takeChunks` / `takeEvents`), cheapest. Steps: `next()`
// applies one event at a time, so the accumulated state, the deltas and any
// error belong to exactly the chunk just returned (iteration, and a runner
// with `chunk` / `streamEvent` listeners, use this).

import { APIUserAbortError, StreamError, fromCore } from "./errors.js";
import { BodyReader } from "./transport.js";

/**
 * The wasm stream classes, seen through what they share.
 * @typedef {object} WasmStream
 * @property {(chunk: Uint8Array) => boolean} push
 * @property {() => string} finish
 * @property {boolean} started
 * @property {boolean} done
 * @property {(chunks: boolean, events: boolean) => void} collect
 * @property {() => void} stepwise
 * @property {() => void} deltasOnly
 * @property {() => string | undefined} next
 * @property {() => string | undefined} [previewEvents]  Messages: a network chunk's events as one JSON array
 * @property {() => number} [applyNext]  Messages: applies the next previewed event (1 delivered, 2 not, 0 none)
 * @property {() => string | undefined} usageJson  the last usage, for the meter
 * @property {() => string | undefined} takeChunks
 * @property {() => string | undefined} takeEvents
 * @property {() => void} free
 * @property {() => string | undefined} [droppedJson]  conversion losses (a stream read through the other protocol)
 * @typedef {import("./transport.js").Attempt} Attempt
 */

export class Pump {
  /** @type {WasmStream | null} */
  #wasm;
  #attempt;
  #reader;
  /** @type {string | undefined} */
  #final;
  /** @type {string | undefined} */
  #pendingChunks;
  /** @type {string | undefined} */
  #pendingEvents;
  /** Step mode: the events of the last network chunk, parsed at once (`previewEvents`), and the next one's index. */
  /** @type {any[] | null} */
  #batch = null;
  #at = 0;
  /** A failure held back until the events decoded before it were taken. */
  /** @type {unknown} */
  #deferred;
  #finished = false;
  done = false;

  #make;
  #snapshot;
  #idleTimeout;
  #stepwise;
  /** The wasm stream keeps none of the deltas' text (`accumulate: false`): no snapshot, no partial. */
  #deltasOnly;
  #collect = { chunks: false, events: false };
  /** @type {import("./convert-types.js").Conversion | null} */
  #conversion;
  /** The stream conversion's losses, kept when the wasm stream is freed. */
  /** @type {string | undefined} */
  #finalDropped;
  /** @type {((usageJson: string) => unknown) | undefined} `{"usage": …}` at the end */
  #onEnd;
  /** What `mode.onEnd` returned at the end (the request's cost). */
  /** @type {unknown} */
  cost;

  /**
   * @param {() => WasmStream} make  a fresh wasm stream (also for a retry)
   * @param {(wasm: any) => string} snapshot  the accumulated result as JSON text
   * @param {Attempt} attempt
   * @param {number | undefined} idleTimeout
   * @param {{ stepwise?: boolean, events?: boolean, deltasOnly?: boolean, conversion?: import("./convert-types.js").Conversion | null, onEnd?: (usageJson: string) => unknown }} [mode]
   *   `conversion`: the body is the other protocol's, converted in wasm (`droppedJson()`);
   *   `deltasOnly`: keep none of the deltas' text, so that memory stays constant (`accumulate: false`)
   */
  constructor(make, snapshot, attempt, idleTimeout, mode = {}) {
    this.#make = make;
    this.#conversion = mode.conversion ?? null;
    this.#onEnd = mode.onEnd;
    this.#snapshot = snapshot;
    this.#stepwise = !!mode.stepwise;
    this.#deltasOnly = !!mode.deltasOnly;
    this.#attempt = attempt;
    this.#idleTimeout = idleTimeout;
    this.#wasm = this.#fresh();
    this.#reader = new BodyReader(attempt.response, attempt.controller.signal, idleTimeout);
    this.collect(!this.#stepwise, !!mode.events);
  }

  #fresh() {
    const wasm = this.#make();
    if (this.#stepwise) wasm.stepwise();
    if (this.#deltasOnly) wasm.deltasOnly();
    return wasm;
  }

  get stepwise() {
    return this.#stepwise;
  }

  /** Whether the result is accumulated (`snapshotJson()`, errors' `partial`). */
  get accumulates() {
    return !this.#deltasOnly;
  }

  get response() {
    return this.#attempt.response;
  }

  get requestId() {
    return this.#attempt.requestId;
  }

  get controller() {
    return this.#attempt.controller;
  }

  /**
   * Sent through the other protocol: the request's losses and the stream's so far.
   * @returns {import("./convert-types.js").Conversion | undefined}
   */
  get conversion() {
    if (!this.#conversion) return undefined;
    const text = this.#wasm ? this.#wasm.droppedJson?.() : this.#finalDropped;
    return { ...this.#conversion, response: text ? JSON.parse(text) : [] };
  }

  /** The completion (or message) accumulated so far, as JSON text. */
  snapshotJson() {
    return this.#wasm ? this.#snapshot(this.#wasm) : /** @type {string} */ (this.#final);
  }

  /** @param {boolean} chunks  batches only @param {boolean} events */
  collect(chunks, events) {
    this.#collect = { chunks: chunks && !this.#stepwise, events };
    this.#wasm?.collect(this.#collect.chunks, events);
  }

  /**
   * Reads and feeds one network chunk (in batch mode collecting nothing, as
   * many as come until something is collected or the end). Returns `false` at
   * the end. In batch mode, what it produced is then in `takeChunks()` /
   * `takeEvents()` (also when it throws: take them before rethrowing); in step
   * mode, take it with `next()` until that returns `undefined`.
   * @returns {Promise<boolean>}
   */
  step() {
    if (this.#stepwise || this.#collect.chunks || this.#collect.events) return this.#once();
    return this.#readOn();
  }

  /**
   * Batch mode collecting nothing (a runner awaiting only its final result): the
   * caller has nothing to take per chunk, so read on here. Collecting is checked
   * again after each chunk, so a listener added meanwhile gets its chunks from the
   * next one.
   * @returns {Promise<boolean>}
   */
  async #readOn() {
    for (;;) {
      const more = await this.#once();
      if (!more || this.done || this.#collect.chunks || this.#collect.events) return more;
    }
  }

  /**
   * One network chunk. Not an async function: per chunk, one `then` with
   * handlers made once (iteration calls this for every chunk).
   * @returns {Promise<boolean>}
   */
  #once() {
    const wasm = this.#wasm;
    if (this.#deferred !== undefined) {
      const err = this.#deferred;
      this.#deferred = undefined;
      return Promise.reject(this.#fail(err));
    }
    if (!wasm || this.done) return Promise.resolve(false);
    if (this.#finished || (this.#stepwise && wasm.done)) {
      this.#close();
      return Promise.resolve(false);
    }
    return this.#reader.read().then(this.#fed, this.#readFailed);
  }

  /** A read's bytes (`null` at the end) into wasm. @param {Uint8Array | null} bytes @returns {boolean} */
  #fed = (bytes) => {
    const wasm = this.#wasm;
    // Ended while the read was pending (cancelled): nothing more.
    if (!wasm || this.done) return false;
    try {
      if (bytes === null) {
        const how = wasm.finish();
        if (how === "cut") {
          throw new StreamError("The stream ended in the middle of an event.", this.#fields("incomplete"));
        }
        // Step mode: what finish() applied is still to be taken.
        if (this.#stepwise) {
          this.#finished = true;
          return true;
        }
        this.#close();
        return false;
      }
      if (this.#stepwise) {
        wasm.push(bytes);
        this.#preview(wasm);
        return true;
      }
      if (wasm.push(bytes)) this.#close();
      return true;
    } catch (err) {
      if (this.#stepwise) {
        // Events decoded before the failure are still to be taken.
        this.#deferred = err;
        return true;
      }
      throw this.#fail(err);
    }
  };

  /**
   * A failed read: before any chunk arrived, the request may go again.
   * @param {unknown} cause @returns {Promise<boolean>}
   */
  #readFailed = (cause) => {
    const wasm = this.#wasm;
    if (wasm && !wasm.started && this.#reader.stopped !== "abort") {
      return this.#retried(cause).then((retried) => {
        if (retried) return true;
        throw this.#fail(this.#readError(cause));
      });
    }
    throw this.#fail(this.#readError(cause));
  };

  /**
   * Step mode, Messages: the events a network chunk brought, parsed with one
   * `JSON.parse` instead of one per event (they are small, so the per-event cost of
   * crossing from wasm dominated iteration). Not JSON as a whole (an event whose
   * data is not JSON): left to `next()`'s one-at-a-time path.
   * @param {WasmStream} wasm
   */
  #preview(wasm) {
    const text = wasm.previewEvents?.();
    if (text === undefined) return;
    try {
      this.#batch = JSON.parse(text);
      this.#at = 0;
    } catch {
      this.#batch = null;
    }
  }

  /**
   * Step mode: the next chunk or event, parsed, or `undefined` when the
   * events decoded so far are all taken. Throws the stream's error at the
   * event that caused it.
   * @returns {any}
   */
  next() {
    const wasm = this.#wasm;
    if (!wasm) return undefined;
    const batch = this.#batch;
    if (batch && wasm.applyNext) {
      // Each event is applied just before it is returned, so that the snapshot and an
      // error belong to exactly that event.
      try {
        while (this.#at < batch.length) {
          const item = batch[this.#at++];
          const status = wasm.applyNext();
          if (status === 1) return item;
          if (status === 0) break;
        }
      } catch (err) {
        this.#batch = null;
        throw this.#fail(err);
      }
      this.#batch = null;
    }
    /** @type {string | undefined} */
    let text;
    try {
      text = wasm.next();
    } catch (err) {
      throw this.#fail(err);
    }
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** Batch mode: the chunks since the last call, parsed. */
  takeChunks() {
    let text = this.#pendingChunks;
    this.#pendingChunks = undefined;
    // Not collecting: nothing to take, and no wasm call per network chunk to find that out.
    if (this.#wasm && this.#collect.chunks) text = this.#wasm.takeChunks();
    return text === undefined ? [] : /** @type {any[]} */ (JSON.parse(text));
  }

  /** The deltas since the last call, parsed. */
  takeEvents() {
    let text = this.#pendingEvents;
    this.#pendingEvents = undefined;
    if (this.#wasm && this.#collect.events) text = this.#wasm.takeEvents();
    return text === undefined ? [] : /** @type {any[]} */ (JSON.parse(text));
  }

  /** Stops early (a `break`, an abort by the caller): nothing more is read. */
  cancel() {
    if (this.done) return;
    this.#reader.cancel();
    this.#end();
  }

  /** The end of the stream, reached normally. */
  #close() {
    this.#reader.cancel();
    this.#end();
  }

  /**
   * The body failed before any chunk arrived: nothing was delivered, so the
   * request may go again (within the retry budget) on a fresh stream.
   * @param {unknown} _cause
   * @returns {Promise<boolean>}
   */
  async #retried(_cause) {
    /** @type {Attempt | null} */
    let next;
    try {
      next = await this.#attempt.retry(this.#reader.stopped === "idle");
    } catch (err) {
      throw this.#fail(err);
    }
    if (!next) return false;
    this.#wasm?.free();
    this.#batch = null;
    this.#attempt = next;
    this.#reader = new BodyReader(next.response, next.controller.signal, this.#idleTimeout);
    this.#wasm = this.#fresh();
    this.collect(this.#collect.chunks, this.#collect.events);
    return true;
  }

  /** @param {unknown} cause */
  #readError(cause) {
    const partial = this.#partial();
    const { headers } = this.#attempt.response;
    if (this.#reader.stopped === "abort") return new APIUserAbortError(undefined, { partial, headers, requestId: this.requestId });
    if (this.#reader.stopped === "idle") {
      return new StreamError("The stream stalled: no data within the idle timeout.", this.#fields("idle_timeout"));
    }
    return new StreamError("The connection was lost mid-stream.", { ...this.#fields("connection_lost"), cause });
  }

  /** @param {string} code */
  #fields(code) {
    return { code, partial: this.#partial(), headers: this.#attempt.response.headers, requestId: this.requestId };
  }

  #partial() {
    return this.#deltasOnly ? undefined : JSON.parse(this.snapshotJson());
  }

  /** @param {unknown} err */
  #fail(err) {
    if (this.done) return err;
    const typed = fromCore(err, { headers: this.#attempt.response.headers, requestId: this.requestId, partial: this.#partial() });
    this.#reader.cancel();
    this.#end();
    return typed;
  }

  /** Keeps the final result as text and frees the wasm object. */
  #end() {
    this.done = true;
    const wasm = this.#wasm;
    if (!wasm) return;
    // Deltas and chunks still waiting are taken by the caller first.
    this.#pendingChunks = wasm.takeChunks();
    this.#pendingEvents = wasm.takeEvents();
    this.#final = this.#snapshot(wasm);
    this.#finalDropped = wasm.droppedJson?.();
    // However it ended (done, failed, aborted): the meter counts the usage that arrived.
    // Only the usage goes back into wasm: the whole result would be copied in again
    // (up to three bytes per character), and wasm memory keeps its high-water mark.
    const usage = wasm.usageJson();
    this.cost = this.#onEnd?.(`{"usage":${usage ?? "null"}}`);
    this.#wasm = null;
    wasm.free();
    this.#attempt.release();
  }
}
