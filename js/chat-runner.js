// `ChatCompletionStream`: `client.chat.completions.stream(params)`, events
// in openai-node's names plus the ones it lacks (reasoning, partial tool
// arguments), and the final completion accumulated in wasm.

import { APIUserAbortError, ModelwireError } from "./errors.js";

/** @typedef {import("./chat-pump.js").ChatPump} ChatPump */
/** @typedef {(...args: any[]) => void} Listener */
/** @typedef {{ push(fragment: string): boolean, snapshotJson(): string | undefined, free(): void }} WasmPartialJson */

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

/** Incremental parse of one growing text; snapshots on demand. */
class Growing {
  text = "";
  /** @type {WasmPartialJson | null} */
  #parser = null;
  #fed = 0;
  #make;
  /** @param {() => WasmPartialJson} make */
  constructor(make) {
    this.#make = make;
  }
  /** @param {string} delta @param {boolean} track  keep the incremental parser fed */
  append(delta, track) {
    this.text += delta;
    if (track) {
      if (!this.#parser) {
        this.#parser = this.#make();
        this.#parser.push(this.text.slice(0, this.text.length - delta.length));
      }
      this.#parser.push(delta);
      this.#fed = this.text.length;
    }
  }
  /** A getter for the value as of now: cheap while nothing newer arrived. */
  parsedAt() {
    const at = this.text.length;
    const text = this.text;
    return () => {
      if (this.#parser && this.#fed === at) return snapshot(this.#parser);
      const parser = this.#make();
      try {
        parser.push(text);
        return snapshot(parser);
      } finally {
        parser.free();
      }
    };
  }
  free() {
    this.#parser?.free();
    this.#parser = null;
  }
}

/** @param {WasmPartialJson} parser */
function snapshot(parser) {
  const json = parser.snapshotJson();
  return json === undefined ? undefined : JSON.parse(json);
}

/** @param {string} text */
function parseOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export class ChatCompletionStream {
  /** @type {Map<string, Listener[]>} */
  #listeners = new Map();
  /** @type {ChatPump | null} */
  #pump = null;
  #controller;
  /** @type {Promise<void>} */
  #done;
  /** @type {any} */
  #final;
  /** @type {unknown} */
  #error;
  #json;
  #makeParser;
  /** @type {Map<number, { content: Growing, reasoning: Growing, refusal: Growing, tools: Map<number, { name: string, args: Growing }> }>} */
  #choices = new Map();
  /** @type {any} */
  #usage;
  /** @type {any[]} chunks waiting for the async iterator */
  #queue = [];
  /** @type {(() => void) | null} */
  #wake = null;
  #iterating = false;
  #ended = false;

  /**
   * @param {(controller: AbortController) => Promise<ChatPump>} start  sends the request
   * @param {{ json: boolean, makeParser: () => WasmPartialJson, signal?: AbortSignal | null }} options
   */
  constructor(start, options) {
    this.#json = options.json;
    this.#makeParser = options.makeParser;
    this.#controller = new AbortController();
    const user = options.signal;
    if (user) {
      if (user.aborted) this.#controller.abort(user.reason);
      else user.addEventListener("abort", () => this.#controller.abort(user.reason), { once: true });
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

  /** The completion accumulated so far. */
  get currentChatCompletionSnapshot() {
    if (this.#final) return this.#final;
    return this.#pump ? JSON.parse(this.#pump.completionJson()) : undefined;
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

  async finalChatCompletion() {
    await this.#done;
    return this.#final;
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

  /** Newline-delimited JSON of the chunks. */
  toReadableStream() {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
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
  #emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of [...list]) listener(...args);
  }

  /** @param {string} event */
  #has(event) {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  #wantsDeltas() {
    return DELTA_EVENTS.some((e) => this.#has(e));
  }

  #wantsChunks() {
    return this.#iterating || this.#has("chunk");
  }

  #sync() {
    this.#pump?.collect(this.#wantsChunks(), this.#wantsDeltas());
  }

  /** @param {(controller: AbortController) => Promise<ChatPump>} start */
  async #run(start) {
    // Let the caller attach listeners first.
    await Promise.resolve();
    try {
      const pump = await start(this.#controller);
      this.#pump = pump;
      this.#sync();
      this.#emit("connect");
      for (;;) {
        /** @type {unknown} */
        let failure;
        let more = true;
        try {
          more = await pump.step();
        } catch (err) {
          failure = err;
        }
        this.#deliver(pump);
        if (failure !== undefined) throw failure;
        if (!more) break;
      }
      this.#finish(JSON.parse(pump.completionJson()));
    } catch (err) {
      this.#error = err;
      this.#pump?.cancel();
      if (err instanceof APIUserAbortError) this.#emit("abort", err);
      if (err instanceof ModelwireError || err instanceof Error) this.#emit("error", err);
      throw err;
    } finally {
      this.#ended = true;
      for (const choice of this.#choices.values()) {
        choice.content.free();
        for (const tool of choice.tools.values()) tool.args.free();
      }
      this.#wake?.();
      this.#emit("end");
    }
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

  /** @param {ChatPump} pump */
  #deliver(pump) {
    const chunks = pump.takeChunks();
    if (chunks.length) {
      if (this.#iterating) {
        this.#queue.push(...chunks);
        this.#wake?.();
      }
      const listeners = this.#listeners.get("chunk");
      if (listeners?.length) {
        const wantsSnapshot = listeners.some((l) => l.length > 1);
        for (const chunk of chunks) {
          this.#emit("chunk", chunk, wantsSnapshot ? JSON.parse(pump.completionJson()) : undefined);
        }
      }
    }
    for (const event of pump.takeEvents()) this.#event(event);
  }

  /** @param {any[]} event  `[kind, choice, index, value, name?]` */
  #event([kind, c, index, value, name]) {
    const choice = this.#choice(c);
    switch (kind) {
      case 0: {
        const track = this.#json && this.#has("content.delta");
        choice.content.append(value, track);
        const snapshot = choice.content.text;
        if (c === 0) this.#emit("content", value, snapshot);
        if (this.#has("content.delta")) {
          const parsed = this.#json ? choice.content.parsedAt() : () => undefined;
          this.#emit("content.delta", lazy({ choice: c, delta: value, snapshot }, "parsed", parsed));
        }
        break;
      }
      case 1:
        choice.refusal.append(value, false);
        this.#emit("refusal.delta", { choice: c, delta: value, snapshot: choice.refusal.text });
        break;
      case 2:
        choice.reasoning.append(value, false);
        if (c === 0) this.#emit("reasoning", value, choice.reasoning.text);
        this.#emit("reasoning.delta", { choice: c, delta: value, snapshot: choice.reasoning.text });
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
        const track = this.#has("tool_calls.function.arguments.delta") || this.#has("tool_call.arguments.delta");
        tool.args.append(value, track);
        if (track) {
          const event = lazy(
            { choice: c, index, name: tool.name, arguments: tool.args.text, arguments_delta: value },
            "parsed_arguments",
            tool.args.parsedAt(),
          );
          this.#emit("tool_calls.function.arguments.delta", event);
          this.#emit("tool_call.arguments.delta", event);
        }
        break;
      }
      case 6:
        this.#usage = value;
        this.#emit("usage", value);
        break;
      default:
        break;
    }
  }

  /** @param {any} completion */
  #finish(completion) {
    for (const [c, choice] of this.#choices) {
      const message = completion.choices.find((/** @type {any} */ ch) => ch.index === c)?.message ?? {};
      if (choice.content.text) {
        const parsed = this.#json ? parseOrNull(choice.content.text) : null;
        this.#emit("content.done", { choice: c, content: choice.content.text, parsed });
      }
      if (choice.refusal.text) this.#emit("refusal.done", { choice: c, refusal: choice.refusal.text });
      if (choice.reasoning.text) this.#emit("reasoning.done", { choice: c, reasoning: choice.reasoning.text });
      for (const [index, tool] of choice.tools) {
        const call = message.tool_calls?.find((/** @type {any} */ t) => t.index === index) ?? message.tool_calls?.[index];
        const name = call?.function?.name ?? tool.name;
        this.#emit("tool_calls.function.arguments.done", {
          choice: c,
          index,
          name,
          arguments: tool.args.text,
          parsed_arguments: parseOrNull(tool.args.text),
        });
        if (call?.function) this.#emit("functionToolCall", call.function);
      }
    }
    this.#final = completion;
    const message = completion.choices[0]?.message;
    if (message) this.#emit("message", message);
    this.#emit("chatCompletion", completion);
    if (message) {
      this.#emit("finalContent", message.content ?? null);
      this.#emit("finalMessage", message);
    }
    this.#emit("finalChatCompletion", completion);
    if (completion.usage) this.#emit("totalUsage", completion.usage);
  }
}

/**
 * Adds a property computed when first read.
 * @template {object} T @param {T} target @param {string} key @param {() => unknown} get
 */
function lazy(target, key, get) {
  /** @type {{ value: unknown } | undefined} */
  let cache;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (cache ??= { value: get() }).value,
  });
  return target;
}
