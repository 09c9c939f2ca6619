// The client's `protocol` option against the emulator over real HTTP: an
// app written for one protocol calls a server through the other's
// endpoint, in both directions, with the same semantics as a native call:
// plain, `create({ stream: true })`, the `.stream()` runners, a tool round
// trip, a mid-stream error, abort, retries, validation and `strictConversion`.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { APIUserAbortError, Client, ConversionError, NotFoundError, StreamError, ValidationError, convert } from "modelwire";
import { KEY, MODEL, assertNoKey, client, emulator, rejection } from "../client/helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.clearLog());

const paths = () => emu.log().map((e) => e.path);
/** @param {string} spec */
const fault = (spec) => ({ headers: { "x-emulator-fault": spec } });

const PARAMETERS = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const chatTool = { type: "function", function: { name: "get_weather", description: "Weather for a city.", parameters: PARAMETERS } };
const messagesTool = { name: "get_weather", description: "Weather for a city.", input_schema: PARAMETERS };

/** @param {string} text */
const chatParams = (text = "What is gradient descent?") => ({ model: MODEL, max_tokens: 200, messages: [{ role: "user", content: text }] });
/** @param {string} text */
const messagesParams = (text = "What is gradient descent?") => ({ model: MODEL, max_tokens: 200, messages: [{ role: "user", content: text }] });

/** @param {any} completion */
const chatText = (completion) => completion.choices[0].message.content;
/** @param {any} message */
const messageText = (message) => message.content.filter((/** @type {any} */ b) => b.type === "text").map((/** @type {any} */ b) => b.text).join("");

describe("chat.completions through /v1/messages (protocol: \"messages\")", () => {
  const via = () => client(emu, { protocol: "messages" });

  test("create: sent to /messages, the answer is the converted native message", async () => {
    const completion = await via().chat.completions.create(chatParams());
    assert.deepEqual(paths(), ["/v1/messages"]);
    const sent = emu.log()[0].body;
    assert.equal(sent.max_tokens, 200);
    assert.deepEqual(sent.messages, [{ role: "user", content: "What is gradient descent?" }]);
    assert.equal(completion.object, "chat.completion");
    assert.ok(completion._request_id, "request id kept");
    assert.equal(completion._request_id, emu.log()[0].requestId);
    // The same request sent natively, converted by the pure function, gives the same completion.
    const native = await client(emu).messages.create(convert.chatToMessagesRequest(chatParams()).value);
    const expected = convert.messagesToChatResponse(native).value;
    assert.equal(chatText(completion), chatText(expected));
    // (The emulator caches prompts: the second call reads its prefix from cache.)
    assert.equal(completion.usage.prompt_tokens, expected.usage.prompt_tokens);
    assert.equal(completion.usage.completion_tokens, expected.usage.completion_tokens);
    assert.equal(completion.choices[0].finish_reason, "stop");
    // Losses are reachable, and not enumerable.
    assert.ok(!Object.keys(completion).includes("_conversion"));
    assert.equal(completion._conversion.api, "chat");
    assert.equal(completion._conversion.via, "messages");
    assert.deepEqual(completion._conversion.request, []);
  });

  test("create({ stream: true }): chunks in the Chat shape add up to the plain answer", async () => {
    const plain = await via().chat.completions.create(chatParams("Stream me"));
    emu.clearLog();
    const stream = await via().chat.completions.create({ ...chatParams("Stream me"), stream: true });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, "chat.completion.chunk");
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    assert.ok(chunks > 3);
    assert.deepEqual(paths(), ["/v1/messages"]);
    assert.equal(emu.log()[0].body.stream, true);
    assert.equal(text, chatText(plain));
    const final = stream.currentCompletion();
    assert.equal(chatText(final), chatText(plain));
    assert.equal(final.choices[0].finish_reason, "stop");
    assert.deepEqual(final.usage, plain.usage);
    assert.equal(stream.conversion?.via, "messages");
  });

  test(".stream() runner: content events and finalChatCompletion, with the losses", async () => {
    const plain = await via().chat.completions.create(chatParams("Run me"));
    const runner = via().chat.completions.stream({ ...chatParams("Run me"), n: 1 });
    let snapshot = "";
    let deltas = "";
    runner.on("content", (delta, snap) => {
      deltas += delta;
      snapshot = snap;
    });
    const final = await runner.finalChatCompletion();
    assert.equal(deltas, chatText(plain));
    assert.equal(snapshot, chatText(plain));
    assert.equal(chatText(final), chatText(plain));
    assert.equal((await runner.finalContent()), chatText(plain));
    // `n` has no Messages equivalent; a stream that did not ask for usage gets it (reshaped).
    assert.deepEqual(
      runner.conversion?.request.map((l) => [l.path, l.kind]),
      [
        ["n", "dropped"],
        ["stream", "reshaped"],
      ],
    );
    assert.equal(/** @type {any} */ (final)._conversion.request[0].kind, "dropped");
  });

  test("tool round trip: tool_calls out, the tool result back in, all through /messages", async () => {
    const c = via();
    /** @type {any[]} */
    const messages = [{ role: "user", content: "Weather in Paris?" }];
    const first = await c.chat.completions.create({ model: MODEL, max_tokens: 300, messages, tools: [chatTool], tool_choice: "required" });
    assert.equal(first.choices[0].finish_reason, "tool_calls");
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, "get_weather");
    assert.equal(typeof JSON.parse(call.function.arguments).city, "string");
    assert.deepEqual(emu.log()[0].body.tool_choice, { type: "any" });
    messages.push(first.choices[0].message);
    messages.push({ role: "tool", tool_call_id: call.id, content: "18 C and sunny" });
    // Streamed, through the runner this time.
    const runner = c.chat.completions.stream({ model: MODEL, max_tokens: 300, messages, tools: [chatTool] });
    const second = await runner.finalChatCompletion();
    assert.ok(chatText(second).length > 0);
    const sent = emu.log()[1].body;
    assert.equal(emu.log()[1].path, "/v1/messages");
    const blocks = sent.messages[1].content;
    assert.deepEqual(blocks.at(-1), { type: "tool_use", id: call.id, name: "get_weather", input: JSON.parse(call.function.arguments) });
    if (first.choices[0].message.content) assert.deepEqual(blocks[0], { type: "text", text: first.choices[0].message.content });
    assert.deepEqual(sent.messages[2].content, [{ type: "tool_result", tool_use_id: call.id, content: "18 C and sunny" }]);
  });

  test("streamed tool call: arguments stream as Chat deltas", async () => {
    const runner = via().chat.completions.stream({ model: MODEL, max_tokens: 300, messages: [{ role: "user", content: "Weather?" }], tools: [chatTool], tool_choice: "required" });
    let args = "";
    runner.on("tool_calls.function.arguments.delta", (e) => {
      args += e.arguments_delta;
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    assert.ok(call);
    assert.equal(args, call.function.arguments);
    assert.equal(final.choices[0].finish_reason, "tool_calls");
  });

  test("mid-stream error: StreamError server_error with its class, chunks before it delivered, partial kept", async () => {
    const stream = await via().chat.completions.create({ ...chatParams("Fail me"), stream: true }, fault("error"));
    let text = "";
    const err = await rejection(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    });
    assert.ok(err instanceof StreamError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.code, "server_error");
    assert.equal(err.kind, "InternalServerError");
    assert.ok(text.length > 0, "chunks before the error were delivered");
    assert.equal(chatText(err.partial), text);
    assertNoKey(err);

    const runner = via().chat.completions.stream(chatParams("Fail me too"), fault("error"));
    const runnerErr = await rejection(runner.finalChatCompletion());
    assert.ok(runnerErr instanceof StreamError);
    assert.equal(runnerErr.code, "server_error");
  });

  test("a cut body: StreamError with the partial completion", async () => {
    const stream = await via().chat.completions.create({ ...chatParams("Cut me"), stream: true }, fault("drop:900"));
    const err = await rejection(async () => {
      for await (const _ of stream);
    });
    assert.ok(err instanceof StreamError);
    assert.ok(["connection_lost", "incomplete"].includes(err.code), err.code);
    assert.equal(err.partial.object, "chat.completion");
  });

  test("abort mid-stream: APIUserAbortError with the partial completion", async () => {
    const controller = new AbortController();
    const stream = await via().chat.completions.create({ ...chatParams("Abort me"), stream: true }, { signal: controller.signal, ...fault("stall:2000") });
    let text = "";
    const err = await rejection(async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        if (text.length > 0) controller.abort();
      }
    });
    assert.ok(err instanceof APIUserAbortError, `got ${err?.constructor?.name}`);
    assert.equal(chatText(err.partial), text);
  });

  test("retries: a 503 before the stream is retried, on /messages", async () => {
    const completion = await via().chat.completions.create({ ...chatParams("Retry"), stream: false }, fault("503:1;retry-after-ms=10"));
    assert.ok(chatText(completion).length > 0);
    assert.deepEqual(paths(), ["/v1/messages", "/v1/messages"]);
    assert.deepEqual(emu.log().map((e) => e.status), [503, 200]);
  });

  test("HTTP errors keep their class (404 for an unknown model)", async () => {
    const err = await rejection(via().chat.completions.create({ ...chatParams(), model: "no/such-model" }));
    assert.ok(err instanceof NotFoundError, `got ${err?.constructor?.name}`);
    assert.equal(err.status, 404);
    assertNoKey(err);
  });

  test("validation happens in the caller's shape, before any request", async () => {
    const err = await rejection(via().chat.completions.create({ model: MODEL, messages: [{ role: "tool", content: "x" }] }));
    assert.ok(err instanceof ValidationError);
    assert.match(err.field, /^messages\[0\]/);
    assert.deepEqual(paths(), []);
  });

  test("strictConversion refuses a lossy request before sending; per-request overrides", async () => {
    const strict = client(emu, { protocol: "messages", strictConversion: true });
    const err = await rejection(strict.chat.completions.create({ ...chatParams(), logprobs: true, seed: 1 }));
    assert.ok(err instanceof ConversionError);
    assert.equal(err.code, "lossy");
    assert.deepEqual(
      err.dropped.map((/** @type {any} */ l) => l.path),
      ["logprobs", "seed"],
    );
    assert.match(err.message, /logprobs \(dropped: /);
    assert.deepEqual(paths(), [], "nothing sent");
    // A reshaped field keeps its meaning: allowed by `true`, refused when listed.
    const ok = await strict.chat.completions.create({ ...chatParams(), stop: "zzz" });
    assert.equal(ok._conversion?.request[0].kind, "reshaped");
    const refused = await rejection(strict.chat.completions.create({ ...chatParams(), stop: "zzz" }, { strictConversion: ["reshaped"] }));
    assert.equal(refused.code, "lossy");
    // Without max_tokens the default is an approximation: refused by strict, allowed per request.
    const { max_tokens: _, ...noMax } = chatParams();
    assert.equal((await rejection(strict.chat.completions.create(noMax))).dropped[0].path, "max_tokens");
    const loose = await strict.chat.completions.create(noMax, { strictConversion: false });
    assert.equal(loose._conversion?.request[0].kind, "approximated");
    // Asking for stream usage loses nothing (Messages streams carry it): strict lets it through.
    const usageStream = await strict.chat.completions.create({ ...chatParams(), stream: true, stream_options: { include_usage: true } });
    for await (const _ of usageStream);
    assert.ok(usageStream.currentCompletion().usage.completion_tokens > 0);
    assert.deepEqual(usageStream.conversion?.request, []);
    // A per-request protocol override, and back to native.
    emu.clearLog();
    await client(emu).chat.completions.create(chatParams(), { protocol: "messages" });
    await strict.chat.completions.create(chatParams(), { protocol: "chat" });
    assert.deepEqual(paths(), ["/v1/messages", "/v1/chat/completions"]);
  });

  test("an invalid protocol is refused at construction and per request", async () => {
    assert.throws(() => client(emu, { protocol: /** @type {any} */ ("anthropic") }), /protocol/);
    await assert.rejects(client(emu).chat.completions.create(chatParams(), { protocol: /** @type {any} */ ("x") }), /protocol/);
    assert.ok(!JSON.stringify(client(emu, { protocol: "messages" })).includes(KEY));
  });
});

describe("messages through /v1/chat/completions (protocol: \"chat\")", () => {
  const via = () => client(emu, { protocol: "chat" });

  test("create: sent to /chat/completions, the answer is the converted native completion", async () => {
    const message = await via().messages.create({ ...messagesParams(), system: "Be brief." });
    assert.deepEqual(paths(), ["/v1/chat/completions"]);
    const sent = emu.log()[0].body;
    assert.deepEqual(sent.messages[0], { role: "system", content: "Be brief." });
    assert.equal(message.type, "message");
    assert.equal(message.stop_reason, "end_turn");
    const native = await client(emu).chat.completions.create(convert.messagesToChatRequest({ ...messagesParams(), system: "Be brief." }).value);
    const expected = convert.chatToMessagesResponse(native).value;
    assert.equal(messageText(message), messageText(expected));
    const input = (/** @type {any} */ u) => u.input_tokens + (u.cache_read_input_tokens ?? 0);
    assert.equal(input(message.usage), input(expected.usage));
    assert.equal(message.usage.output_tokens, expected.usage.output_tokens);
    assert.equal(message._conversion?.via, "chat");
    assert.ok(message._conversion?.response.some((l) => l.path === "created"));
  });

  test("create({ stream: true }): Messages events that add up to the plain answer", async () => {
    const plain = await via().messages.create(messagesParams("Stream me"));
    emu.clearLog();
    const stream = await via().messages.create({ ...messagesParams("Stream me"), stream: true });
    // Messages streams always carry usage: the Chat request asks for it.
    assert.deepEqual(emu.log()[0].body.stream_options, { include_usage: true });
    /** @type {string[]} */
    const types = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    assert.deepEqual(paths(), ["/v1/chat/completions"]);
    assert.equal(types[0], "message_start");
    assert.equal(types.at(-1), "message_stop");
    assert.ok(types.includes("message_delta"));
    assert.equal(text, messageText(plain));
    assert.equal(messageText(stream.currentMessage()), messageText(plain));
    assert.equal(stream.currentMessage().stop_reason, "end_turn");
    assert.equal(stream.currentMessage().usage.output_tokens, plain.usage.output_tokens);
  });

  test(".stream() runner: text events, finalMessage, finalText", async () => {
    const plain = await via().messages.create(messagesParams("Run me"));
    const runner = via().messages.stream(messagesParams("Run me"));
    let deltas = "";
    runner.on("text", (delta) => {
      deltas += delta;
    });
    const final = await runner.finalMessage();
    assert.equal(deltas, messageText(plain));
    assert.equal(messageText(final), messageText(plain));
    assert.equal(await runner.finalText(), messageText(plain));
    assert.equal(runner.conversion?.via, "chat");
    assert.equal(/** @type {any} */ (final)._conversion.api, "messages");
  });

  test("tool round trip: tool_use out, tool_result back in, all through /chat/completions", async () => {
    const c = via();
    /** @type {any[]} */
    const messages = [{ role: "user", content: "Weather in Paris?" }];
    const runner = c.messages.stream({ model: MODEL, max_tokens: 300, messages, tools: [messagesTool], tool_choice: { type: "any" } });
    /** @type {unknown} */
    let lastInput;
    runner.on("inputJson", (_partial, snapshot) => {
      lastInput = snapshot;
    });
    const first = await runner.finalMessage();
    assert.equal(first.stop_reason, "tool_use");
    const use = /** @type {any} */ (first.content.find((b) => b.type === "tool_use"));
    assert.equal(use.name, "get_weather");
    assert.equal(typeof use.input.city, "string");
    assert.deepEqual(lastInput, use.input);
    assert.equal(emu.log()[0].body.tool_choice, "required");
    messages.push({ role: "assistant", content: first.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "18 C and sunny" }] });
    const second = await c.messages.create({ model: MODEL, max_tokens: 300, messages, tools: [messagesTool] });
    assert.ok(messageText(second).length > 0);
    const sent = emu.log()[1].body;
    assert.equal(emu.log()[1].path, "/v1/chat/completions");
    assert.equal(sent.messages[1].tool_calls[0].id, use.id);
    assert.deepEqual(JSON.parse(sent.messages[1].tool_calls[0].function.arguments), use.input);
    assert.deepEqual(sent.messages[2], { role: "tool", tool_call_id: use.id, content: "18 C and sunny" });
  });

  test("mid-stream error: StreamError with its class, events before it delivered, partial kept", async () => {
    const stream = await via().messages.create({ ...messagesParams("Fail me"), stream: true }, fault("error"));
    let text = "";
    const err = await rejection(async () => {
      for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    });
    assert.ok(err instanceof StreamError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.code, "server_error");
    assert.ok(err.kind);
    assert.ok(text.length > 0);
    assert.equal(messageText(err.partial), text);
    assertNoKey(err);

    const runner = via().messages.stream(messagesParams("Fail me too"), fault("error"));
    const runnerErr = await rejection(runner.finalMessage());
    assert.ok(runnerErr instanceof StreamError);
  });

  test("a malformed chunk: StreamError invalid_chunk, partial kept", async () => {
    const stream = await via().messages.create({ ...messagesParams("Garble me"), stream: true }, fault("malformed"));
    const err = await rejection(async () => {
      for await (const _ of stream);
    });
    assert.ok(err instanceof StreamError);
    assert.equal(err.code, "invalid_chunk");
    assert.equal(err.partial.type, "message");
  });

  test("abort mid-stream: APIUserAbortError with the partial message", async () => {
    const runner = via().messages.stream(messagesParams("Abort me"), fault("stall:2000"));
    let text = "";
    runner.on("text", (delta) => {
      text += delta;
      runner.abort();
    });
    const err = await rejection(runner.finalMessage());
    assert.ok(err instanceof APIUserAbortError, `got ${err?.constructor?.name}`);
    assert.ok(text.length > 0);
  });

  test("retries and strictConversion work the same way", async () => {
    const message = await via().messages.create(messagesParams("Retry"), fault("429:1;retry-after-ms=10"));
    assert.ok(messageText(message).length > 0);
    assert.deepEqual(emu.log().map((e) => e.status), [429, 200]);
    emu.clearLog();
    const strict = client(emu, { protocol: "chat", strictConversion: true });
    const err = await rejection(
      strict.messages.create({
        ...messagesParams(),
        messages: [{ role: "user", content: [{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }] }],
      }),
    );
    assert.ok(err instanceof ConversionError);
    assert.equal(err.dropped[0].path, "messages[0].content[0].cache_control");
    assert.deepEqual(paths(), []);
  });
});

describe("bodies that end without their last marker, from a plain HTTP server on 127.0.0.1", () => {
  /** @type {import("node:http").Server} */
  let server;
  let base = "";
  /** @type {Record<string, string>} */
  const bodies = {
    // A Chat stream without `[DONE]` (some servers omit it), read as Messages.
    "/v1/chat/completions": [
      { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "Hi " } }] },
      { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "there" }, finish_reason: "stop" }] },
    ]
      .map((c) => `data: ${JSON.stringify(c)}\n\n`)
      .join(""),
    // A Messages stream without `message_stop`, and its last event without the blank line.
    "/v1/messages": [
      { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [], usage: { input_tokens: 3, output_tokens: 0 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi there" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
    ]
      .map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)
      .join("")
      .slice(0, -1),
  };

  before(async () => {
    const { createServer } = await import("node:http");
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(bodies[/** @type {string} */ (req.url)]);
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
    const address = /** @type {import("node:net").AddressInfo} */ (server.address());
    base = `http://127.0.0.1:${address.port}/v1`;
  });
  after(() => new Promise((resolve) => server.close(() => resolve(undefined))));

  const local = (/** @type {"chat" | "messages"} */ protocol) => new Client({ apiKey: KEY, baseURL: base, protocol });

  test("a Chat body without [DONE], read as Messages, is closed: iteration and runner", async () => {
    const c = local("chat");
    const stream = await c.messages.create({ ...messagesParams(), stream: true });
    /** @type {string[]} */
    const types = [];
    for await (const event of stream) types.push(event.type);
    assert.deepEqual(types, ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    assert.equal(messageText(stream.currentMessage()), "Hi there");
    const final = await c.messages.stream(messagesParams()).finalMessage();
    assert.equal(messageText(final), "Hi there");
    assert.equal(final.stop_reason, "end_turn");
  });

  test("a Messages body without message_stop, read as Chat, is closed: iteration and runner", async () => {
    const c = local("messages");
    const stream = await c.chat.completions.create({ ...chatParams(), stream: true });
    let text = "";
    let finish = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, "Hi there");
    assert.equal(finish, "stop");
    const final = await c.chat.completions.stream(chatParams()).finalChatCompletion();
    assert.equal(chatText(final), "Hi there");
    assert.equal(final.choices[0].finish_reason, "stop");
    assert.deepEqual(final.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });
});
