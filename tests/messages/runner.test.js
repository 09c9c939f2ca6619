// `messages.stream()` (the MessageStream runner): text / thinking / signature /
// inputJson / contentBlock / streamEvent / message / finalMessage / end events,
// finalMessage() and finalText(), checked against the events and the plain reply.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { emulator, client, params, stable, isJsonPrefix, messageRequests, WEATHER_TOOL, REASONING_MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

test("text deltas concatenate to finalText(); snapshots are the running text", async () => {
  const runner = client(emu).messages.stream(params());
  const deltas = [];
  let running = "";
  runner.on("text", (delta, snapshot) => {
    assert.equal(typeof delta, "string");
    running += delta;
    assert.equal(snapshot, running, "snapshot = the text so far");
    deltas.push(delta);
  });
  const text = await runner.finalText();
  assert.ok(deltas.length > 5, "several text deltas");
  assert.equal(deltas.join(""), text);
  const final = await runner.finalMessage();
  assert.equal(final.content[0].text, text);
  assert.equal(messageRequests(emu).length, 1);
  assert.equal(emu.log()[0].body.stream, true, "stream() sends stream: true");
});

test("finalMessage() equals the non-streamed message for the same request", async () => {
  const plain = await client(emu).messages.create(params());
  emu.reset();
  const final = await client(emu).messages.stream(params()).finalMessage();
  assert.deepEqual(stable(final), stable(plain));
  assert.match(final.id, /^msg_/);
});

test("event order: connect, streamEvent…, contentBlock, message, finalMessage, end", async () => {
  const runner = client(emu).messages.stream(params());
  /** @type {string[]} */
  const seen = [];
  const raw = [];
  /** @type {any[]} */
  const blocks = [];
  /** @type {any} */
  let message;
  /** @type {any} */
  let finalMessage;
  runner.on("connect", () => seen.push("connect"));
  runner.on("streamEvent", (event) => {
    raw.push(event);
    if (seen.at(-1) !== "streamEvent") seen.push("streamEvent");
  });
  runner.on("contentBlock", (block) => {
    blocks.push(block);
    seen.push("contentBlock");
  });
  runner.on("message", (m) => {
    message = m;
    seen.push("message");
  });
  runner.on("finalMessage", (m) => {
    finalMessage = m;
    seen.push("finalMessage");
  });
  runner.on("error", () => seen.push("error"));
  runner.on("end", () => seen.push("end"));
  await runner.done();
  assert.equal(seen[0], "connect");
  assert.deepEqual(seen.slice(-3), ["message", "finalMessage", "end"]);
  assert.ok(!seen.includes("error"));
  assert.deepEqual(raw.map((e) => e.type).slice(0, 2), ["message_start", "content_block_start"]);
  assert.deepEqual(raw.map((e) => e.type).slice(-2), ["message_delta", "message_stop"]);
  assert.ok(!raw.some((e) => e.type === "ping"));
  const final = await runner.finalMessage();
  assert.equal(message, finalMessage);
  assert.deepEqual(message, final);
  assert.deepEqual(blocks, final.content, "one contentBlock per block, complete");
  assert.deepEqual(runner.currentMessage, final);
});

test("the runner can be iterated for the raw events", async () => {
  const runner = client(emu).messages.stream(params());
  const events = [];
  for await (const event of runner) events.push(event);
  assert.equal(events[0].type, "message_start");
  assert.equal(events.at(-1).type, "message_stop");
  const text = events
    .filter((e) => e.type === "content_block_delta")
    .map((e) => e.delta.text)
    .join("");
  assert.equal(text, await runner.finalText());
});

test("a reasoning model: thinking deltas add up to the thinking block, signature event, then text", async () => {
  const runner = client(emu).messages.stream(params({ model: REASONING_MODEL }));
  /** @type {string[]} */
  const order = [];
  let thinking = "";
  /** @type {string[]} */
  const signatures = [];
  runner.on("thinking", (delta, snapshot) => {
    thinking += delta;
    assert.equal(snapshot, thinking, "thinking snapshot = the thinking so far");
    if (order.at(-1) !== "thinking") order.push("thinking");
  });
  runner.on("signature", (signature) => {
    signatures.push(signature);
    order.push("signature");
  });
  runner.on("text", () => {
    if (order.at(-1) !== "text") order.push("text");
  });
  const final = await runner.finalMessage();
  assert.deepEqual(order, ["thinking", "signature", "text"]);
  assert.deepEqual(final.content.map((/** @type {any} */ b) => b.type), ["thinking", "text"]);
  assert.ok(thinking.length > 10);
  assert.equal(final.content[0].thinking, thinking);
  assert.deepEqual(signatures, [final.content[0].signature]);
  assert.ok(signatures[0].length > 10);
  // finalText() joins only the text blocks.
  assert.equal(await runner.finalText(), final.content[1].text);
});

test("thinking disabled on a reasoning model: no thinking events", async () => {
  const runner = client(emu).messages.stream(params({ model: REASONING_MODEL, thinking: { type: "disabled" } }));
  let thinkingEvents = 0;
  runner.on("thinking", () => thinkingEvents++);
  const final = await runner.finalMessage();
  assert.equal(thinkingEvents, 0);
  assert.deepEqual(final.content.map((/** @type {any} */ b) => b.type), ["text"]);
});

test("inputJson: snapshots are valid prefixes growing into the final tool input", async () => {
  const runner = client(emu).messages.stream(
    params({ tools: [WEATHER_TOOL], messages: [{ role: "user", content: "What is the weather in Paris?" }] }),
  );
  /** @type {string[]} */
  const fragments = [];
  /** @type {any[]} */
  const snapshots = [];
  runner.on("inputJson", (partialJson, jsonSnapshot) => {
    assert.equal(typeof partialJson, "string");
    fragments.push(partialJson);
    snapshots.push(structuredClone(jsonSnapshot));
  });
  const final = await runner.finalMessage();
  assert.equal(final.stop_reason, "tool_use");
  const tool = final.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assert.ok(tool, "a tool_use block");
  assert.equal(tool.name, "get_weather");
  assert.match(tool.id, /^toolu_/);
  const input = tool.input;
  for (const key of WEATHER_TOOL.input_schema.required) assert.ok(key in input, `input has ${key}`);
  assert.deepEqual(JSON.parse(fragments.join("")), input, "fragments add up to the input");
  const nonEmpty = fragments.filter((f) => f !== "");
  assert.ok(nonEmpty.length >= 5, `several fragments (got ${nonEmpty.length})`);
  snapshots.forEach((snapshot, i) => {
    assert.equal(typeof snapshot, "object", `snapshot ${i} is an object`);
    assert.ok(snapshot !== null && !Array.isArray(snapshot), `snapshot ${i} is a plain object`);
    assert.ok(isJsonPrefix(snapshot, input), `snapshot ${i} ${JSON.stringify(snapshot)} is not a prefix of ${JSON.stringify(input)}`);
    if (i > 0) assert.ok(isJsonPrefix(snapshots[i - 1], snapshot), `snapshot ${i} shrank: ${JSON.stringify(snapshots[i - 1])} → ${JSON.stringify(snapshot)}`);
  });
  assert.deepEqual(snapshots.at(-1), input, "the last snapshot is the input");
  assert.ok(new Set(snapshots.map((s) => JSON.stringify(s))).size >= 4, "the snapshot grows in steps");
});

test("inputJson with a one-parameter listener gets the fragments", async () => {
  const runner = client(emu).messages.stream(
    params({ tools: [WEATHER_TOOL], messages: [{ role: "user", content: "What is the weather in Oslo?" }] }),
  );
  /** @type {string[]} */
  const fragments = [];
  runner.on("inputJson", (partialJson) => fragments.push(partialJson));
  const final = await runner.finalMessage();
  const tool = final.content.find((/** @type {any} */ b) => b.type === "tool_use");
  assert.deepEqual(JSON.parse(fragments.join("")), tool.input);
});

test("emitted() resolves with the final message; off() removes a listener", async () => {
  const runner = client(emu).messages.stream(params());
  let calls = 0;
  const listener = () => calls++;
  runner.on("text", listener);
  runner.off("text", listener);
  const message = await runner.emitted("finalMessage");
  assert.equal(calls, 0);
  assert.deepEqual(message, await runner.finalMessage());
});
