// `messages.create({stream: true})`: the `Stream` of raw events, compared with
// an independent parse of the same bytes and with the non-streamed Message.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { emulator, client, params, drain, rawMessages, sseBlocks, accumulate, stable, messageRequests, WEATHER_TOOL, REASONING_MODEL, MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/**
 * Asserts the Messages event grammar: message_start, then per block
 * start / delta* / stop with indices 0,1,2…, then message_delta, message_stop.
 * @param {any[]} events
 */
function assertGrammar(events) {
  const types = events.map((e) => e.type);
  assert.equal(types[0], "message_start");
  assert.equal(types.at(-2), "message_delta");
  assert.equal(types.at(-1), "message_stop");
  assert.ok(!types.includes("ping"), "pings are skipped");
  let open = -1;
  let next = 0;
  for (const event of events.slice(1, -2)) {
    switch (event.type) {
      case "content_block_start":
        assert.equal(open, -1, "a block started while another is open");
        assert.equal(event.index, next, "block indices count up from 0");
        open = event.index;
        next++;
        break;
      case "content_block_delta":
        assert.equal(event.index, open, "a delta for a block that is not open");
        break;
      case "content_block_stop":
        assert.equal(event.index, open, "a stop for a block that is not open");
        open = -1;
        break;
      default:
        assert.fail(`unexpected event ${event.type} between message_start and message_delta`);
    }
  }
  assert.equal(open, -1, "a block left open");
  assert.ok(next > 0, "no content block");
}

test("stream: events in order message_start, block start/delta/stop, message_delta, message_stop", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }));
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  assertGrammar(events);
  assert.equal(events[0].message.model, MODEL);
  assert.equal(events[1].content_block.type, "text");
  assert.ok(events.filter((e) => e.type === "content_block_delta").length > 5, "text comes in several deltas");
  assert.equal(events.at(-2).delta.stop_reason, "end_turn");
  assert.equal(messageRequests(emu).length, 1);
  const [entry] = emu.log();
  assert.equal(entry.body.stream, true);
  assert.match(entry.headers.accept, /text\/event-stream/);
  assert.equal(stream.requestId, entry.requestId);
});

test("stream: the events are the server's SSE events minus pings, unchanged", async () => {
  const raw = await rawMessages(emu, params({ stream: true }));
  const blocks = sseBlocks(raw.bytes);
  assert.ok(blocks.some((b) => b.event === "ping"), "the emulator sends a ping (else this test proves less)");
  const expected = blocks.filter((b) => b.event !== "ping").map((b) => JSON.parse(b.data));
  for (const b of blocks) assert.equal(JSON.parse(b.data).type, b.event, "event name = data.type");
  emu.reset(); // same prefix-cache state, so usage matches too
  const { events, error } = await drain(await client(emu).messages.create(params({ stream: true })));
  assert.equal(error, null);
  const id = events[0].message.id;
  assert.match(id, /^msg_/);
  assert.deepEqual(events, expected.map((e) => (e.type === "message_start" ? { ...e, message: { ...e.message, id } } : e)));
});

test("currentMessage() after the stream equals the non-streamed message", async () => {
  const plain = await client(emu).messages.create(params());
  emu.reset();
  const stream = await client(emu).messages.create(params({ stream: true }));
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  const current = stream.currentMessage();
  assert.deepEqual(stable(current), stable(plain));
  assert.equal(current.content[0].text, plain.content[0].text);
  assert.equal(current.stop_reason, plain.stop_reason);
  assert.equal(current.id, events[0].message.id);
  // And it equals what the events add up to, read independently.
  assert.deepEqual(stable(current), stable(accumulate(events)));
});

test("currentMessage() during the stream grows with the text deltas", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }));
  let text = "";
  let checked = 0;
  for await (const event of stream) {
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      text += event.delta.text;
      const current = stream.currentMessage();
      // The snapshot may run ahead (a network chunk holds several events), never behind.
      assert.ok(current.content[0].text.startsWith(text), "snapshot behind the events");
      checked++;
    }
  }
  assert.ok(checked > 5);
  assert.equal(stream.currentMessage().content[0].text, text);
});

test("stream with a reasoning model: thinking block (thinking + signature deltas) before the text", async () => {
  const body = params({ model: REASONING_MODEL, stream: true });
  const plain = await client(emu).messages.create({ ...body, stream: false });
  emu.reset();
  const stream = await client(emu).messages.create(body);
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  assertGrammar(events);
  assert.equal(events[1].content_block.type, "thinking");
  const deltaTypes = events.filter((e) => e.type === "content_block_delta" && e.index === 0).map((e) => e.delta.type);
  assert.ok(deltaTypes.includes("thinking_delta"));
  assert.equal(deltaTypes.at(-1), "signature_delta");
  const current = stream.currentMessage();
  assert.deepEqual(current.content.map((b) => b.type), ["thinking", "text"]);
  assert.ok(current.content[0].thinking.length > 0);
  assert.ok(current.content[0].signature.length > 0);
  assert.deepEqual(stable(current), stable(plain));
});

test("stream with a tool: input_json_delta fragments add up to the tool input of the plain reply", async () => {
  const body = params({ tools: [WEATHER_TOOL], messages: [{ role: "user", content: "What is the weather in Paris?" }] });
  const plain = await client(emu).messages.create(body);
  emu.reset();
  const stream = await client(emu).messages.create({ ...body, stream: true });
  const { events, error } = await drain(stream);
  assert.equal(error, null);
  assertGrammar(events);
  const toolIndex = events.find((e) => e.type === "content_block_start" && e.content_block.type === "tool_use").index;
  const json = events
    .filter((e) => e.type === "content_block_delta" && e.index === toolIndex)
    .map((e) => e.delta.partial_json)
    .join("");
  const current = stream.currentMessage();
  assert.equal(current.stop_reason, "tool_use");
  assert.deepEqual(current.content[toolIndex].input, JSON.parse(json));
  assert.deepEqual(stable(current), stable(plain));
});

test("breaking out of the loop stops reading; the request is not repeated", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }), { headers: { "x-emulator-fault": "stall:2000" } });
  const started = Date.now();
  let n = 0;
  for await (const event of stream) {
    assert.ok(event);
    if (++n === 3) break;
  }
  assert.ok(Date.now() - started < 1500, "break waited for the stalled stream");
  assert.equal(messageRequests(emu).length, 1);
  assert.equal(stream.currentMessage().stop_reason, null);
});

test("a Stream can be iterated only once", async () => {
  const stream = await client(emu).messages.create(params({ stream: true }));
  await drain(stream);
  const again = await drain(stream);
  assert.ok(again.error instanceof Error);
  assert.deepEqual(again.events, []);
});
