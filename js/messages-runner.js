// `MessageStream`: `client.messages.stream(params)`, with
// @anthropic-ai/sdk's events (`text`, `inputJson`, `thinking`, `signature`,
// `citation`, `contentBlock`, `message`, `finalMessage`, `streamEvent`) and
// the final message accumulated in wasm.

import { Growing } from "./growing.js";
import { Runner } from "./runner.js";

/** @typedef {import("./growing.js").WasmPartialJson} WasmPartialJson */

const DELTA_EVENTS = ["text", "thinking", "signature", "inputJson", "citation", "contentBlock", "usage", "unknownEvent"];

export class MessageStream extends Runner {
  #makeParser;
  /** @type {((usage: unknown) => unknown) | undefined} the running cost of a usage object */
  #cost;
  /** @type {Map<number, { type: string, text: string, thinking: string, citations: unknown[], input: Growing | null }>} */
  #blocks = new Map();

  /**
   * @param {(controller: AbortController, stepwise: boolean) => Promise<import("./pump.js").Pump>} start
   * @param {{ makeParser: () => WasmPartialJson, signal?: AbortSignal | null, cost?: (usage: unknown) => unknown }} options
   */
  constructor(start, options) {
    super(start, options.signal);
    this.#makeParser = options.makeParser;
    this.#cost = options.cost;
  }

  _rawEvent() {
    return "streamEvent";
  }

  _wantsDeltas() {
    return DELTA_EVENTS.some((e) => this._has(e));
  }

  /** The message accumulated so far. */
  get currentMessage() {
    return this._snapshot();
  }

  async finalMessage() {
    await this.done();
    return this._final;
  }

  /** The text blocks of the final message, joined (as @anthropic-ai/sdk). */
  async finalText() {
    const message = await this.finalMessage();
    const texts = message.content.filter((/** @type {any} */ b) => b.type === "text").map((/** @type {any} */ b) => b.text);
    if (!texts.length) throw new Error("stream ended without producing a content block with type=text");
    return texts.join(" ");
  }

  /** @param {number} index */
  #block(index) {
    let block = this.#blocks.get(index);
    if (!block) {
      block = { type: "", text: "", thinking: "", citations: [], input: null };
      this.#blocks.set(index, block);
    }
    return block;
  }

  /** @param {any[]} event  `[kind, index, value, extra?]` */
  _event([kind, index, value, extra]) {
    switch (kind) {
      case 0: {
        const block = this.#block(index);
        block.text += value;
        this._emit("text", value, block.text);
        break;
      }
      case 1: {
        const block = this.#block(index);
        block.thinking += value;
        this._emit("thinking", value, block.thinking);
        break;
      }
      case 2:
        this._emit("signature", value);
        break;
      case 3: {
        const block = this.#block(index);
        block.input ??= new Growing(this.#makeParser);
        const listeners = this._listeners("inputJson");
        // The parsed snapshot costs a walk of the whole input: only for a
        // listener that takes it.
        const wantsSnapshot = listeners.some((l) => l.length > 1);
        block.input.append(value, wantsSnapshot);
        if (listeners.length) this._emit("inputJson", value, wantsSnapshot ? block.input.parsed() : undefined);
        break;
      }
      case 4: {
        // (citation, the block's citations so far), as @anthropic-ai/sdk.
        const block = this.#block(index);
        block.citations.push(value);
        this._emit("citation", value, block.citations);
        break;
      }
      case 5:
        this.#block(index).type = value;
        break;
      case 7: {
        if (this._has("contentBlock")) {
          const snapshot = this._snapshot();
          const block = snapshot?.content?.find?.((/** @type {any} */ b, /** @type {number} */ i) => (b.index ?? i) === index) ?? snapshot?.content?.[index];
          if (block) this._emit("contentBlock", block);
        }
        break;
      }
      case 9:
        this._emit("usage", value, this.#cost && this._listeners("usage").some((l) => l.length > 1) ? this.#cost(value) : undefined);
        break;
      case 11:
        this._emit("unknownEvent", value, extra);
        break;
      default:
        break;
    }
  }

  /** @param {any} message */
  _finish(message) {
    this._emit("message", message);
    this._emit("finalMessage", message);
  }

  _cleanup() {
    for (const block of this.#blocks.values()) block.input?.free();
  }
}
