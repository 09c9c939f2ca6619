// The official `@anthropic-ai/sdk` client against llama-server's /v1/messages (real peer).
// Auth goes in `Authorization: Bearer` (authToken), as Baseten requires; never x-api-key.
// llama-server's /v1/messages passes only temperature/top_p/top_k/stream/chat_template_kwargs
// through, so `cache_prompt` cannot be sent here: assertions are on structure, not wording.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import {
  API_KEY, MODEL, startServer, recordingFetch, WEATHER_TOOL_ANTHROPIC, WEATHER_QUESTION,
  WEATHER_RESULT, PERSON_SCHEMA, assertPerson,
} from "./helpers.js";

let server;
let client;
const requests = [];

before(async () => {
  server = await startServer();
  client = new Anthropic({
    authToken: API_KEY,
    baseURL: server.url,
    maxRetries: 0,
    timeout: 120_000,
    fetch: recordingFetch(requests),
  });
});

after(async () => {
  await server?.close();
});

const hello = {
  model: MODEL,
  max_tokens: 40,
  system: "You are a friendly assistant. Answer in one short sentence.",
  messages: [{ role: "user", content: "Say hello to Ada." }],
};

test("plain message", async () => {
  const m = await client.messages.create(hello);
  assert.equal(m.type, "message");
  assert.equal(m.role, "assistant");
  assert.equal(typeof m.id, "string");
  assert.ok(Array.isArray(m.content) && m.content.length >= 1);
  const [block] = m.content;
  assert.equal(block.type, "text");
  assert.ok(block.text.trim().length > 0);
  assert.ok(["end_turn", "max_tokens"].includes(m.stop_reason), m.stop_reason);
  assert.ok(m.usage.input_tokens > 0);
  assert.ok(m.usage.output_tokens > 0);
  // auth went in Authorization, not x-api-key
  const last = requests.at(-1);
  assert.equal(last.headers.get("authorization"), `Bearer ${API_KEY}`);
  assert.equal(last.headers.get("x-api-key"), null);
});

test("streamed message: raw events", async () => {
  const stream = await client.messages.create({ ...hello, stream: true });
  const types = [];
  let text = "";
  let stopReason = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    if (event.type === "message_delta") stopReason = event.delta.stop_reason;
  }
  assert.equal(types[0], "message_start");
  assert.equal(types.at(-1), "message_stop");
  assert.ok(types.includes("content_block_start"));
  assert.ok(types.includes("content_block_delta"));
  assert.ok(types.includes("content_block_stop"));
  assert.ok(types.includes("message_delta"));
  assert.ok(text.trim().length > 0);
  assert.ok(["end_turn", "max_tokens"].includes(stopReason), String(stopReason));
});

test("stream helper: text events and finalMessage()", async () => {
  const ms = client.messages.stream(hello);
  let deltas = "";
  ms.on("text", (delta) => { deltas += delta; });
  const final = await ms.finalMessage();
  assert.equal(final.role, "assistant");
  assert.equal(final.content[0].type, "text");
  assert.ok(final.content[0].text.length > 0);
  assert.equal(deltas, final.content[0].text);
  assert.equal(await ms.finalText(), final.content[0].text);
});

const weatherRequest = {
  model: MODEL,
  max_tokens: 100,
  tools: [WEATHER_TOOL_ANTHROPIC],
  messages: [{ role: "user", content: WEATHER_QUESTION }],
};

function assertWeatherUse(message) {
  assert.equal(message.stop_reason, "tool_use");
  const use = message.content.find((b) => b.type === "tool_use");
  assert.ok(use, `a tool_use block in ${JSON.stringify(message.content)}`);
  assert.equal(typeof use.id, "string");
  assert.ok(use.id.length > 0);
  assert.equal(use.name, "get_weather");
  assert.equal(typeof use.input, "object");
  assert.equal(typeof use.input.city, "string");
  assert.ok(use.input.city.length > 0);
  return use;
}

test("tools: tool_use block with parsed input, then tool_result -> text answer", async () => {
  const first = await client.messages.create(weatherRequest);
  const use = assertWeatherUse(first);

  const second = await client.messages.create({
    ...weatherRequest,
    messages: [
      ...weatherRequest.messages,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: WEATHER_RESULT }] },
    ],
  });
  assert.ok(["end_turn", "max_tokens"].includes(second.stop_reason), second.stop_reason);
  assert.ok(!second.content.some((b) => b.type === "tool_use"), "no further tool use");
  const text = second.content.filter((b) => b.type === "text").map((b) => b.text).join("");
  assert.ok(text.trim().length > 0);
});

test("tools: streamed tool_use accumulates input_json_delta", async () => {
  const ms = client.messages.stream(weatherRequest);
  let partial = "";
  ms.on("inputJson", (delta) => { partial += delta; });
  const final = await ms.finalMessage();
  const use = assertWeatherUse(final);
  assert.deepEqual(JSON.parse(partial), use.input);
});

test("JSON schema: forced tool with the schema as input_schema", async () => {
  // /v1/messages has no response_format; the Anthropic way to get schema-shaped JSON is a
  // forced tool, which llama-server constrains with a grammar built from input_schema.
  const m = await client.messages.create({
    model: MODEL,
    max_tokens: 120,
    tools: [{ name: "record_person", description: "Record a fictional person", input_schema: PERSON_SCHEMA }],
    tool_choice: { type: "tool", name: "record_person" },
    messages: [{ role: "user", content: "Invent a fictional person and record them." }],
  });
  const use = m.content.find((b) => b.type === "tool_use");
  assert.ok(use, JSON.stringify(m.content));
  assert.equal(use.name, "record_person");
  assertPerson(assert, use.input);
});

test("count_tokens", async () => {
  const r = await client.messages.countTokens({ model: MODEL, messages: hello.messages, system: hello.system });
  assert.ok(Number.isInteger(r.input_tokens) && r.input_tokens > 0, JSON.stringify(r));
});

test("errors: bad token -> 401 AuthenticationError", async () => {
  const bad = new Anthropic({ authToken: "wrong-key", baseURL: server.url, maxRetries: 0 });
  await assert.rejects(bad.messages.create(hello), (err) => {
    assert.ok(err instanceof Anthropic.AuthenticationError, `${err?.constructor?.name}: ${err?.message}`);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 401);
    return true;
  });
});

test("errors: bad token on a stream -> 401 AuthenticationError", async () => {
  const bad = new Anthropic({ authToken: "wrong-key", baseURL: server.url, maxRetries: 0 });
  await assert.rejects(bad.messages.stream(hello).finalMessage(), Anthropic.AuthenticationError);
});

test("errors: invalid request -> 400 BadRequestError (OpenAI-shaped body)", async () => {
  await assert.rejects(
    // (llama-server accepts an empty or non-list `messages` and generates anyway; a mistyped
    // field is rejected with 400 and an OpenAI-shaped body.)
    client.messages.create({ ...hello, temperature: "hot" }),
    (err) => {
      assert.ok(err instanceof Anthropic.BadRequestError, `${err?.constructor?.name}: ${err?.status} ${err?.message}`);
      assert.equal(err.status, 400);
      assert.equal(err.error?.error?.type, "invalid_request_error");
      return true;
    },
  );
});
