// modelwire's own Client against llama-server's /v1/chat/completions (real peer), and the same
// requests through the official `openai` client: the two must agree on everything but ids,
// timestamps and llama-server's timings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import * as modelwire from "modelwire";
import {
  API_KEY, MODEL, startServer, recordingFetch, freshConnectionFetch, WEATHER_TOOL_OPENAI, WEATHER_QUESTION,
  WEATHER_RESULT, PERSON_SCHEMA, assertPerson, allOf, collect,
} from "./helpers.js";

const { Client } = modelwire;

let server;
/** @type {import("modelwire").Client} */
let client;
/** @type {OpenAI} */
let openai;
const requests = [];

before(async () => {
  assert.equal(typeof Client, "function", `modelwire exports: ${Object.keys(modelwire)}`);
  server = await startServer();
  const baseURL = `${server.url}/v1`;
  client = new Client({
    apiKey: API_KEY,
    baseURL,
    maxRetries: 0,
    timeout: 120_000,
    // no keep-alive: llama-server closes pooled sockets after a stream (see freshConnectionFetch)
    fetch: freshConnectionFetch(recordingFetch(requests)),
  });
  openai = new OpenAI({ apiKey: API_KEY, baseURL, maxRetries: 0, timeout: 120_000, fetch: freshConnectionFetch() });
});

after(async () => {
  await server?.close();
});

// Deterministic requests: temperature 0, fixed seed, no prompt cache (llama-server extra, passed
// through untouched by modelwire) so the same request gives the same tokens every time.
const DET = { temperature: 0, seed: 42, cache_prompt: false };

const hello = {
  model: MODEL,
  messages: [
    { role: "system", content: "You are a friendly assistant. Answer in one short sentence." },
    { role: "user", content: "Say hello to Ada." },
  ],
  max_tokens: 32,
  ...DET,
};

const weatherRequest = {
  model: MODEL,
  messages: [{ role: "user", content: WEATHER_QUESTION }],
  tools: [WEATHER_TOOL_OPENAI],
  tool_choice: "auto",
  max_tokens: 60,
  ...DET,
};

const personRequest = {
  model: MODEL,
  messages: [{ role: "user", content: "Invent a fictional person. Reply with JSON giving their name and age." }],
  response_format: { type: "json_schema", json_schema: { name: "person", schema: PERSON_SCHEMA, strict: true } },
  max_tokens: 60,
  ...DET,
};

// One plain modelwire completion, shared by the tests that only need its text.
let helloOnce;
const plainHello = () => (helloOnce ??= client.chat.completions.create(hello));

function assertWeatherCall(message) {
  assert.ok(Array.isArray(message.tool_calls) && message.tool_calls.length >= 1, `a tool call: ${JSON.stringify(message)}`);
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

/** The tool round trip's second request: the call and its result appended. */
function withToolResult(request, call) {
  return {
    ...request,
    messages: [
      ...request.messages,
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: call.id, content: WEATHER_RESULT },
    ],
  };
}

// ---------------------------------------------------------------------------
// modelwire alone

test("plain completion", async () => {
  const r = await plainHello();
  assert.equal(r.object, "chat.completion");
  assert.equal(typeof r.id, "string");
  assert.equal(r.model.length > 0, true);
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
  // _request_id: present but not enumerable (llama-server sends no request id header)
  assert.ok(!Object.keys(r).includes("_request_id"), "_request_id is not enumerable");
  assert.ok(r._request_id == null, `_request_id: ${r._request_id}`);
  // auth went in Authorization: Bearer, never x-api-key; to {baseURL}/chat/completions
  assert.ok(requests.length >= 1, "the request went through the given fetch");
  const last = requests.at(-1);
  assert.equal(last.url, `${server.url}/v1/chat/completions`);
  assert.equal(last.headers.get("authorization"), `Bearer ${API_KEY}`);
  assert.equal(last.headers.get("x-api-key"), null);
});

test("streamed: iteration, currentCompletion(), same text as non-streamed", async () => {
  const stream = await client.chat.completions.create({
    ...hello,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finish = null;
  let usage = null;
  let chunks = 0;
  let midSnapshot = null;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, "chat.completion.chunk");
    for (const c of chunk.choices) {
      if (typeof c.delta?.content === "string") text += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
    // the accumulated completion follows the chunks delivered so far
    if (chunks === 3) midSnapshot = { text, completion: stream.currentCompletion() };
  }
  assert.ok(chunks > 2, `chunks: ${chunks}`);
  assert.ok(text.trim().length > 0);
  assert.ok(["stop", "length"].includes(finish), String(finish));
  assert.ok(usage && usage.completion_tokens > 0, "usage chunk");
  assert.equal(midSnapshot.completion.choices[0].message.content ?? "", midSnapshot.text);

  const done = stream.currentCompletion();
  assert.equal(done.choices.length, 1);
  assert.equal(done.choices[0].message.role, "assistant");
  assert.equal(done.choices[0].message.content, text);
  assert.equal(done.choices[0].finish_reason, finish);
  assert.deepEqual(done.usage, usage);

  const whole = await plainHello();
  assert.equal(text, whole.choices[0].message.content);
});

test("stream runner: content events concatenate to finalContent()", async () => {
  const runner = client.chat.completions.stream(hello);
  let deltas = "";
  let events = 0;
  let ended = false;
  runner.on("content", (delta, snapshot) => {
    events++;
    assert.equal(typeof delta, "string");
    deltas += delta;
    assert.equal(snapshot, deltas, "snapshot is the concatenation so far");
  });
  runner.on("end", () => { ended = true; });
  const content = await runner.finalContent();
  assert.ok(events > 1, `content events: ${events}`);
  assert.equal(typeof content, "string");
  assert.ok(content.length > 0);
  assert.equal(deltas, content);
  const final = await runner.finalChatCompletion();
  assert.equal(final.object, "chat.completion");
  assert.equal(final.choices[0].message.role, "assistant");
  assert.equal(final.choices[0].message.content, content);
  assert.ok(["stop", "length"].includes(final.choices[0].finish_reason));
  assert.equal(content, (await plainHello()).choices[0].message.content);
  await runner.done();
  assert.ok(ended, "end event");
});

test("tools: call with JSON arguments, then tool result -> text answer", async () => {
  const first = await client.chat.completions.create(weatherRequest);
  const { message, finish_reason } = first.choices[0];
  assert.equal(finish_reason, "tool_calls");
  const call = assertWeatherCall(message);

  const second = await client.chat.completions.create(withToolResult(weatherRequest, call));
  const answer = second.choices[0];
  assert.ok(["stop", "length"].includes(answer.finish_reason), answer.finish_reason);
  assert.ok(!answer.message.tool_calls?.length, "no further tool call");
  assert.equal(typeof answer.message.content, "string");
  assert.ok(answer.message.content.trim().length > 0);
});

test("tools: streamed forced call (tool_choice required), argument events", async () => {
  const request = {
    ...weatherRequest,
    messages: [{ role: "user", content: "Tell me about the weather in Rome." }],
    tool_choice: "required",
  };
  const runner = client.chat.completions.stream(request);
  const deltas = [];
  const done = [];
  runner.on("tool_calls.function.arguments.delta", (e) => {
    deltas.push({ ...e, parsed_arguments: e.parsed_arguments });
  });
  runner.on("tool_calls.function.arguments.done", (e) => done.push(e));
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  const call = assertWeatherCall(final.choices[0].message);

  assert.ok(deltas.length >= 1, "argument delta events");
  for (const e of deltas) {
    assert.equal(e.choice, 0);
    assert.equal(e.index, 0);
    assert.equal(e.name, "get_weather");
  }
  assert.equal(deltas.map((e) => e.arguments_delta).join(""), call.function.arguments);
  assert.equal(deltas.at(-1).arguments, call.function.arguments);
  assert.deepEqual(deltas.at(-1).parsed_arguments, JSON.parse(call.function.arguments));
  assert.equal(done.length, 1);
  assert.equal(done[0].name, "get_weather");
  assert.equal(done[0].arguments, call.function.arguments);
  assert.deepEqual(done[0].parsed_arguments, JSON.parse(call.function.arguments));
  const fn = await runner.finalFunctionToolCall();
  assert.deepEqual(fn, call.function);

  // the same request without streaming gives the same call
  const whole = await client.chat.completions.create(request);
  assert.equal(whole.choices[0].finish_reason, "tool_calls");
  assert.equal(whole.choices[0].message.tool_calls[0].function.name, call.function.name);
  assert.equal(whole.choices[0].message.tool_calls[0].function.arguments, call.function.arguments);
});

test("JSON schema response_format: content parses and has the required keys", async () => {
  const r = await client.chat.completions.create(personRequest);
  const { message, finish_reason } = r.choices[0];
  assert.equal(finish_reason, "stop");
  const value = JSON.parse(message.content);
  assertPerson(assert, value);
  for (const key of PERSON_SCHEMA.required) assert.ok(key in value, `required key ${key}`);

  const streamed = await client.chat.completions.stream(personRequest).finalContent();
  assert.equal(streamed, message.content, "streamed JSON equals the non-streamed JSON");
});

// openai-node emits the `.done` events and `functionToolCall` whatever else is listened to.
test("stream runner: content.done / arguments.done / functionToolCall fire without delta listeners", async () => {
  const json = client.chat.completions.stream(personRequest);
  const contentDone = [];
  json.on("content.done", (e) => contentDone.push(e));
  const content = await json.finalContent();
  assertPerson(assert, JSON.parse(content));

  const tools = client.chat.completions.stream({ ...weatherRequest, tool_choice: "required" });
  const argsDone = [];
  const fnCalls = [];
  tools.on("tool_calls.function.arguments.done", (e) => argsDone.push(e));
  tools.on("functionToolCall", (fn) => fnCalls.push(fn));
  const call = assertWeatherCall(await tools.finalMessage());

  assert.equal(contentDone.length, 1, "content.done with only a content.done listener");
  assert.equal(contentDone[0].choice, 0);
  assert.equal(contentDone[0].content, content);
  if (contentDone[0].parsed != null) assert.deepEqual(contentDone[0].parsed, JSON.parse(content));
  assert.equal(argsDone.length, 1, "tool_calls.function.arguments.done with no delta listener");
  assert.equal(argsDone[0].name, "get_weather");
  assert.equal(argsDone[0].arguments, call.function.arguments);
  assert.deepEqual(fnCalls, [call.function], "functionToolCall with no delta listener");
});

test("errors: wrong key -> AuthenticationError; invalid request -> ValidationError before sending", async () => {
  const bad = new Client({ apiKey: "wrong-key", baseURL: `${server.url}/v1`, maxRetries: 0, fetch: freshConnectionFetch() });
  await assert.rejects(bad.chat.completions.create(hello), (err) => {
    assert.ok(err instanceof modelwire.AuthenticationError, `${err?.constructor?.name}: ${err?.message}`);
    assert.ok(err instanceof modelwire.APIError);
    assert.ok(err instanceof modelwire.ModelwireError);
    assert.equal(err.status, 401);
    return true;
  });
  await assert.rejects(
    (async () => {
      const s = await bad.chat.completions.create({ ...hello, stream: true });
      for await (const _ of s) { /* not reached */ }
    })(),
    modelwire.AuthenticationError,
  );

  const sent = requests.length;
  await assert.rejects(
    client.chat.completions.create({
      ...hello,
      messages: [...hello.messages, { role: "tool", content: "72F" }],
    }),
    (err) => {
      assert.ok(err instanceof modelwire.ValidationError, `${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.field, "messages[2].tool_call_id");
      return true;
    },
  );
  assert.equal(requests.length, sent, "nothing sent");
});

// ---------------------------------------------------------------------------
// Differential: modelwire and openai-node on the same requests

const IGNORED_TOP = ["id", "created", "timings", "system_fingerprint"];

/**
 * A completion or chunk as comparable JSON: enumerable fields only, undefined dropped, ids,
 * timestamps and timings removed (tool call ids replaced by a placeholder, their presence kept).
 */
function comparable(value, { dropNullParsed = false } = {}) {
  const out = JSON.parse(JSON.stringify(value));
  for (const key of IGNORED_TOP) delete out[key];
  for (const choice of out.choices ?? []) {
    const message = choice.message ?? choice.delta;
    if (!message) continue;
    // openai-node's stream helper returns a ParsedChatCompletion: `parsed: null` on every
    // message when no zod/auto-parse format is given. Not part of the API's ChatCompletion.
    if (dropNullParsed && message.parsed === null) delete message.parsed;
    for (const call of message.tool_calls ?? []) {
      // modelwire's accumulated message keeps each call's stream `index` (the
      // shape in ../shared/conformance/README.md); openai-node drops it.
      if (choice.message) delete call.index;
      if ("id" in call) {
        assert.equal(typeof call.id, "string");
        call.id = "<id>";
      }
    }
  }
  return out;
}

function assertSameCompletion(mw, oa, label) {
  // the parts the brief names first, spelled out so a failure says which one
  assert.equal(mw.choices.length, oa.choices.length, `${label}: choices`);
  for (let i = 0; i < oa.choices.length; i++) {
    const a = mw.choices[i];
    const b = oa.choices[i];
    assert.equal(a.finish_reason, b.finish_reason, `${label}: finish_reason`);
    assert.equal(a.message.content, b.message.content, `${label}: content`);
    assert.deepEqual(
      (a.message.tool_calls ?? []).map((c) => [c.function.name, JSON.parse(c.function.arguments)]),
      (b.message.tool_calls ?? []).map((c) => [c.function.name, JSON.parse(c.function.arguments)]),
      `${label}: tool calls`,
    );
  }
  // then the whole structure: same keys everywhere, same values
  assert.deepEqual(comparable(mw), comparable(oa, { dropNullParsed: true }), `${label}: structure`);
}

/** The same streamed request both ways: raw chunks, modelwire's currentCompletion(), runners. */
async function differentialStream(request, label) {
  const params = { ...request, stream: true, stream_options: { include_usage: true } };
  const oaChunks = await collect(await openai.chat.completions.create(params));
  const mwStream = await client.chat.completions.create(params);
  const mwChunks = await collect(mwStream);
  const oaFinal = await openai.chat.completions.stream(params).finalChatCompletion();
  const mwFinal = await client.chat.completions.stream(params).finalChatCompletion();
  allOf([
    () => assert.deepEqual(mwChunks.map((c) => comparable(c)), oaChunks.map((c) => comparable(c)), `${label}: chunks`),
    () => assertSameCompletion(mwFinal, oaFinal, `${label}: finalChatCompletion()`),
    () => assertSameCompletion(mwStream.currentCompletion(), oaFinal, `${label}: currentCompletion()`),
  ]);
  return { mwFinal, oaFinal };
}

test("differential: plain completion", async () => {
  const oa = await openai.chat.completions.create(hello);
  const mw = await client.chat.completions.create(hello);
  assertSameCompletion(mw, oa, "plain");
});

test("differential: streamed completion (chunks, accumulated, runner)", async () => {
  await differentialStream(hello, "streamed");
});

test("differential: tools (call, tool result round trip, streamed call)", async () => {
  const oa = await openai.chat.completions.create(weatherRequest);
  const mw = await client.chat.completions.create(weatherRequest);
  assert.equal(mw.choices[0].finish_reason, "tool_calls");
  // round trip: each client sends its own call back (ids differ; the text must not)
  const oa2 = await openai.chat.completions.create(withToolResult(weatherRequest, oa.choices[0].message.tool_calls[0]));
  const mw2 = await client.chat.completions.create(withToolResult(weatherRequest, mw.choices[0].message.tool_calls[0]));
  allOf([
    () => assertSameCompletion(mw, oa, "tool call"),
    () => assertSameCompletion(mw2, oa2, "tool result"),
  ]);
  const streamed = await differentialStream(weatherRequest, "streamed tool call");
  assert.equal(streamed.mwFinal.choices[0].finish_reason, "tool_calls");
  assert.equal(
    streamed.mwFinal.choices[0].message.tool_calls[0].function.arguments,
    mw.choices[0].message.tool_calls[0].function.arguments,
  );
});

test("differential: JSON schema response_format", async () => {
  const oa = await openai.chat.completions.create(personRequest);
  const mw = await client.chat.completions.create(personRequest);
  assertSameCompletion(mw, oa, "json_schema");
});
