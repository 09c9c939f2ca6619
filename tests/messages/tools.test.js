// Tool use round trip: tool_use → a user turn with the tool_result → an
// answer that quotes the result (plain and streamed), and tool_choice.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { emulator, client, params, messageRequests, WEATHER_TOOL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const QUESTION = "What is the weather in Paris?";
const RESULT = "Sunny, 21 degrees celsius, light wind from the west";

const SCHEMA_TYPES = { city: "string", unit: "string", days: "number", tags: "object" };

/** @param {any} input */
function assertWeatherInput(input) {
  for (const [key, type] of Object.entries(SCHEMA_TYPES)) assert.equal(typeof input[key], type, `input.${key}`);
  assert.ok(["celsius", "fahrenheit"].includes(input.unit), `unit ${input.unit} in the enum`);
  assert.ok(Number.isInteger(input.days) && input.days >= 1 && input.days <= 7, `days ${input.days}`);
  assert.ok(Array.isArray(input.tags) && input.tags.length >= 2 && input.tags.length <= 3, "tags length");
}

test("round trip with create: tool_use, then tool_result, then an answer quoting the result", async () => {
  const c = client(emu);
  const first = { ...params({ tools: [WEATHER_TOOL] }), messages: [{ role: "user", content: QUESTION }] };
  const call = await c.messages.create(first);
  assert.equal(call.stop_reason, "tool_use");
  assert.equal(call.content[0].type, "text", "a short text block before the call");
  const tool = call.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assert.ok(tool, "a tool_use block");
  assert.equal(tool.name, "get_weather");
  assert.match(tool.id, /^toolu_/);
  assertWeatherInput(tool.input);

  const second = {
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: call.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: tool.id, content: RESULT }] },
    ],
  };
  const answer = await c.messages.create(second);
  assert.equal(answer.stop_reason, "end_turn");
  assert.ok(!answer.content.some((/** @type {any} */ b) => b.type === "tool_use"), "no new tool call");
  assert.equal(answer.content[0].type, "text");
  assert.ok(answer.content[0].text.includes(RESULT), `the answer quotes the result: ${answer.content[0].text}`);

  const entries = messageRequests(emu);
  assert.equal(entries.length, 2);
  // The assistant turn went back exactly as received (tool id and input intact).
  assert.deepEqual(entries[1].body.messages[1].content, JSON.parse(JSON.stringify(call.content)));
  assert.equal(entries[1].body.messages[2].content[0].tool_use_id, tool.id);
});

test("round trip with stream(): finalMessage's tool_use feeds the next turn", async () => {
  const c = client(emu);
  const first = { ...params({ tools: [WEATHER_TOOL] }), messages: [{ role: "user", content: QUESTION }] };
  const call = await c.messages.stream(first).finalMessage();
  assert.equal(call.stop_reason, "tool_use");
  const tool = call.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assertWeatherInput(tool.input);
  const runner = c.messages.stream({
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: call.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: tool.id, content: [{ type: "text", text: RESULT }] }] },
    ],
  });
  let inputJson = 0;
  runner.on("inputJson", () => inputJson++);
  const text = await runner.finalText();
  assert.ok(text.includes(RESULT), text);
  assert.equal(inputJson, 0);
  assert.equal((await runner.finalMessage()).stop_reason, "end_turn");
});

test("tool_choice none: no tool call; tool_choice tool: that tool is called", async () => {
  const c = client(emu);
  const base = { ...params({ tools: [WEATHER_TOOL, { name: "get_time", input_schema: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] } }] }), messages: [{ role: "user", content: QUESTION }] };
  const none = await c.messages.create({ ...base, tool_choice: { type: "none" } });
  assert.equal(none.stop_reason, "end_turn");
  assert.ok(!none.content.some((/** @type {any} */ b) => b.type === "tool_use"));
  const forced = await c.messages.create({ ...base, tool_choice: { type: "tool", name: "get_time" } });
  assert.equal(forced.stop_reason, "tool_use");
  const calls = forced.content.filter((/** @type {any} */ b) => b.type === "tool_use");
  assert.deepEqual(calls.map((/** @type {any} */ b) => b.name), ["get_time"]);
  assert.equal(typeof calls[0].input.tz, "string");
});
