// `ChatCompletionStream`: `client.chat.completions.stream(params)`, events
// in openai-node's names plus the ones it lacks (reasoning, partial tool
// arguments), and the final completion accumulated in wasm.

import { Growing, parseOrNull } from "./growing.js";
import { Runner, lazy } from "./runner.js";

/** @typedef {import("./growing.js").WasmPartialJson} WasmPartialJson */

const DELTA_EVENTS = [
  "content",
  "content.delta",
  "reasoning",
  "reasoning.delta",
  "refusal.delta",
  "tool_calls.function.arguments.delta",
  "tool_call.arguments.delta",
  "usage",
];

export class ChatCompletionStream extends Runner {
  #json;
  #makeParser;
  /** @type {((usage: unknown) => unknown) | undefined} the running cost of a usage object */
  #cost;
  /** @type {Map<number, { content: Growing, reasoning: Growing, refusal: Growing, tools: Map<number, { name: string, args: Growing }> }>} */
  #choices = new Map();

  /**
   * @param {(controller: AbortController, stepwise: boolean) => Promise<import("./pump.js").Pump>} start
   * @param {{ json: boolean, makeParser: () => WasmPartialJson, signal?: AbortSignal | null, cost?: (usage: unknown) => unknown }} options
   */
  constructor(start, options) {
    super(start, options.signal);
    this.#json = options.json;
    this.#makeParser = options.makeParser;
    this.#cost = options.cost;
  }

  /** The completion accumulated so far. */
  get currentChatCompletionSnapshot() {
    return this._snapshot();
  }

  async finalChatCompletion() {
    await this.done();
    return this._final;
  }

  async finalMessage() {
    return (await this.finalChatCompletion()).choices[0]?.message;
  }

  async finalContent() {
    return (await this.finalMessage())?.content ?? null;
  }

  async finalFunctionToolCall() {
    const calls = (await this.finalMessage())?.tool_calls;
    return calls?.[calls.length - 1]?.function;
  }

  /** The final usage; zeros when the server sent none (as openai-node). */
  async totalUsage() {
    return (await this.finalChatCompletion()).usage ?? { completion_tokens: 0, prompt_tokens: 0, total_tokens: 0 };
  }

  _wantsDeltas() {
    return DELTA_EVENTS.some((e) => this._has(e));
  }

  /** @param {number} index */
  #choice(index) {
    let choice = this.#choices.get(index);
    if (!choice) {
      const make = this.#makeParser;
      choice = { content: new Growing(make), reasoning: new Growing(make), refusal: new Growing(make), tools: new Map() };
      this.#choices.set(index, choice);
    }
    return choice;
  }

  /** @param {any[]} event  `[kind, choice, index, value, name?]` */
  _event([kind, c, index, value, name]) {
    const choice = this.#choice(c);
    switch (kind) {
      case 0: {
        const watched = this._has("content.delta");
        choice.content.append(value, this.#json && watched);
        const snapshot = choice.content.text;
        if (c === 0) this._emit("content", value, snapshot);
        if (watched) {
          const parsed = this.#json ? choice.content.parsedAt() : () => undefined;
          this._emit("content.delta", lazy({ choice: c, delta: value, snapshot }, "parsed", parsed));
        }
        break;
      }
      case 1:
        choice.refusal.append(value, false);
        this._emit("refusal.delta", { choice: c, delta: value, snapshot: choice.refusal.text });
        break;
      case 2:
        choice.reasoning.append(value, false);
        if (c === 0) this._emit("reasoning", value, choice.reasoning.text);
        this._emit("reasoning.delta", { choice: c, delta: value, snapshot: choice.reasoning.text });
        break;
      case 3: {
        const tool = choice.tools.get(index);
        if (!tool) choice.tools.set(index, { name: name ?? "", args: new Growing(this.#makeParser) });
        else if (name) tool.name = name;
        break;
      }
      case 4: {
        let tool = choice.tools.get(index);
        if (!tool) {
          tool = { name: "", args: new Growing(this.#makeParser) };
          choice.tools.set(index, tool);
        }
        const watched = this._has("tool_calls.function.arguments.delta") || this._has("tool_call.arguments.delta");
        tool.args.append(value, watched);
        if (watched) {
          const event = lazy(
            { choice: c, index, name: tool.name, arguments: tool.args.text, arguments_delta: value },
            "parsed_arguments",
            tool.args.parsedAt(),
          );
          this._emit("tool_calls.function.arguments.delta", event);
          this._emit("tool_call.arguments.delta", event);
        }
        break;
      }
      case 6:
        // The cost only for a listener that takes it (usage rides on every chunk).
        this._emit("usage", value, this.#cost && this._listeners("usage").some((l) => l.length > 1) ? this.#cost(value) : undefined);
        break;
      default:
        break;
    }
  }

  /** @param {any} completion */
  _finish(completion) {
    // The `.done` events come from the final completion, so they fire
    // whether or not deltas were watched.
    for (const choice of completion.choices) {
      const c = choice.index;
      const message = choice.message ?? {};
      const reasoning = message.reasoning_content ?? message.reasoning;
      if (typeof message.content === "string" && message.content) {
        const parsed = this.#json ? parseOrNull(message.content) : null;
        this._emit("content.done", { choice: c, content: message.content, parsed });
      }
      if (message.refusal) this._emit("refusal.done", { choice: c, refusal: message.refusal });
      if (reasoning) this._emit("reasoning.done", { choice: c, reasoning });
      (message.tool_calls ?? []).forEach((/** @type {any} */ call, /** @type {number} */ i) => {
        const fn = call.function ?? {};
        this._emit("tool_calls.function.arguments.done", {
          choice: c,
          index: call.index ?? i,
          name: fn.name,
          arguments: fn.arguments,
          parsed_arguments: parseOrNull(fn.arguments),
        });
        if (call.function) this._emit("functionToolCall", call.function);
      });
    }
    const message = completion.choices[0]?.message;
    if (message) this._emit("message", message);
    this._emit("chatCompletion", completion);
    if (message) {
      this._emit("finalContent", message.content ?? null);
      this._emit("finalMessage", message);
    }
    this._emit("finalChatCompletion", completion);
    if (completion.usage) this._emit("totalUsage", completion.usage);
  }

  _cleanup() {
    for (const choice of this.#choices.values()) {
      choice.content.free();
      for (const tool of choice.tools.values()) tool.args.free();
    }
  }
}
