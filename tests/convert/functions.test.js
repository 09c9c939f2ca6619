// The pure conversion functions of the built package (`convert.*`): round
// trips, loss reports, errors, and the event-level stream converters fed
// with real streams from the emulator over HTTP.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ConversionError, MessagesStream, convert } from "modelwire";
import { KEY, MODEL, client, emulator, rawChat, sseBlocks } from "../client/helpers.js";

const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** A multi-turn chat request with a system prompt, a tool call and its result. */
const chatRequest = () => ({
  model: MODEL,
  max_tokens: 300,
  temperature: 0.5,
  stop: ["END"],
  tools: [WEATHER],
  tool_choice: "auto",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Weather in Paris?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: "18 C, sunny" },
    { role: "user", content: "And tomorrow?" },
  ],
});

describe("convert.* requests", () => {
  test("chat → messages maps every part and comes back unchanged", () => {
    const chat = chatRequest();
    const { value, dropped } = convert.chatToMessagesRequest(chat);
    assert.equal(value.system, "Be brief.");
    assert.equal(value.max_tokens, 300);
    assert.deepEqual(value.stop_sequences, ["END"]);
    assert.deepEqual(value.tools[0], {
      name: "get_weather",
      description: "Current weather for a city.",
      input_schema: WEATHER.function.parameters,
    });
    assert.deepEqual(value.tool_choice, { type: "auto" });
    assert.deepEqual(value.messages[1].content, [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } }]);
    assert.deepEqual(value.messages[2].content[0], { type: "tool_result", tool_use_id: "call_1", content: "18 C, sunny" });
    assert.deepEqual(value.messages[3], { role: "user", content: "And tomorrow?" });
    assert.deepEqual(dropped, [], "nothing lost: the list stop, the string system prompt and the turns carry over");
    const back = convert.messagesToChatRequest(value);
    assert.deepEqual(back.dropped, []);
    assert.deepEqual(back.value, chat);
    // A string stop is reshaped (it comes back as a list), and says so.
    const reshaped = convert.chatToMessagesRequest({ ...chat, stop: "END" }).dropped;
    assert.deepEqual(
      reshaped.map((l) => [l.path, l.kind]),
      [["stop", "reshaped"]],
    );
  });

  test("what Messages has no place for is reported, with its kind and a reason", () => {
    const { value, dropped } = convert.chatToMessagesRequest({
      model: MODEL,
      messages: [{ role: "developer", content: "Terse." }, { role: "user", content: "Hi" }],
      n: 2,
      logprobs: true,
      seed: 7,
      temperature: 1.5,
      response_format: { type: "json_object" },
    });
    /** @type {Record<string, string>} */
    const kinds = Object.fromEntries(dropped.map((l) => [l.path, l.kind]));
    assert.equal(kinds.n, "dropped");
    assert.equal(kinds.logprobs, "dropped");
    assert.equal(kinds.seed, "dropped");
    assert.equal(kinds.response_format, "dropped");
    assert.equal(kinds.temperature, "unsupported");
    assert.equal(kinds.max_tokens, "approximated");
    assert.equal(kinds["messages[0].role"], "approximated");
    for (const loss of dropped) assert.ok(loss.reason.length > 10, `a readable reason for ${loss.path}`);
    assert.equal(value.n, undefined);
    assert.equal(value.temperature, 1.5, "carried, not clamped");
    assert.equal(value.system, "Terse.");
  });

  test("messages → chat → messages gives the request back", () => {
    const messages = {
      model: MODEL,
      max_tokens: 200,
      system: [{ type: "text", text: "A" }, { type: "text", text: "B" }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Look" }, { type: "image", source: { type: "url", url: "https://x.test/a.png" } }] },
        { role: "assistant", content: [{ type: "text", text: "A cat." }] },
        { role: "user", content: "Thanks" },
      ],
      metadata: { user_id: "u1" },
    };
    const chat = convert.messagesToChatRequest(messages);
    assert.deepEqual(chat.dropped, []);
    assert.deepEqual(chat.value.messages[1].content[1], { type: "image_url", image_url: { url: "https://x.test/a.png" } });
    assert.equal(chat.value.user, "u1");
    const back = convert.chatToMessagesRequest(chat.value);
    assert.deepEqual(back.value, messages);
  });

  test("a body that is not an object is a ConversionError", () => {
    for (const bad of [[1, 2], "text", 3, null]) {
      assert.throws(
        () => convert.chatToMessagesRequest(/** @type {any} */ (bad)),
        (/** @type {any} */ err) => err instanceof ConversionError && err.code === "not_an_object",
      );
    }
    assert.throws(
      () => convert.messagesToChatResponse(/** @type {any} */ (undefined)),
      (/** @type {any} */ err) => err instanceof ConversionError && err.code === "invalid_json",
    );
  });
});

describe("convert.* against the emulator's responses and streams", () => {
  /** @type {Awaited<ReturnType<typeof emulator>>} */
  let emu;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.close());

  test("a real chat.completion converts to a message and back", async () => {
    const completion = await client(emu).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hello" }] });
    const { value: message, dropped } = convert.chatToMessagesResponse(completion);
    assert.equal(message.type, "message");
    assert.equal(message.content[0].text, completion.choices[0].message.content);
    assert.equal(message.stop_reason, "end_turn");
    assert.equal(message.usage.output_tokens, completion.usage.completion_tokens);
    assert.ok(dropped.some((l) => l.path === "created"));
    const back = convert.messagesToChatResponse(message);
    assert.equal(back.value.choices[0].message.content, completion.choices[0].message.content);
    assert.equal(back.value.usage.total_tokens, completion.usage.total_tokens);
  });

  test("a real Messages tool_use response converts to tool_calls", async () => {
    const message = await client(emu).messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [{ name: "get_weather", input_schema: WEATHER.function.parameters }],
      tool_choice: { type: "any" },
      messages: [{ role: "user", content: "Weather?" }],
    });
    const use = message.content.find((/** @type {any} */ b) => b.type === "tool_use");
    assert.ok(use);
    const { value } = convert.messagesToChatResponse(message);
    const call = value.choices[0].message.tool_calls[0];
    assert.equal(value.choices[0].finish_reason, "tool_calls");
    assert.equal(call.id, use.id);
    assert.deepEqual(JSON.parse(call.function.arguments), use.input);
  });

  test("chatToMessagesStream over a real chat stream gives events a MessagesStream accumulates to the converted response", async () => {
    const body = { model: MODEL, messages: [{ role: "user", content: "Stream please" }], stream: true };
    const raw = await rawChat(emu, body);
    assert.equal(raw.status, 200);
    const converter = convert.chatToMessagesStream();
    const events = [];
    for (const { data } of sseBlocks(raw.bytes)) events.push(...converter.push(data === "[DONE]" ? "[DONE]" : JSON.parse(data)));
    assert.ok(converter.done, "[DONE] ends it");
    assert.deepEqual(converter.finish(), []);
    assert.equal(events[0].type, "message_start");
    assert.equal(events.at(-1).type, "message_stop");
    // Accumulate the converted events with the package's own MessagesStream.
    const stream = new MessagesStream();
    const sse = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
    assert.equal(stream.push(new TextEncoder().encode(sse)), true);
    const message = JSON.parse(stream.messageJson());
    stream.free();
    const completion = await client(emu).chat.completions.create({ ...body, stream: false });
    assert.deepEqual(message.content, convert.chatToMessagesResponse(completion).value.content);
    assert.ok(converter.dropped.some((l) => l.path === "created"), "the report stays readable after the end");
  });

  test("messagesToChatStream over a real Messages stream, and an error event", async () => {
    const events = [];
    const stream = await client(emu).messages.create({ model: MODEL, max_tokens: 200, messages: [{ role: "user", content: "Hi" }], stream: true });
    for await (const event of stream) events.push(event);
    const converter = convert.messagesToChatStream();
    const chunks = events.flatMap((e) => converter.push(e));
    assert.ok(converter.done);
    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant" });
    const text = chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("");
    assert.equal(text, stream.currentMessage().content[0].text);
    assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");

    const failing = convert.messagesToChatStream();
    failing.push(events[0]);
    const [errorChunk] = failing.push({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    assert.equal(errorChunk.error.message, "Overloaded");
    assert.ok(failing.done);
    assert.throws(() => convert.messagesToChatStream().push("{not json"), ConversionError);
  });

  test("the key never reaches a converted result", async () => {
    const completion = await client(emu).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }] });
    assert.ok(!JSON.stringify(convert.chatToMessagesResponse(completion)).includes(KEY));
  });
});
