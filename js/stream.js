// `Stream`: the chunks of a streamed Chat Completions response (or the
// events of a Messages one) as an async iterable, as the official SDKs'
// `Stream`, plus the result accumulated so far.

import { ModelwireError } from "./errors.js";

/** @typedef {import("./pump.js").Pump} Pump */

const encoder = new TextEncoder();

export class Stream {
  #pump;
  #used = false;

  /** @param {Pump} pump  in step mode, or in batch mode collecting chunks when it does not accumulate */
  constructor(pump) {
    this.#pump = pump;
  }

  /** Aborting it ends iteration with `APIUserAbortError`. */
  get controller() {
    return this.#pump.controller;
  }

  get response() {
    return this.#pump.response;
  }

  get requestId() {
    return this.#pump.requestId;
  }

  /** Chat Completions: the completion accumulated from the chunks delivered so far. */
  currentCompletion() {
    return this.#snapshot("currentCompletion");
  }

  /** Messages: the message accumulated from the events delivered so far. */
  currentMessage() {
    return this.#snapshot("currentMessage");
  }

  /** @param {string} method */
  #snapshot(method) {
    if (!this.#pump.accumulates) {
      throw new ModelwireError(`${method}() needs the accumulated result, and this stream was created with \`accumulate: false\``);
    }
    return JSON.parse(this.#pump.snapshotJson());
  }

  /** Sent through the other protocol (`protocol` option): what did not carry over. */
  get conversion() {
    return this.#pump.conversion;
  }

  async *[Symbol.asyncIterator]() {
    if (this.#used) throw new Error("Cannot iterate over a consumed stream; use `.tee()` or iterate once.");
    this.#used = true;
    const pump = this.#pump;
    let finished = false;
    try {
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
          // One event at a time, so that currentCompletion() and an error
          // belong to exactly the chunk just delivered.
          for (let chunk = pump.next(); chunk !== undefined; chunk = pump.next()) yield chunk;
        } else {
          // `accumulate: false`: no snapshot to keep exact, so each network chunk's
          // chunks come out of wasm at once (before its error, if any).
          for (const chunk of pump.takeChunks()) yield chunk;
        }
        if (failure !== undefined) throw failure;
        if (!more) break;
      }
      finished = true;
    } finally {
      // A `break` or a throw inside the loop body: stop reading.
      if (!finished) pump.cancel();
    }
  }

  /** Newline-delimited JSON of the chunks, as openai-node's `toReadableStream()`. */
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
      async cancel() {
        await iterator.return?.();
      },
    });
  }
}
