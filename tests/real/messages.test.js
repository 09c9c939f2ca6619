// modelwire's `client.messages` against llama-server's /v1/messages (real peer), and the same
// requests through the official `@anthropic-ai/sdk` client, its auth header overridden as
// Baseten's docs show (seed 003: `Authorization: Bearer KEY`). The two must agree on everything
// but message ids and tool_use ids.
//
// Determinism: llama-server's /v1/messages drops `cache_prompt` (it passes only temperature,
// top_p, top_k, stream and chat_template_kwargs on), and a prompt processed with or without the
// prefix cache can give different tokens at temperature 0, and always gives a different
// input_tokens / cache_read_input_tokens split. So every comparison runs `settled()`: the request
// is sent once first, and each compared request then meets the same cache state (the whole
// prompt but its last token cached), whatever ran before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import Anthropic from "@anthropic-ai/sdk";
import * as modelwire from "modelwire";
import {
  API_KEY, MODEL, startServer, recordingFetch, freshConnectionFetch, WEATHER_TOOL_ANTHROPIC, WEATHER_QUESTION,
  WEATHER_RESULT, allOf, collect,
} from "./helpers.js";
import { isJsonPrefix } from "../messages/helpers.js";

const { Client } = modelwire;

let server;
/** @type {import("modelwire").Client} */
let client;
/** @type {Anthropic} */
let anthropic;
/** Every request modelwire's client sent (url, headers). */
const requests = [];
/** Every request the official SDK sent. */
const sdkRequests = [];

before(async () => {
  assert.equal(typeof Client, "function", `modelwire exports: ${Object.keys(modelwire)}`);
  server = await startServer();
  client = new Client({
    apiKey: API_KEY,
    baseURL: `${server.url}/v1`,
    authScheme: "Bearer",
    maxRetries: 0,
    timeout: 120_000,
    // no keep-alive: llama-server closes pooled sockets after a stream (see freshConnectionFetch)
    fetch: freshConnectionFetch(recordingFetch(requests)),
  });
  // As seed 003 (Baseten's Anthropic SDK example): the key also as `Authorization: Bearer` in the
  // default headers. (The installed SDK, 1.12, already sends `apiKey` as `Authorization: Bearer`;
  // `x-api-key: null` removes the header Baseten rejects should a version send it.)
  anthropic = new Anthropic({
    apiKey: API_KEY,
    baseURL: server.url,
    defaultHeaders: { Authorization: `Bearer ${API_KEY}`, "x-api-key": null },
    maxRetries: 0,
    timeout: 120_000,
    fetch: freshConnectionFetch(recordingFetch(sdkRequests)),
  });
});

after(async () => {
  await server?.close();
});

const hello = {
  model: MODEL,
  max_tokens: 40,
  temperature: 0,
  system: "You are a friendly assistant. Answer in one short sentence.",
  messages: [{ role: "user", content: "Say hello to Ada." }],
};

// Forced (tool_choice tool → llama-server's "required"): a tool_use block by construction, not by
// the tiny model's choice. max_tokens leaves room for the whole call.
const weatherRequest = {
  model: MODEL,
  max_tokens: 100,
  temperature: 0,
  tools: [WEATHER_TOOL_ANTHROPIC],
  tool_choice: { type: "tool", name: "get_weather" },
  messages: [{ role: "user", content: WEATHER_QUESTION }],
};

/** The round trip's second turn: the tool_use and its tool_result appended, the model free to answer. */
function withToolResult(first) {
  const use = first.content.find((b) => b.type === "tool_use");
  return {
    ...weatherRequest,
    tool_choice: { type: "auto" },
    messages: [
      ...weatherRequest.messages,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: WEATHER_RESULT }] },
    ],
  };
}

/**
 * Sends `request` once (through modelwire) so the server's prompt cache holds it, then runs `work`:
 * every request in `work` with the same prompt meets the same cache state.
 * @template T @param {any} request @param {() => Promise<T>} work @returns {Promise<T>}
 */
async function settled(request, work) {
  const { stream: _s, ...plain } = request;
  await client.messages.create({ ...plain, max_tokens: 1 });
  return work();
}

/** Text of the text blocks, joined. */
const textOf = (m) => m.content.filter((b) => b.type === "text").map((b) => b.text).join("");

function assertUsage(usage) {
  assert.equal(typeof usage, "object");
  assert.ok(Number.isInteger(usage.input_tokens) && usage.input_tokens > 0, `input_tokens ${usage.input_tokens}`);
  assert.ok(Number.isInteger(usage.output_tokens) && usage.output_tokens > 0, `output_tokens ${usage.output_tokens}`);
}

function assertWeatherUse(message) {
  assert.equal(message.type, "message");
  assert.equal(message.role, "assistant");
  assert.equal(message.stop_reason, "tool_use");
  const use = message.content.find((b) => b.type === "tool_use");
  assert.ok(use, `a tool_use block in ${JSON.stringify(message.content)}`);
  assert.equal(typeof use.id, "string");
  assert.ok(use.id.length > 0);
  assert.equal(use.name, "get_weather");
  assert.ok(use.input && typeof use.input === "object" && !Array.isArray(use.input), `input is an object: ${JSON.stringify(use.input)}`);
  assert.deepEqual(Object.keys(use.input), ["city"]);
  assert.equal(typeof use.input.city, "string");
  assert.ok(use.input.city.length > 0);
  return use;
}

// ---------------------------------------------------------------------------
// modelwire alone

test("plain message: text block, stop_reason, usage; POST {baseURL}/messages with Authorization: Bearer", async () => {
  const sent = requests.length;
  const m = await client.messages.create(hello);
  assert.equal(m.type, "message");
  assert.equal(m.role, "assistant");
  assert.equal(typeof m.id, "string");
  assert.ok(m.id.length > 0);
  assert.equal(typeof m.model, "string");
  assert.equal(m.content.length, 1, JSON.stringify(m.content));
  const [block] = m.content;
  assert.equal(block.type, "text");
  assert.ok(block.text.trim().length > 0, "non-empty text");
  assert.ok(["end_turn", "max_tokens"].includes(m.stop_reason), m.stop_reason);
  assert.equal(m.stop_sequence, null);
  assertUsage(m.usage);
  assert.ok(m.usage.output_tokens <= hello.max_tokens);
  // _request_id: present but not enumerable (llama-server sends no request id header)
  assert.ok(!Object.keys(m).includes("_request_id"), "_request_id is not enumerable");
  assert.ok("_request_id" in m);
  assert.equal(requests.length, sent + 1, "one request, through the given fetch");
  const last = requests.at(-1);
  assert.equal(last.url, `${server.url}/v1/messages`);
  assert.equal(last.headers.get("authorization"), `Bearer ${API_KEY}`);
  assert.equal(last.headers.get("x-api-key"), null);
});

test("streamed: raw events in order, currentMessage() follows them, same message as create", async () => {
  const { plain, events, snapshots, final } = await settled(hello, async () => {
    const plain = await client.messages.create(hello);
    const stream = await client.messages.create({ ...hello, stream: true });
    const events = [];
    const snapshots = [];
    for await (const event of stream) {
      events.push(event);
      snapshots.push(stream.currentMessage());
    }
    return { plain, events, snapshots, final: stream.currentMessage() };
  });
  const types = events.map((e) => e.type);
  assert.equal(types[0], "message_start");
  assert.equal(types.at(-1), "message_stop");
  assert.equal(types.at(-2), "message_delta");
  assert.deepEqual(types.slice(1, 2), ["content_block_start"]);
  assert.equal(types.at(-3), "content_block_stop");
  const deltas = events.filter((e) => e.type === "content_block_delta");
  assert.equal(deltas.length, types.length - 5, "only content_block_delta between the block's start and stop");
  assert.ok(deltas.length > 2, `${deltas.length} deltas`);
  for (const d of deltas) {
    assert.equal(d.index, 0);
    assert.equal(d.delta.type, "text_delta");
    assert.equal(typeof d.delta.text, "string");
  }
  assert.deepEqual(events[1].content_block, { type: "text", text: "" });
  const start = events[0].message;
  assert.equal(start.role, "assistant");
  assert.deepEqual(start.content, []);
  assert.equal(start.stop_reason, null);

  // currentMessage() after each event: the text delivered so far, nothing more
  let text = "";
  events.forEach((event, i) => {
    if (event.type === "content_block_delta") text += event.delta.text;
    const snap = snapshots[i];
    assert.equal(snap.id, start.id);
    if (i >= 1) assert.equal(snap.content[0].text, text, `snapshot after event ${i}`);
    assert.equal(snap.stop_reason, i >= types.length - 2 ? events.at(-2).delta.stop_reason : null, `stop_reason after event ${i}`);
  });
  assert.equal(final.content.length, 1);
  assert.equal(final.content[0].text, text);
  assert.equal(final.stop_reason, events.at(-2).delta.stop_reason);
  assert.ok(["end_turn", "max_tokens"].includes(final.stop_reason), final.stop_reason);
  assert.equal(final.usage.output_tokens, events.at(-2).usage.output_tokens);
  assertUsage(final.usage);

  // the same request without streaming: the same message (ids apart)
  const { id: _a, ...plainRest } = plain;
  const { id: _b, ...finalRest } = final;
  assert.deepEqual(finalRest, plainRest);
});

test("stream runner: text events concatenate to finalText(); finalMessage(); events in order", async () => {
  const { plain, runner, seen, deltas, final, finalText } = await settled(hello, async () => {
    const plain = await client.messages.create(hello);
    const runner = client.messages.stream(hello);
    const seen = [];
    let deltas = "";
    runner.on("connect", () => seen.push("connect"));
    runner.on("streamEvent", (event) => seen.push(event.type));
    runner.on("text", (delta, snapshot) => {
      assert.equal(typeof delta, "string");
      deltas += delta;
      assert.equal(snapshot, deltas, "snapshot is the concatenation so far");
      seen.push("text");
    });
    runner.on("contentBlock", (block) => seen.push(`contentBlock:${block.type}`));
    runner.on("message", () => seen.push("message"));
    runner.on("finalMessage", () => seen.push("finalMessage"));
    runner.on("end", () => seen.push("end"));
    const final = await runner.finalMessage();
    return { plain, runner, seen, deltas, final, finalText: await runner.finalText() };
  });
  assert.ok(deltas.length > 0);
  assert.equal(finalText, deltas);
  assert.equal(final.content.length, 1);
  assert.equal(final.content[0].type, "text");
  assert.equal(final.content[0].text, deltas);
  assert.ok(["end_turn", "max_tokens"].includes(final.stop_reason), final.stop_reason);
  assertUsage(final.usage);
  assert.deepEqual(runner.currentMessage, final);
  const { id: _a, ...plainRest } = plain;
  const { id: _b, ...finalRest } = final;
  assert.deepEqual(finalRest, plainRest, "finalMessage() is the non-streamed message");

  // connect, then each event (each text delta right after its streamEvent), the block once it
  // stopped, then message / finalMessage / end
  assert.equal(seen[0], "connect");
  assert.deepEqual(seen.slice(1, 3), ["message_start", "content_block_start"]);
  const tail = seen.slice(seen.indexOf("content_block_stop"));
  assert.deepEqual(tail, ["content_block_stop", "contentBlock:text", "message_delta", "message_stop", "message", "finalMessage", "end"]);
  const middle = seen.slice(3, seen.indexOf("content_block_stop"));
  assert.ok(middle.length >= 2);
  for (let i = 0; i < middle.length; i += 2) assert.deepEqual(middle.slice(i, i + 2), ["content_block_delta", "text"]);
});

test("tools: forced tool_use with parsed input, then tool_result -> text answer", async () => {
  const first = await client.messages.create(weatherRequest);
  const use = assertWeatherUse(first);
  assert.equal(first.content.filter((b) => b.type === "tool_use").length, 1);
  assert.match(use.input.city, /paris/i);

  const before = requests.length;
  const second = await client.messages.create(withToolResult(first));
  assert.equal(requests.length, before + 1);
  assert.ok(["end_turn", "max_tokens"].includes(second.stop_reason), second.stop_reason);
  assert.ok(!second.content.some((b) => b.type === "tool_use"), `no further tool use: ${JSON.stringify(second.content)}`);
  assert.ok(textOf(second).trim().length > 0, "a text answer");
  assertUsage(second.usage);
});

test("tools: streamed tool_use: raw input_json_delta events, runner inputJson events, same input as create", async () => {
  const { plain, events, current, inputs, contentBlocks, final } = await settled(weatherRequest, async () => {
    const plain = await client.messages.create(weatherRequest);
    const stream = await client.messages.create({ ...weatherRequest, stream: true });
    const events = await collect(stream);
    const current = stream.currentMessage();
    const runner = client.messages.stream(weatherRequest);
    const inputs = [];
    const contentBlocks = [];
    runner.on("inputJson", (partialJson, snapshot) => inputs.push({ partialJson, snapshot: structuredClone(snapshot) }));
    runner.on("contentBlock", (block) => contentBlocks.push(block));
    const final = await runner.finalMessage();
    return { plain, events, current, inputs, contentBlocks, final };
  });
  const use = assertWeatherUse(plain);

  // raw events: a tool_use block whose input arrives as JSON fragments
  const starts = events.filter((e) => e.type === "content_block_start" && e.content_block.type === "tool_use");
  assert.equal(starts.length, 1, JSON.stringify(events));
  assert.equal(starts[0].content_block.name, "get_weather");
  const json = events
    .filter((e) => e.type === "content_block_delta" && e.index === starts[0].index)
    .map((e) => {
      assert.equal(e.delta.type, "input_json_delta");
      return e.delta.partial_json;
    });
  assert.ok(json.length > 1, `${json.length} input_json_delta events`);
  assert.deepEqual(JSON.parse(json.join("")), use.input);
  assertWeatherUse(current);
  assert.deepEqual(current.content.find((b) => b.type === "tool_use").input, use.input);
  assert.equal(events.at(-2).delta.stop_reason, "tool_use");

  // the runner: inputJson fragments add up to the input; snapshots grow into it
  const finalUse = assertWeatherUse(final);
  assert.deepEqual(finalUse.input, use.input);
  assert.deepEqual(inputs.map((e) => e.partialJson), json, "one inputJson event per input_json_delta, same fragments");
  for (const { snapshot } of inputs) {
    if (snapshot === undefined) continue; // nothing parseable yet
    assert.ok(isJsonPrefix(snapshot, use.input), `snapshot ${JSON.stringify(snapshot)} on its way to ${JSON.stringify(use.input)}`);
  }
  assert.deepEqual(inputs.at(-1).snapshot, use.input, "the last snapshot is the whole input");
  assert.deepEqual(contentBlocks.filter((b) => b.type === "tool_use").map((b) => b.input), [use.input]);
});

test("stop_sequences: generation ends before the sequence; stop_sequence says which (create, stream, runner)", async () => {
  const { full, stopped, events, ran } = await settled(hello, async () => {
    const full = await client.messages.create(hello);
    // a word from the middle of the reply that this exact request produces
    const words = textOf(full).split(/\s+/);
    const word = words.slice(2).find((w) => /^[A-Za-z]{3,}$/.test(w) && textOf(full).indexOf(w) > 0);
    assert.ok(word, `a stop word in ${JSON.stringify(textOf(full))}`);
    const request = { ...hello, stop_sequences: [word, "never-appears-###"] };
    const stopped = await client.messages.create(request);
    const events = await collect(await client.messages.create({ ...request, stream: true }));
    const ran = await client.messages.stream(request).finalMessage();
    return { full, stopped: { word, message: stopped }, events, ran };
  });
  const { word, message } = stopped;
  const cut = textOf(full).slice(0, textOf(full).indexOf(word));
  assert.equal(message.stop_sequence, word);
  // Anthropic says "stop_sequence"; llama-server reports "end_turn" with stop_sequence set.
  assert.ok(["stop_sequence", "end_turn"].includes(message.stop_reason), message.stop_reason);
  assert.equal(textOf(message), cut, "the text up to the sequence, without it");
  assert.ok(message.usage.output_tokens < full.usage.output_tokens);

  const delta = events.find((e) => e.type === "message_delta");
  assert.equal(delta.delta.stop_sequence, word, "message_delta carries the stop_sequence");
  assert.equal(delta.delta.stop_reason, message.stop_reason);
  assert.equal(events.filter((e) => e.type === "content_block_delta").map((e) => e.delta.text).join(""), cut);
  assert.equal(ran.stop_sequence, word);
  assert.equal(ran.stop_reason, message.stop_reason);
  assert.equal(textOf(ran), cut);
});

test("errors: bad key -> AuthenticationError (create, create stream, stream()); invalid body -> ValidationError before sending", async () => {
  const bad = new Client({ apiKey: "wrong-key", baseURL: `${server.url}/v1`, authScheme: "Bearer", maxRetries: 0, fetch: freshConnectionFetch() });
  const isAuth = (err) => {
    assert.ok(err instanceof modelwire.AuthenticationError, `${err?.constructor?.name}: ${err?.message}`);
    assert.ok(err instanceof modelwire.APIError);
    assert.ok(!(err instanceof modelwire.StreamError));
    assert.equal(err.status, 401);
    assert.ok(err.headers instanceof Headers);
    assert.ok(err.error && typeof err.error === "object", "the body");
    assert.ok(!String(err.message).includes("wrong-key"));
    return true;
  };
  await assert.rejects(bad.messages.create(hello), isAuth);
  await assert.rejects(async () => {
    for await (const _ of await bad.messages.create({ ...hello, stream: true })) { /* not reached */ }
  }, isAuth);
  const runner = bad.messages.stream(hello);
  let errorEvent;
  runner.on("error", (err) => { errorEvent = err; });
  await assert.rejects(runner.finalMessage(), isAuth);
  assert.ok(errorEvent instanceof modelwire.AuthenticationError, "error event");

  // llama-server would accept both bodies (missing max_tokens defaults to 4096; it does not
  // check temperature's range): only modelwire's own validation can refuse them.
  const sent = requests.length;
  const { max_tokens: _omit, ...noMaxTokens } = hello;
  for (const [body, field] of [[noMaxTokens, "max_tokens"], [{ ...hello, temperature: 1.5 }, "temperature"]]) {
    for (const run of [
      () => client.messages.create(body),
      () => client.messages.create({ ...body, stream: true }),
      () => client.messages.stream(body).finalMessage(),
    ]) {
      await assert.rejects(run, (err) => {
        assert.ok(err instanceof modelwire.ValidationError, `${err?.constructor?.name}: ${err?.message}`);
        assert.ok(!(err instanceof modelwire.APIError));
        assert.equal(err.field, field);
        return true;
      });
    }
  }
  assert.equal(requests.length, sent, "nothing sent");
});

// ---------------------------------------------------------------------------
// Differential: modelwire and @anthropic-ai/sdk on the same requests

/**
 * A message or event as comparable JSON: enumerable fields only, message and tool_use ids replaced.
 * `dropNullParsedOutput`: the SDK's MessageStream returns a ParsedMessage, `parsed_output: null`
 * when no structured output format was given; not part of the API's Message.
 */
function comparable(value, { dropNullParsedOutput = false } = {}) {
  const out = JSON.parse(JSON.stringify(value));
  const message = out.type === "message_start" ? out.message : out;
  if (dropNullParsedOutput && message?.parsed_output === null) delete message.parsed_output;
  if (message && message.type === "message") {
    assert.equal(typeof message.id, "string");
    message.id = "<id>";
  }
  const blocks = [...(message?.content ?? []), ...(out.content_block ? [out.content_block] : [])];
  for (const block of blocks) {
    if (block.type === "tool_use") {
      assert.equal(typeof block.id, "string");
      assert.ok(block.id.length > 0);
      block.id = "<id>";
    }
  }
  return out;
}

/** The parts the brief names, spelled out so a failure says which one, then the whole structure. */
function assertSameMessage(mw, sdk, label) {
  assert.deepEqual(mw.content.map((b) => b.type), sdk.content.map((b) => b.type), `${label}: block types`);
  assert.equal(textOf(mw), textOf(sdk), `${label}: text`);
  assert.deepEqual(
    mw.content.filter((b) => b.type === "tool_use").map((b) => [b.name, b.input]),
    sdk.content.filter((b) => b.type === "tool_use").map((b) => [b.name, b.input]),
    `${label}: tool_use name and input`,
  );
  assert.equal(mw.stop_reason, sdk.stop_reason, `${label}: stop_reason`);
  assert.equal(mw.stop_sequence, sdk.stop_sequence, `${label}: stop_sequence`);
  assert.deepEqual(Object.keys(mw.usage).sort(), Object.keys(sdk.usage).sort(), `${label}: usage keys`);
  assert.deepEqual(mw.usage, sdk.usage, `${label}: usage`);
  assert.deepEqual(comparable(mw), comparable(sdk, { dropNullParsedOutput: true }), `${label}: structure`);
}

/**
 * inputJson events: the same fragments, the same final snapshot. The snapshots in between may
 * differ, by design: the SDK's partial parser drops a string still open at the end
 * (`{"city": "Par` → `{}`), modelwire's PartialJson keeps it (`{city: "Par"}`). So each
 * snapshot must be on its way to the final input, and the SDK's never ahead of modelwire's.
 */
function assertSameInputJson(mwRun, sdkRun, label) {
  const mw = mwRun.seen.inputJson;
  const sdk = sdkRun.seen.inputJson;
  assert.deepEqual(mw.map(([p]) => p), sdk.map(([p]) => p), `${label}: inputJson fragments`);
  if (!mw.length) return;
  const input = mwRun.final.content.find((b) => b.type === "tool_use").input;
  assert.deepEqual(mw.at(-1)[1], input, `${label}: modelwire's last inputJson snapshot`);
  assert.deepEqual(sdk.at(-1)[1], input, `${label}: the SDK's last inputJson snapshot`);
  mw.forEach(([, snap], i) => {
    assert.ok(isJsonPrefix(snap, input), `${label}: modelwire snapshot ${i} ${JSON.stringify(snap)}`);
    assert.ok(isJsonPrefix(sdk[i][1], snap), `${label}: SDK snapshot ${i} ${JSON.stringify(sdk[i][1])} vs modelwire's ${JSON.stringify(snap)}`);
  });
  inputJsonDifferences.push(mw.filter(([, snap], i) => !isDeepStrictEqual(snap, sdk[i][1])).length);
}
/** Per streamed tool call: how many inputJson snapshots differed (reported at the end). */
const inputJsonDifferences = [];

/** Event types, with the delta type of deltas: `content_block_delta:text_delta`. */
const typesOf = (events) => events.map((e) => (e.delta?.type ? `${e.type}:${e.delta.type}` : e.type));

/**
 * The same streamed request both ways: raw events, modelwire's currentMessage(), and the
 * runners' events and final messages.
 */
async function differentialStream(request, label) {
  const r = await settled(request, async () => {
    const sdkEvents = await collect(await anthropic.messages.create({ ...request, stream: true }));
    const mwStream = await client.messages.create({ ...request, stream: true });
    const mwEvents = await collect(mwStream);
    const runnerEvents = async (runner) => {
      const seen = { text: [], inputJson: [], streamEvent: [] };
      runner.on("text", (delta, snapshot) => seen.text.push([delta, snapshot]));
      runner.on("inputJson", (partial, snapshot) => seen.inputJson.push([partial, structuredClone(snapshot)]));
      // cloned: the SDK accumulates into message_start's message object in place
      runner.on("streamEvent", (event) => seen.streamEvent.push(structuredClone(event)));
      const final = await runner.finalMessage();
      return { final, seen };
    };
    const sdkRun = await runnerEvents(anthropic.messages.stream(request));
    const mwRun = await runnerEvents(client.messages.stream(request));
    return { sdkEvents, mwEvents, mwCurrent: mwStream.currentMessage(), sdkRun, mwRun };
  });
  const { sdkEvents, mwEvents, mwCurrent, sdkRun, mwRun } = r;
  allOf([
    () => assert.deepEqual(typesOf(mwEvents), typesOf(sdkEvents), `${label}: event types`),
    () => assert.deepEqual(mwEvents.map(comparable), sdkEvents.map(comparable), `${label}: events`),
    () => assertSameMessage(mwCurrent, sdkRun.final, `${label}: currentMessage() vs SDK finalMessage()`),
    () => assertSameMessage(mwRun.final, sdkRun.final, `${label}: finalMessage()`),
    () => assert.deepEqual(mwRun.seen.text, sdkRun.seen.text, `${label}: text events (delta, snapshot)`),
    () => assertSameInputJson(mwRun, sdkRun, label),
    () => assert.deepEqual(mwRun.seen.streamEvent.map(comparable), sdkRun.seen.streamEvent.map(comparable), `${label}: streamEvent events`),
  ]);
  return r;
}

test("differential: plain message", async () => {
  const { sdk, mw } = await settled(hello, async () => ({
    sdk: await anthropic.messages.create(hello),
    mw: await client.messages.create(hello),
  }));
  assertSameMessage(mw, sdk, "plain");
  assert.ok(textOf(mw).length > 0);
});

test("differential: streamed message (events, currentMessage, runner events, finalMessage, finalText)", async () => {
  const { mwRun, sdkRun } = await differentialStream(hello, "streamed");
  assert.ok(mwRun.seen.text.length > 2, `${mwRun.seen.text.length} text events`);
  assert.equal(mwRun.seen.text.map(([d]) => d).join(""), textOf(mwRun.final));
  assert.equal(textOf(sdkRun.final), textOf(mwRun.final));
});

test("differential: tool use (forced call, tool_result round trip, streamed call with inputJson)", async (t) => {
  const { sdk, mw } = await settled(weatherRequest, async () => ({
    sdk: await anthropic.messages.create(weatherRequest),
    mw: await client.messages.create(weatherRequest),
  }));
  assertWeatherUse(mw);
  assertSameMessage(mw, sdk, "tool_use");
  // round trip: each client sends its own tool_use back (ids differ; the answer must not)
  const secondSdk = withToolResult(sdk);
  const secondMw = withToolResult(mw);
  const answers = await settled(secondMw, async () => ({
    sdk: await anthropic.messages.create(secondSdk),
    mw: await client.messages.create(secondMw),
  }));
  assertSameMessage(answers.mw, answers.sdk, "tool_result answer");
  assert.ok(!answers.mw.content.some((b) => b.type === "tool_use"));

  const { mwRun } = await differentialStream(weatherRequest, "streamed tool_use");
  assert.deepEqual(assertWeatherUse(mwRun.final).input, assertWeatherUse(mw).input);
  assert.ok(mwRun.seen.inputJson.length > 1, `${mwRun.seen.inputJson.length} inputJson events`);
  t.diagnostic(`inputJson snapshots where the SDK (open string dropped) and modelwire differ: ${inputJsonDifferences.at(-1)} of ${mwRun.seen.inputJson.length}`);
});

test("differential: stop_sequences", async () => {
  const base = await settled(hello, () => client.messages.create(hello));
  const word = textOf(base).split(/\s+/).slice(2).find((w) => /^[A-Za-z]{3,}$/.test(w));
  assert.ok(word, textOf(base));
  const request = { ...hello, stop_sequences: [word] };
  const { sdk, mw } = await settled(request, async () => ({
    sdk: await anthropic.messages.create(request),
    mw: await client.messages.create(request),
  }));
  assertSameMessage(mw, sdk, "stop_sequences");
  assert.equal(mw.stop_sequence, word);
  await differentialStream(request, "streamed stop_sequences");
});

test("differential: bad key -> both AuthenticationError 401 with the same body", async () => {
  const badMw = new Client({ apiKey: "wrong-key", baseURL: `${server.url}/v1`, authScheme: "Bearer", maxRetries: 0, fetch: freshConnectionFetch() });
  const badSdk = new Anthropic({
    apiKey: "wrong-key", baseURL: server.url, maxRetries: 0, fetch: freshConnectionFetch(),
    defaultHeaders: { Authorization: "Bearer wrong-key", "x-api-key": null },
  });
  const caught = async (promise) => {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    assert.fail("expected a rejection");
  };
  const mwErr = await caught(badMw.messages.create(hello));
  const sdkErr = await caught(badSdk.messages.create(hello));
  assert.ok(sdkErr instanceof Anthropic.AuthenticationError, `${sdkErr?.constructor?.name}`);
  assert.ok(mwErr instanceof modelwire.AuthenticationError, `${mwErr?.constructor?.name}`);
  assert.equal(mwErr.name, sdkErr.constructor.name);
  assert.equal(mwErr.status, sdkErr.status);
  assert.deepEqual(mwErr.error, sdkErr.error, "err.error is the response body in both");
});

test("auth: every modelwire request went as Authorization: Bearer, none with x-api-key (the SDK, overridden, likewise)", () => {
  assert.ok(requests.length > 20, `${requests.length} requests recorded`);
  for (const r of requests) {
    assert.equal(r.url, `${server.url}/v1/messages`);
    assert.equal(r.headers.get("authorization"), `Bearer ${API_KEY}`);
    assert.equal(r.headers.get("x-api-key"), null, "modelwire never sends x-api-key");
  }
  assert.ok(sdkRequests.length > 5, `${sdkRequests.length} SDK requests recorded`);
  for (const r of sdkRequests) {
    assert.equal(r.headers.get("authorization"), `Bearer ${API_KEY}`);
    assert.equal(r.headers.get("x-api-key"), null, "the SDK with the header override");
  }
});
