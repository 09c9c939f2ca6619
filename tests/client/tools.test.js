// A tool round trip: the model calls a tool, the caller answers with a
// `tool` message carrying the call's id, the model answers quoting the result.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { emulator, client, MODEL, chatRequests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
        required: ["city", "unit"],
        additionalProperties: false,
      },
    },
  },
];
const question = { role: "user", content: "What's the weather in Paris right now? Use get_weather." };
const RESULT = JSON.stringify({ temperature: 21, conditions: "sunny", city: "Paris" });

/** Checks one tool call against the tool's schema. @param {any} call */
function assertWeatherCall(call) {
  assert.equal(call.type, "function");
  assert.match(call.id, /^call_/);
  assert.equal(call.function.name, "get_weather");
  const args = typeof call.function.arguments === "string" ? JSON.parse(call.function.arguments) : call.function.arguments;
  assert.equal(typeof args.city, "string");
  assert.ok(["celsius", "fahrenheit"].includes(args.unit), `unit ${args.unit}`);
  assert.deepEqual(Object.keys(args).sort(), ["city", "unit"]);
}

test("create: tool call, then a tool message with tool_call_id, then an answer quoting the result", async () => {
  const c = client(emu);
  const first = await c.chat.completions.create({ model: MODEL, messages: [question], tools, tool_choice: "auto" });
  const message = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, "tool_calls");
  assert.equal(message.tool_calls.length, 1);
  const [call] = message.tool_calls;
  assertWeatherCall(call);

  const second = await c.chat.completions.create({
    model: MODEL,
    messages: [question, message, { role: "tool", tool_call_id: call.id, content: RESULT }],
    tools,
  });
  const answer = second.choices[0].message;
  assert.equal(second.choices[0].finish_reason, "stop");
  assert.equal(answer.tool_calls ?? undefined, undefined, "no new tool call after a tool result");
  assert.equal(typeof answer.content, "string");
  assert.ok(answer.content.includes("sunny") || answer.content.includes(RESULT), `the answer quotes the result: ${answer.content}`);

  // What went over the wire: the assistant turn with its tool_calls, the tool message with the id.
  const sent = chatRequests(emu)[1].body.messages;
  assert.equal(sent.length, 3);
  assert.equal(sent[1].role, "assistant");
  assert.equal(sent[1].tool_calls[0].id, call.id);
  assert.deepEqual(sent[2], { role: "tool", tool_call_id: call.id, content: RESULT });
});

test("stream: the tool call accumulates to the same call, and the round trip finishes streamed", async () => {
  const c = client(emu);
  const plain = await c.chat.completions.create({ model: MODEL, messages: [question], tools });
  emu.reset();
  const runner = c.chat.completions.stream({ model: MODEL, messages: [question], tools });
  const message = await runner.finalMessage();
  const [call] = message.tool_calls;
  assertWeatherCall(call);
  assert.equal(call.function.arguments, plain.choices[0].message.tool_calls[0].function.arguments);

  const answer = await c.chat.completions
    .stream({ model: MODEL, messages: [question, message, { role: "tool", tool_call_id: call.id, content: RESULT }], tools })
    .finalContent();
  assert.ok(answer?.includes("sunny") || answer?.includes(RESULT), `the answer quotes the result: ${answer}`);
  const sent = chatRequests(emu).at(-1).body.messages;
  assert.equal(sent[2].tool_call_id, call.id);
  assert.equal(sent[1].tool_calls[0].id, call.id);
});

test("parallel tool calls stay separate, merged by index", async () => {
  const both = [
    ...tools,
    { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
  ];
  const messages = [{ role: "user", content: "Use get_weather and get_time for Paris." }];
  const plain = await client(emu).chat.completions.create({ model: MODEL, messages, tools: both });
  emu.reset();
  const final = await client(emu).chat.completions.stream({ model: MODEL, messages, tools: both }).finalChatCompletion();
  const names = final.choices[0].message.tool_calls.map((/** @type {any} */ t) => t.function.name);
  assert.deepEqual(names, plain.choices[0].message.tool_calls.map((/** @type {any} */ t) => t.function.name));
  assert.deepEqual(names.sort(), ["get_time", "get_weather"]);
  for (const [i, t] of final.choices[0].message.tool_calls.entries()) {
    assert.equal(t.function.arguments, plain.choices[0].message.tool_calls[i].function.arguments);
  }
});

test("a forced tool_choice is sent as given and honoured", async () => {
  const both = [...tools, { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } }];
  const completion = await client(emu).chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Hello there." }],
    tools: both,
    tool_choice: { type: "function", function: { name: "get_time" } },
  });
  assert.deepEqual(completion.choices[0].message.tool_calls.map((/** @type {any} */ t) => t.function.name), ["get_time"]);
  assert.deepEqual(chatRequests(emu)[0].body.tool_choice, { type: "function", function: { name: "get_time" } });
});
