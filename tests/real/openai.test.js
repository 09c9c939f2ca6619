// The official `openai` client against llama-server's /v1/chat/completions (real peer).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  API_KEY, MODEL, startServer, recordingFetch, WEATHER_TOOL_OPENAI, WEATHER_QUESTION,
  WEATHER_RESULT, PERSON_SCHEMA, assertPerson,
} from "./helpers.js";

let server;
let client;
const requests = [];

before(async () => {
  server = await startServer();
  client = new OpenAI({
    apiKey: API_KEY,
    baseURL: `${server.url}/v1`,
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
  messages: [
    { role: "system", content: "You are a friendly assistant. Answer in one short sentence." },
    { role: "user", content: "Say hello to Ada." },
  ],
  max_tokens: 40,
  cache_prompt: false, // llama-server extra: repeatable text at temperature 0
};

test("health and models", async () => {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  const models = await client.models.list();
  const ids = models.data.map((m) => m.id);
  assert.ok(ids.includes(MODEL), `models: ${ids}`);
});

test("plain completion", async () => {
  const r = await client.chat.completions.create(hello);
  assert.equal(r.object, "chat.completion");
  assert.equal(typeof r.id, "string");
  assert.equal(r.choices.length, 1);
  const [choice] = r.choices;
  assert.equal(choice.index, 0);
  assert.equal(choice.message.role, "assistant");
  assert.equal(typeof choice.message.content, "string");
  assert.ok(choice.message.content.trim().length > 0, "non-empty text");
  assert.ok(["stop", "length"].includes(choice.finish_reason), choice.finish_reason);
  assert.ok(!choice.message.tool_calls?.length, "no tool calls");
  assert.ok(r.usage.prompt_tokens > 0);
  assert.ok(r.usage.completion_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  // auth went in Authorization: Bearer
  const last = requests.at(-1);
  assert.equal(last.headers.get("authorization"), `Bearer ${API_KEY}`);
});

test("cache_prompt: false makes temperature-0 output repeatable", async () => {
  const a = await client.chat.completions.create(hello);
  const b = await client.chat.completions.create(hello);
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
});

test("streamed completion", async () => {
  const stream = await client.chat.completions.create({
    ...hello,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, "chat.completion.chunk");
    for (const c of chunk.choices) {
      if (typeof c.delta?.content === "string") text += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(chunks > 2, `chunks: ${chunks}`);
  assert.ok(text.trim().length > 0);
  assert.ok(["stop", "length"].includes(finish), String(finish));
  assert.ok(usage && usage.completion_tokens > 0, "usage chunk");
  // same request, not streamed, gives the same text
  const whole = await client.chat.completions.create(hello);
  assert.equal(text, whole.choices[0].message.content);
});

test("stream helper: finalChatCompletion()", async () => {
  const runner = client.chat.completions.stream(hello);
  let deltas = "";
  runner.on("content", (delta) => { deltas += delta; });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.role, "assistant");
  assert.ok(final.choices[0].message.content.length > 0);
  assert.equal(deltas, final.choices[0].message.content);
});

const weatherRequest = {
  model: MODEL,
  messages: [{ role: "user", content: WEATHER_QUESTION }],
  tools: [WEATHER_TOOL_OPENAI],
  tool_choice: "auto",
  max_tokens: 100,
  cache_prompt: false,
};

function assertWeatherCall(message) {
  assert.ok(Array.isArray(message.tool_calls) && message.tool_calls.length >= 1, "a tool call");
  const call = message.tool_calls[0];
  assert.equal(call.type, "function");
  assert.equal(typeof call.id, "string");
  assert.ok(call.id.length > 0);
  assert.equal(call.function.name, "get_weather");
  assert.equal(typeof call.function.arguments, "string");
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, "string");
  assert.ok(args.city.length > 0);
  return call;
}

test("tools: call with parsed JSON arguments, then tool result -> text answer", async () => {
  const first = await client.chat.completions.create(weatherRequest);
  const { message, finish_reason } = first.choices[0];
  assert.equal(finish_reason, "tool_calls");
  const call = assertWeatherCall(message);

  const second = await client.chat.completions.create({
    ...weatherRequest,
    messages: [
      ...weatherRequest.messages,
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: call.id, content: WEATHER_RESULT },
    ],
  });
  const answer = second.choices[0];
  assert.ok(["stop", "length"].includes(answer.finish_reason), answer.finish_reason);
  assert.ok(!answer.message.tool_calls?.length, "no further tool call");
  assert.equal(typeof answer.message.content, "string");
  assert.ok(answer.message.content.trim().length > 0);
});

test("tools: streamed call accumulates to the same arguments", async () => {
  const whole = await client.chat.completions.create(weatherRequest);
  const runner = client.chat.completions.stream(weatherRequest);
  let argDeltas = "";
  runner.on("tool_calls.function.arguments.delta", (e) => { argDeltas += e.arguments_delta; });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  const call = assertWeatherCall(final.choices[0].message);
  assert.deepEqual(JSON.parse(call.function.arguments), JSON.parse(whole.choices[0].message.tool_calls[0].function.arguments));
  assert.equal(argDeltas, call.function.arguments);
});

test("tool_choice: required forces a call", async () => {
  const r = await client.chat.completions.create({
    ...weatherRequest,
    messages: [{ role: "user", content: "Tell me about the weather in Rome." }],
    tool_choice: "required",
  });
  assertWeatherCall(r.choices[0].message);
});

test("JSON schema via response_format", async () => {
  const r = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Invent a fictional person. Reply with JSON giving their name and age." }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "person", schema: PERSON_SCHEMA, strict: true },
    },
    max_tokens: 120,
    cache_prompt: false,
  });
  const { message, finish_reason } = r.choices[0];
  assert.equal(finish_reason, "stop");
  assertPerson(assert, JSON.parse(message.content));
});

test("JSON schema via response_format, streamed", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Invent a fictional person as JSON." }],
    response_format: { type: "json_schema", json_schema: { name: "person", schema: PERSON_SCHEMA } },
    max_tokens: 120,
    stream: true,
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  assertPerson(assert, JSON.parse(text));
});

test("json_object response_format gives parseable JSON", async () => {
  const r = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Give a JSON object with a key colour naming a colour." }],
    response_format: { type: "json_object" },
    max_tokens: 60,
    cache_prompt: false,
  });
  const value = JSON.parse(r.choices[0].message.content);
  assert.equal(typeof value, "object");
});

test("errors: bad key -> 401 AuthenticationError", async () => {
  const bad = new OpenAI({ apiKey: "wrong-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
  await assert.rejects(bad.chat.completions.create(hello), (err) => {
    assert.ok(err instanceof OpenAI.AuthenticationError, `${err?.constructor?.name}: ${err?.message}`);
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 401);
    assert.equal(typeof err.message, "string");
    return true;
  });
});

test("errors: bad key on a stream -> 401 before any chunk", async () => {
  const bad = new OpenAI({ apiKey: "wrong-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
  await assert.rejects(
    (async () => {
      const s = await bad.chat.completions.create({ ...hello, stream: true });
      for await (const _ of s) { /* not reached */ }
    })(),
    OpenAI.AuthenticationError,
  );
});

test("errors: invalid request -> 400 BadRequestError", async () => {
  await assert.rejects(
    client.chat.completions.create({ ...hello, response_format: { type: "bogus" } }),
    (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err?.status} ${err?.message}`);
      assert.equal(err.status, 400);
      return true;
    },
  );
});
