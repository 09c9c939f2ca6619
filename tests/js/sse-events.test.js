// The built package in Node: `sseEvents` over a real fetch body from a real
// HTTP server on 127.0.0.1 that writes its bytes in awkward chunks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import { SseDecoder, sseEvents } from "modelwire";

const encoder = new TextEncoder();
/** @type {Map<string, Uint8Array[]>} */
const routes = new Map();
let base = "";
let closedEarly = 0;

/** Cuts bytes at the given offsets (in any order). */
const cut = (bytes, offsets) => {
  const ends = [...offsets.sort((a, b) => a - b), bytes.length];
  return ends.map((end, i) => bytes.subarray(i ? ends[i - 1] : 0, end));
};

const server = createServer(async (req, res) => {
  const chunks = routes.get(req.url ?? "");
  if (!chunks) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.on("close", () => {
    if (!res.writableEnded) closedEarly++;
  });
  for (const chunk of chunks) {
    if (res.destroyed) return;
    res.write(chunk);
    // Let each write leave as its own network chunk.
    await new Promise((r) => setTimeout(r, 2));
  }
  res.end();
});

before(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
  const text = encoder.encode("\uFEFFevent: delta\r\ndata: {\"t\":\"né 😀\"}\r\n\r\nid: 9\ndata: a\ndata: b\n\n");
  const emoji = text.indexOf(0xf0);
  routes.set("/split", cut(text, [1, 2, emoji + 1, emoji + 2, text.indexOf(13) + 1]));
  routes.set("/bytewise", cut(text, [...text.keys()].slice(1)));
  const many = Array.from({ length: 200 }, (_, i) => encoder.encode(`data: ${i}\n\n`));
  routes.set("/many", many);
  routes.set("/cut", [encoder.encode("data: whole\n\ndata: half")]);
});

after(() => server.close());

const expected = [
  { event: "delta", data: '{"t":"né 😀"}', id: "" },
  { event: null, data: "a\nb", id: "9" },
];

for (const route of ["/split", "/bytewise"]) {
  test(`sseEvents decodes a fetch body chunked ${route.slice(1)}`, async () => {
    const res = await fetch(base + route);
    const events = [];
    for await (const event of sseEvents(/** @type {ReadableStream<Uint8Array>} */ (res.body))) {
      events.push(event);
    }
    assert.deepEqual(events, expected);
  });
}

test("breaking out of the loop cancels the body", async () => {
  const before = closedEarly;
  const res = await fetch(base + "/many");
  let seen = 0;
  for await (const event of sseEvents(/** @type {ReadableStream<Uint8Array>} */ (res.body))) {
    assert.equal(event.data, String(seen));
    if (++seen === 3) break;
  }
  // The server sees the connection go away long before its 200 writes finish.
  for (let i = 0; i < 100 && closedEarly === before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(closedEarly, before + 1);
});

test("the iterator's return value reports a stream cut mid-event", async () => {
  const res = await fetch(base + "/cut");
  const iterator = sseEvents(/** @type {ReadableStream<Uint8Array>} */ (res.body));
  assert.deepEqual((await iterator.next()).value, { event: null, data: "whole", id: "" });
  const end = await iterator.next();
  assert.equal(end.done, true);
  assert.deepEqual(end.value, { cut: true, unterminated: { event: null, data: "half", id: "" } });
});

test("an oversized line fails the iteration with a typed error", async () => {
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode("data: ok\n\ndata: " + "x".repeat(100)));
      controller.close();
    },
  });
  const seen = [];
  await assert.rejects(
    async () => {
      for await (const event of sseEvents(stream, { maxBufferBytes: 64 })) seen.push(event.data);
    },
    (/** @type {any} */ err) => {
      assert.equal(err.name, "SseError");
      assert.equal(err.code, "line_too_large");
      assert.equal(err.limit, 64);
      assert.match(err.message, /64 bytes/);
      // The event completed in the same chunk rides on the error.
      assert.deepEqual(err.events.map((/** @type {any} */ e) => e.data), ["ok"]);
      return true;
    },
  );
  assert.deepEqual(seen, []);
});

test("SseDecoder is usable directly and frees cleanly", () => {
  const decoder = new SseDecoder();
  assert.deepEqual(decoder.push(encoder.encode("retry: 30\ndata: x\n\n")), [{ event: null, data: "x", id: "" }]);
  assert.equal(decoder.retry, 30);
  assert.deepEqual(decoder.finish(), { cut: false, unterminated: null });
  decoder.free();
  assert.throws(() => decoder.push(encoder.encode("data: y\n\n")));
});
