// Plain `messages.create` against the emulator: the parsed Message, the
// request id, and what went over the wire (path, body, Authorization form).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { emulator, client, params, messageRequests, fingerprint, rawMessages, KEY, MODEL, QUESTION } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

test("create returns the Message: content blocks, stop_reason, usage", async () => {
  const message = await client(emu).messages.create(params());
  assert.equal(message.type, "message");
  assert.equal(message.role, "assistant");
  assert.equal(message.model, MODEL);
  assert.match(message.id, /^msg_[0-9a-f]{24}$/);
  assert.ok(Array.isArray(message.content) && message.content.length === 1, "one content block");
  assert.equal(message.content[0].type, "text");
  assert.ok(message.content[0].text.startsWith(`About ${QUESTION.replace(/\?$/, "")}:`), message.content[0].text);
  assert.equal(message.stop_reason, "end_turn");
  assert.equal(message.stop_sequence, null);
  assert.equal(typeof message.usage.input_tokens, "number");
  assert.ok(message.usage.input_tokens > 0);
  assert.ok(message.usage.output_tokens > 0);
  assert.equal(message.usage.cache_read_input_tokens, 0);
});

test("create's Message is exactly the body the server sent", async () => {
  const message = await client(emu).messages.create(params());
  emu.reset(); // same prefix-cache state for the raw request
  const raw = await rawMessages(emu, params());
  const body = JSON.parse(raw.bytes.toString("utf8"));
  assert.deepEqual({ ...message, id: "x" }, { ...body, id: "x" });
});

test("_request_id is the X-Baseten-Request-Id of the response, and not enumerable", async () => {
  const message = await client(emu).messages.create(params());
  const entries = messageRequests(emu);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].status, 200);
  assert.match(entries[0].requestId, /^[0-9a-f]{32}$/);
  assert.equal(message._request_id, entries[0].requestId);
  assert.ok(!Object.keys(message).includes("_request_id"));
  assert.ok(!JSON.stringify(message).includes(entries[0].requestId));
});

test("POST {baseURL}/messages with the params as the JSON body", async () => {
  const body = params({ temperature: 0.3, top_p: 0.9, top_k: 20, system: "Be brief.", metadata: { user_id: "u-1" } });
  await client(emu).messages.create(body);
  const [entry] = emu.log();
  assert.equal(emu.log().length, 1);
  assert.equal(entry.method, "POST");
  assert.equal(entry.path, "/v1/messages");
  assert.deepEqual(entry.body, body);
  assert.match(entry.headers["content-type"], /^application\/json/);
  assert.match(entry.headers.accept, /application\/json/);
});

test("the key goes as Authorization: Bearer KEY, never as x-api-key", async () => {
  await client(emu).messages.create(params());
  const [entry] = emu.log();
  assert.equal(entry.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(entry.headers["x-api-key"], undefined);
  assert.equal(entry.headers["anthropic-version"], undefined, "no Anthropic-only headers are needed");
  assert.ok(!JSON.stringify(entry).includes(KEY));
});

test("authScheme Api-Key sends Authorization: Api-Key KEY", async () => {
  const message = await client(emu, { authScheme: "Api-Key" }).messages.create(params());
  const [entry] = emu.log();
  assert.equal(entry.status, 200);
  assert.equal(message.type, "message");
  assert.equal(entry.headers.authorization, `Api-Key [REDACTED ${fingerprint(KEY)}]`);
  assert.equal(entry.headers["x-api-key"], undefined);
});

test("per-request headers are sent beside the auth header", async () => {
  await client(emu).messages.create(params(), { headers: { "x-session-affinity": "conv-42" } });
  const [entry] = emu.log();
  assert.equal(entry.headers["x-session-affinity"], "conv-42");
  assert.equal(entry.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`);
});

test("stop_sequences: stop_reason stop_sequence, stop_sequence set, text cut before it", async () => {
  const full = await client(emu).messages.create(params());
  const text = full.content[0].text;
  // A word from the middle of the full answer, so the cut is visible.
  const word = text.split(/\s+/)[6].replace(/[^A-Za-z]/g, "");
  assert.ok(word.length > 2, `no usable word in ${text}`);
  const at = text.indexOf(word);
  const message = await client(emu).messages.create(params({ stop_sequences: ["zzz-never", word] }));
  assert.equal(message.stop_reason, "stop_sequence");
  assert.equal(message.stop_sequence, word);
  assert.equal(message.content[0].text, text.slice(0, at));
  assert.ok(!message.content[0].text.includes(word));
  assert.ok(message.usage.output_tokens < full.usage.output_tokens);
});

test("stop_sequences when streamed: the message_delta carries stop_sequence", async () => {
  const full = await client(emu).messages.create(params());
  const word = full.content[0].text.split(/\s+/)[6].replace(/[^A-Za-z]/g, "");
  const stream = await client(emu).messages.create(params({ stop_sequences: [word], stream: true }));
  const events = [];
  for await (const event of stream) events.push(event);
  const delta = events.find((e) => e.type === "message_delta");
  assert.deepEqual(delta.delta, { stop_reason: "stop_sequence", stop_sequence: word });
  const message = stream.currentMessage();
  assert.equal(message.stop_reason, "stop_sequence");
  assert.equal(message.stop_sequence, word);
  assert.ok(!message.content[0].text.includes(word));
});

test("max_tokens reached: stop_reason max_tokens and output_tokens = max_tokens", async () => {
  const message = await client(emu).messages.create(params({ max_tokens: 5 }));
  assert.equal(message.stop_reason, "max_tokens");
  assert.equal(message.usage.output_tokens, 5);
});
