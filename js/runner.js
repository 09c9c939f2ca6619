// What the `.stream()` runners share: listeners in openai-node's style
// (`on`, `off`, `once`, `emitted`), the run loop over a Pump, iteration of
// the raw chunks or events, `done()`, abort, and failure reporting.

import { APIUserAbortError } from "./errors.js";

/** @typedef {import("./pump.js").Pump} Pump */
/** @typedef {(...args: any[]) => void} Listener */

const encoder = new TextEncoder();

export class Runner {
  /** @type {Map<string, Listener[]>} */
  #listeners = new Map();
  /** @type {Pump | null} */
  #pump = null;
  #controller = new AbortController();
  /** @type {Promise<void>} */
  #done;
  /** @type {unknown} */
  #error;
  /** @type {any[]} chunks or events waiting for the async iterator */
  #queue = [];
  /** @type {(() => void) | null} */
  #wake = null;
  #iterating = false;
  #ended = false;
  /** @type {(() => void) | null} removes the listener on the caller's signal */
  #unlisten = null;
  /** @type {any} */
  _final;

  /**
   * @param {(controller: AbortController, stepwise: boolean) => Promise<Pump>} start  sends the request
   * @param {AbortSignal | null | undefined} signal
   */
  constructor(start, signal) {
    if (signal) {
      if (signal.aborted) this.#controller.abort(signal.reason);
      else {
        const onAbort = () => this.#controller.abort(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        // Dropped when the run ends: a long-lived signal shared by many
        // requests must not keep every runner (nor pile up listeners).
        this.#unlisten = () => signal.removeEventListener("abort", onAbort);
      }
    }
    this.#done = this.#run(start);
    // Failures surface through the promises and the `error` event.
    this.#done.catch(() => {});
  }

  get controller() {
    return this.#controller;
  }

  abort() {
    this.#controller.abort();
  }

  /** Sent through the other protocol (`protocol` option): what did not carry over. */
  get conversion() {
    return this.#pump?.conversion;
  }

  /** The accumulated result so far (parsed on each call). */
  _snapshot() {
    if (this._final) return this._final;
    return this.#pump ? JSON.parse(this.#pump.snapshotJson()) : undefined;
  }

  /** @param {string} event @param {Listener} listener */
  on(event, listener) {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    this.#sync();
    return this;
  }

  /** @param {string} event @param {Listener} listener */
  off(event, listener) {
    const list = this.#listeners.get(event);
    if (list) {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    }
    this.#sync();
    return this;
  }

  /** @param {string} event @param {Listener} listener */
  once(event, listener) {
    /** @type {Listener} */
    const wrapped = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  /** @param {string} event @returns {Promise<any>} */
  emitted(event) {
    return new Promise((resolve, reject) => {
      if (event !== "error") this.once("error", reject);
      this.once(event, resolve);
    });
  }

  async done() {
    await this.#done;
  }

  async *[Symbol.asyncIterator]() {
    this.#iterating = true;
    this.#sync();
    for (;;) {
      if (this.#queue.length) {
        yield this.#queue.shift();
        continue;
      }
      if (this.#ended) break;
      await new Promise((resolve) => (this.#wake = () => resolve(undefined)));
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Newline-delimited JSON of the chunks or events. */
  toReadableStream() {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream({
      async pull(controller) {
        try {
          const { done, value } = await iterator.next();
          if (done) return controller.close();
          controller.enqueue(encoder.encode(JSON.stringify(value) + "\n"));
        } catch (err) {
          controller.error(err);
        }
      },
      cancel: () => this.abort(),
    });
  }

  /** @param {string} event @param {...any} args */
  _emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of [...list]) listener(...args);
  }

  /** @param {string} event */
  _has(event) {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  /** @param {string} event */
  _listeners(event) {
    return this.#listeners.get(event) ?? [];
  }

  /** Whether deltas must cross from wasm (a delta listener exists). */
  _wantsDeltas() {
    return false;
  }

  /** The name of the event that receives each raw chunk / event. */
  _rawEvent() {
    return "chunk";
  }

  #sync() {
    this.#pump?.collect(this.#iterating || this._has(this._rawEvent()), this._wantsDeltas());
  }

  /** @param {(controller: AbortController, stepwise: boolean) => Promise<Pump>} start */
  async #run(start) {
    // Let the caller attach listeners first.
    await Promise.resolve();
    try {
      // Raw chunks (iteration, `chunk` / `streamEvent` listeners) go one event
      // at a time, so each comes with its own snapshot and deltas in order.
      const pump = await start(this.#controller, this.#iterating || this._has(this._rawEvent()));
      this.#pump = pump;
      this.#sync();
      this._emit("connect");
      for (;;) {
        /** @type {unknown} */
        let failure;
        let more = true;
        try {
          more = await pump.step();
        } catch (err) {
          failure = err;
        }
        if (pump.stepwise) {
          try {
            for (let chunk = pump.next(); chunk !== undefined; chunk = pump.next()) this.#deliverOne(pump, chunk);
          } catch (err) {
            failure ??= err;
          }
          for (const event of pump.takeEvents()) this._event(event);
        } else {
          this.#deliver(pump);
        }
        if (failure !== undefined) throw failure;
        if (!more) break;
      }
      const final = JSON.parse(pump.snapshotJson());
      const conversion = pump.conversion;
      if (conversion) Object.defineProperty(final, "_conversion", { value: conversion, enumerable: false });
      if (pump.cost !== undefined) Object.defineProperty(final, "_cost", { value: pump.cost, enumerable: false });
      this._final = final;
      this._finish(final);
    } catch (err) {
      this.#error = err;
      this.#pump?.cancel();
      if (err instanceof APIUserAbortError) this._emit("abort", err);
      this._emit("error", err);
      throw err;
    } finally {
      this.#ended = true;
      this.#unlisten?.();
      this._cleanup();
      this.#wake?.();
      this._emit("end");
    }
  }

  /** @param {Pump} pump @param {any} chunk */
  #deliverOne(pump, chunk) {
    if (this.#iterating) {
      this.#queue.push(chunk);
      this.#wake?.();
    }
    const listeners = this._listeners(this._rawEvent());
    if (listeners.length) {
      const snapshot = listeners.some((l) => l.length > 1) ? JSON.parse(pump.snapshotJson()) : undefined;
      this._emit(this._rawEvent(), chunk, snapshot);
    }
    for (const event of pump.takeEvents()) this._event(event);
  }

  /** @param {Pump} pump */
  #deliver(pump) {
    const chunks = pump.takeChunks();
    if (chunks.length) {
      if (this.#iterating) {
        this.#queue.push(...chunks);
        this.#wake?.();
      }
      const listeners = this._listeners(this._rawEvent());
      if (listeners.length) {
        const wantsSnapshot = listeners.some((l) => l.length > 1);
        for (const chunk of chunks) {
          this._emit(this._rawEvent(), chunk, wantsSnapshot ? JSON.parse(pump.snapshotJson()) : undefined);
        }
      }
    }
    for (const event of pump.takeEvents()) this._event(event);
  }

  /** @param {any[]} _event  one delta tuple from the wasm stream */
  _event(_event) {}

  /** @param {any} _final  the accumulated result */
  _finish(_final) {}

  /** Frees per-stream resources (incremental parsers). */
  _cleanup() {}
}

/**
 * Adds a property computed when first read.
 * @template {object} T @param {T} target @param {string} key @param {() => unknown} get
 */
export function lazy(target, key, get) {
  /** @type {{ value: unknown } | undefined} */
  let cache;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (cache ??= { value: get() }).value,
  });
  return target;
}
