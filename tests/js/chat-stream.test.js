// ChatStream (decoding + accumulation in wasm) on real streams from the
// emulator over real HTTP, including its fault modes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ChatStream } from "modelwire";
import { startEmulator } from "../../emulator/index.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.close());

const request = {
  model: "deepseek-ai/DeepSeek-V3.1",
  messages: [{ role: "user", content: "Tell me about streams." }],
};

/** POSTs a chat request; `fault` selects an emulator fault mode. */
async function post(body, fault) {
  const headers = { "content-type": "application/json", authorization: "Bearer test-key" };
  if (fault) headers["x-emulator-fault"] = fault;
  return fetch(`${emulator.url}/v1/chat/completions`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** Feeds a response body to a ChatStream; returns the stream and any error. */
async function consume(response) {
  const stream = new ChatStream();
  let error = null;
  let ending = null;
  try {
    for await (const chunk of /** @type {any} */ (response.body)) if (stream.push(chunk)) break;
    ending = stream.finish();
  } catch (err) {
    error = err;
  }
  return { stream, error, ending, completion: JSON.parse(stream.completionJson()) };
}

test("a streamed completion accumulates to the non-streamed one", async () => {
  const plain = await (await post(request)).json();
  for (const fault of [undefined, "bytewise"]) {
    const { stream, error, ending, completion } = await consume(await post({ ...request, stream: true }, fault));
    assert.equal(error, null);
    assert.equal(ending, "done");
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.choices[0].message.content, plain.choices[0].message.content);
    assert.equal(completion.choices[0].message.reasoning_content, plain.choices[0].message.reasoning_content);
    assert.equal(completion.choices[0].finish_reason, plain.choices[0].finish_reason);
    assert.deepEqual(completion.usage.completion_tokens, plain.usage.completion_tokens);
    stream.free();
  }
});

test("streamed tool calls merge by index despite repeated ids and null names", async () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
  const { completion } = await consume(await post({ ...request, tools, stream: true }));
  const [call] = completion.choices[0].message.tool_calls;
  assert.equal(call.function.name, "get_weather");
  assert.match(call.id, /^call_/);
  assert.equal(typeof JSON.parse(call.function.arguments).city, "string");
  assert.equal(completion.choices[0].finish_reason, "tool_calls");
});

test("a malformed chunk is a StreamError and the partial completion is kept", async () => {
  const { error, completion } = await consume(await post({ ...request, stream: true }, "malformed"));
  assert.equal(error?.name, "StreamError");
  assert.equal(error?.code, "invalid_chunk");
  assert.ok(completion.choices[0].message.content.length > 0);
});

test("a mid-stream error object is a StreamError carrying the server's error", async () => {
  const { error } = await consume(await post({ ...request, stream: true }, "error"));
  assert.equal(error?.name, "StreamError");
  assert.equal(error?.code, "server_error");
  assert.match(error?.error?.message ?? "", /stopped unexpectedly/);
});

test("a dropped connection keeps what arrived", async () => {
  const { error, completion, stream } = await consume(await post({ ...request, stream: true }, "drop:1500"));
  // undici reports the cut as a read error ("terminated").
  assert.ok(error);
  assert.notEqual(error.name, "StreamError");
  const message = completion.choices[0].message;
  assert.ok(message.content || message.reasoning_content, "text that arrived before the drop is kept");
  assert.equal(stream.finish(), "cut");
});
