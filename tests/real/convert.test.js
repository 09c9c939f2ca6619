// One conversation against the real llama-server whose turns alternate between
// /v1/chat/completions and /v1/messages through the converter: the history stays in one
// shape, and every other turn goes through the `protocol` option to the other endpoint, with
// `strictConversion` on (nothing may be dropped or approximated). It includes a tool call and
// its result, crossing from one protocol to the other. Then the same the other way round: a
// Messages-shaped history, every other turn sent to /v1/chat/completions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client, convert } from "modelwire";
import {
  API_KEY, MODEL, startServer, freshConnectionFetch, WEATHER_TOOL_OPENAI, WEATHER_TOOL_ANTHROPIC, WEATHER_QUESTION,
  WEATHER_RESULT,
} from "./helpers.js";

let server;
/** Every request sent: its URL, parsed body and auth headers. */
const sent = [];
/** @type {import("modelwire").Client} */
let native;

/** @param {import("modelwire").ClientOptions} [options] */
const makeClient = (options = {}) =>
  new Client({
    apiKey: API_KEY,
    baseURL: `${server.url}/v1`,
    authScheme: "Bearer",
    maxRetries: 0,
    timeout: 120_000,
    // no keep-alive: llama-server closes pooled sockets after a stream (see freshConnectionFetch)
    fetch: freshConnectionFetch(async (input, init = {}) => {
      const headers = new Headers(init.headers);
      sent.push({
        url: String(input),
        body: JSON.parse(String(init.body)),
        authorization: headers.get("authorization"),
        xApiKey: headers.get("x-api-key"),
      });
      return fetch(input, init);
    }),
    ...options,
  });

before(async () => {
  server = await startServer();
  native = makeClient();
});

after(async () => {
  await server?.close();
});

const lastSent = () => sent.at(-1);
const path = () => new URL(lastSent().url).pathname;

/** Kinds a strict conversion would have refused (it throws first; this double-checks the report). */
const lossy = (conversion) => (conversion?.request ?? []).filter((l) => l.kind !== "reshaped");

test("a Chat Completions conversation alternating /v1/messages (converted) and /v1/chat/completions (native)", async () => {
  const viaMessages = makeClient({ protocol: "messages", strictConversion: true });
  const base = { model: MODEL, max_tokens: 60, temperature: 0, tools: [WEATHER_TOOL_OPENAI] };
  /** The history, always in the Chat shape. */
  const history = [{ role: "user", content: WEATHER_QUESTION }];

  // Turn 1, /v1/messages: the model calls the tool; the answer comes back as tool_calls.
  const first = await viaMessages.chat.completions.create({ ...base, messages: history, tool_choice: "required" });
  assert.equal(path(), "/v1/messages");
  assert.equal(lastSent().authorization, `Bearer ${API_KEY}`);
  assert.equal(lastSent().xApiKey, null);
  assert.deepEqual(lastSent().body.tools, [WEATHER_TOOL_ANTHROPIC], "the tool as Messages describes it");
  assert.deepEqual(lastSent().body.tool_choice, { type: "any" });
  assert.deepEqual(lossy(first._conversion), []);
  assert.equal(first.object, "chat.completion");
  const { message, finish_reason } = first.choices[0];
  assert.equal(finish_reason, "tool_calls", JSON.stringify(first));
  assert.equal(message.tool_calls.length >= 1, true);
  const call = message.tool_calls[0];
  assert.equal(call.function.name, "get_weather");
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, "string");
  assert.ok(args.city.length > 0);
  assert.ok(first.usage.prompt_tokens > 0 && first.usage.completion_tokens > 0);
  history.push(message, { role: "tool", tool_call_id: call.id, content: WEATHER_RESULT });

  // Turn 2, /v1/chat/completions, streamed through the runner: the tool result answered.
  const runner = native.chat.completions.stream({ ...base, messages: history });
  let deltas = "";
  runner.on("content", (delta) => {
    deltas += delta;
  });
  const second = await runner.finalChatCompletion();
  assert.equal(path(), "/v1/chat/completions");
  const sentCall = lastSent().body.messages[1].tool_calls[0];
  assert.equal(sentCall.id, call.id, "the call from /v1/messages goes on in Chat's shape");
  assert.deepEqual(JSON.parse(sentCall.function.arguments), args);
  assert.deepEqual(lastSent().body.messages[2], { role: "tool", tool_call_id: call.id, content: WEATHER_RESULT });
  const answer = second.choices[0].message.content;
  assert.equal(typeof answer, "string");
  assert.ok(answer.trim().length > 0);
  assert.equal(deltas, answer);
  history.push({ role: "assistant", content: answer }, { role: "user", content: "Thanks. Should I take an umbrella?" });

  // Turn 3, /v1/messages, streamed by iteration: the whole history converted, the call as
  // tool_use and its result as tool_result, exactly as the pure function converts it. No tools
  // offered this time (llama-server's /v1/messages reads any object tool_choice as auto, and the
  // 135M model would call the tool again).
  const turn3 = { model: MODEL, max_tokens: 60, temperature: 0, messages: history, stream: true };
  const stream = await viaMessages.chat.completions.create(turn3);
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  assert.equal(path(), "/v1/messages");
  const body = lastSent().body;
  const { value: expected, dropped } = convert.chatToMessagesRequest(turn3);
  assert.deepEqual(body, expected);
  assert.deepEqual(dropped.filter((l) => l.kind !== "reshaped"), []);
  const use = body.messages[1].content.find((b) => b.type === "tool_use");
  assert.deepEqual(use, { type: "tool_use", id: call.id, name: "get_weather", input: args });
  assert.deepEqual(body.messages[2].content[0], { type: "tool_result", tool_use_id: call.id, content: WEATHER_RESULT });
  assert.equal(body.messages.at(-1).content, "Thanks. Should I take an umbrella?");
  const third = stream.currentCompletion();
  assert.ok(text.trim().length > 0, `a text answer: ${JSON.stringify(third)}`);
  assert.equal(third.choices[0].message.content, text);
  assert.ok(["stop", "length"].includes(third.choices[0].finish_reason), third.choices[0].finish_reason);
  assert.ok(!third.choices[0].message.tool_calls?.length, "no tool call without tools");
  assert.equal(stream.conversion?.via, "messages");
  history.push(third.choices[0].message, { role: "user", content: "Say goodbye." });

  // Turn 4, /v1/chat/completions again: the history is plain Chat, the converted turns included.
  const fourth = await native.chat.completions.create({ ...base, messages: history, tools: undefined });
  assert.equal(path(), "/v1/chat/completions");
  assert.equal(lastSent().body.messages.length, 7);
  assert.ok(fourth.choices[0].message.content.trim().length > 0);
});

test("a Messages conversation alternating /v1/chat/completions (converted) and /v1/messages (native)", async () => {
  const viaChat = makeClient({ protocol: "chat", strictConversion: true });
  const base = { model: MODEL, max_tokens: 60, temperature: 0, tools: [WEATHER_TOOL_ANTHROPIC] };
  /** The history, always in the Messages shape. */
  const history = [{ role: "user", content: WEATHER_QUESTION }];

  // Turn 1, /v1/chat/completions through the runner: tool_use events built from tool_calls chunks.
  const runner = viaChat.messages.stream({ ...base, messages: history, tool_choice: { type: "any" } });
  let inputJson = "";
  runner.on("inputJson", (partial) => {
    inputJson += partial;
  });
  const first = await runner.finalMessage();
  assert.equal(path(), "/v1/chat/completions");
  assert.deepEqual(lastSent().body.tools, [WEATHER_TOOL_OPENAI]);
  assert.equal(lastSent().body.tool_choice, "required");
  // Messages streams always carry usage: the converted request asks llama-server for it.
  assert.deepEqual(lastSent().body.stream_options, { include_usage: true });
  assert.ok(first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0) > 0, JSON.stringify(first.usage));
  assert.ok(first.usage.output_tokens > 0, JSON.stringify(first.usage));
  assert.deepEqual(lossy(runner.conversion), []);
  assert.equal(first.type, "message");
  assert.equal(first.stop_reason, "tool_use", JSON.stringify(first));
  const use = first.content.find((b) => b.type === "tool_use");
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, "get_weather");
  assert.equal(typeof use.input.city, "string");
  assert.deepEqual(JSON.parse(inputJson), use.input, "the input streamed as input_json_delta");
  history.push({ role: "assistant", content: first.content });
  history.push({ role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: WEATHER_RESULT }] });

  // Turn 2, /v1/messages natively: the call that came from Chat, answered.
  const second = await native.messages.create({ ...base, messages: history });
  assert.equal(path(), "/v1/messages");
  assert.equal(lastSent().body.messages[1].content.find((b) => b.type === "tool_use").id, use.id);
  const answer = second.content.filter((b) => b.type === "text").map((b) => b.text).join("");
  assert.ok(answer.trim().length > 0, JSON.stringify(second));
  history.push({ role: "assistant", content: second.content });
  history.push({ role: "user", content: "Thanks. Should I take an umbrella?" });

  // Turn 3, /v1/chat/completions, not streamed: tool_use → tool_calls, tool_result → tool message.
  const third = await viaChat.messages.create({ ...base, messages: history, tool_choice: { type: "none" } });
  assert.equal(path(), "/v1/chat/completions");
  const body = lastSent().body;
  assert.deepEqual(body, convert.messagesToChatRequest({ ...base, messages: history, tool_choice: { type: "none" } }).value);
  const assistant = body.messages.find((m) => m.role === "assistant" && m.tool_calls);
  assert.equal(assistant.tool_calls[0].id, use.id);
  assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), use.input);
  assert.deepEqual(body.messages.find((m) => m.role === "tool"), { role: "tool", tool_call_id: use.id, content: WEATHER_RESULT });
  assert.equal(third.type, "message");
  assert.ok(["end_turn", "max_tokens"].includes(third.stop_reason), third.stop_reason);
  assert.ok(third.content.some((b) => b.type === "text" && b.text.trim().length > 0), JSON.stringify(third.content));
  assert.ok(third.usage.input_tokens + (third.usage.cache_read_input_tokens ?? 0) > 0);
  assert.ok(third._conversion.response.every((l) => typeof l.reason === "string"));
});
