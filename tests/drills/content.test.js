// Drill: what a stream can carry that is wrong. Malformed JSON in one chunk,
// an `error` event mid-stream, an event type the client does not know, and a
// 20 MiB line: each gives its documented typed outcome with `partial` equal
// to what the received bytes hold, and the wasm memory stays bounded (the
// line never lands in it whole; a second huge line costs nothing more).
import { wasmMemoryBytes, live } from "./probe.js"; // first: before modelwire loads
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StreamError, InternalServerError } from "modelwire";
import { startEmulator, KEY, PROTOCOLS, client, fault, tracedFetch, drain, itemsBeforeBad, requests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
});
after(() => emu.close());
beforeEach(() => emu.reset());

const MiB = 1024 * 1024;

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  test(`${protocol}: malformed JSON in one chunk → StreamError invalid_chunk, the items before it yielded, partial exact, not retried`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
    const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("malformed;at=5"));
    const { items, error } = await drain(stream);
    assert.ok(error instanceof StreamError, `got ${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.code, "invalid_chunk");
    assert.ok(!error.message.includes(KEY));
    assert.equal(trace.calls.length, 1);
    const reference = itemsBeforeBad(protocol, trace.calls[0].received());
    assert.ok(reference.length >= 3);
    assert.deepEqual(items, reference);
    assert.deepEqual(p.view(error.partial), p.expected(reference));
  });

  test(`${protocol}: an error event mid-stream → StreamError server_error (kind InternalServerError), partial exact, not retried`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
    const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("error:event;at=6"));
    const { items, error } = await drain(stream);
    assert.ok(error instanceof StreamError, `got ${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.code, "server_error");
    assert.equal(error.kind, InternalServerError.name);
    assert.ok(error.error, "the server's error object rides on the error");
    assert.equal(trace.calls.length, 1);
    const reference = itemsBeforeBad(protocol, trace.calls[0].received());
    assert.deepEqual(items, reference);
    assert.deepEqual(p.view(error.partial), p.expected(reference));
  });

  test(`${protocol}: an unknown event type mid-stream → passed through, not an error; the result is unchanged`, async () => {
    const unknown =
      protocol === "chat"
        ? { event: "keepalive", data: { type: "keepalive", note: "new" } }
        : { event: "content_block_flash", data: { type: "content_block_flash", index: 0, note: "new" } };
    // The emulator's real stream, with one unknown event added after the 4th.
    /** @type {typeof fetch} */
    const inject = async (url, init) => {
      const response = await fetch(url, init);
      const text = await response.text();
      const events = text.split("\n\n");
      events.splice(4, 0, `event: ${unknown.event}\ndata: ${JSON.stringify(unknown.data)}`);
      const pieces = events.map((e, i) => (i < events.length - 1 ? e + "\n\n" : e)).filter(Boolean);
      const encoder = new TextEncoder();
      const body = new ReadableStream({
        pull(controller) {
          const piece = pieces.shift();
          if (piece === undefined) controller.close();
          else controller.enqueue(encoder.encode(piece));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const c = client(emu, { fetch: inject });
    const stream = await p.api(c).create({ ...p.body(), stream: true });
    const { items, error } = await drain(stream);
    assert.equal(error, null);
    const at = items.findIndex((i) => i.note === "new");
    assert.ok(at >= 0, "the unknown event was yielded as is");
    assert.deepEqual(items[at], unknown.data);
    const known = items.filter((i) => i.note !== "new");
    const result = protocol === "chat" ? stream.currentCompletion() : stream.currentMessage();
    assert.deepEqual(p.view(result), p.expected(known), "the unknown event changes nothing");

    if (protocol === "messages") {
      const runner = c.messages.stream(p.body());
      /** @type {any[]} */
      const seen = [];
      runner.on("unknownEvent", (/** @type {string} */ type, /** @type {string} */ data) => seen.push({ type, data: JSON.parse(data) }));
      const final = await runner.finalMessage();
      assert.deepEqual(seen, [{ type: unknown.data.type, data: unknown.data }], "the runner emits unknownEvent (type, data text)");
      // (Usage differs: the second request hits the emulator's prefix cache.)
      const { usage: _u1, ...got } = p.view(final);
      const { usage: _u2, ...want } = p.expected(known);
      assert.deepEqual(got, want);
    }
  });

  test(`${protocol}: a 20 MiB line → StreamError line_too_large with partial, wasm memory bounded (< 40 MiB growth, nothing more the second time)`, async (t) => {
    const startMemory = wasmMemoryBytes();
    assert.ok(startMemory > 0, "the probe sees the wasm memory");
    /** @type {number[]} */
    const growth = [];
    for (let round = 0; round < 2; round++) {
      const before = wasmMemoryBytes();
      const trace = tracedFetch();
      const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
      const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("huge-line"));
      const { items, error } = await drain(stream);
      assert.ok(error instanceof StreamError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.ok(["line_too_large", "event_too_large"].includes(error.code), error.code);
      assert.equal(trace.calls.length, 1, "not retried");
      assert.ok(trace.calls[0].bytes > 8 * MiB, "the cap was reached");
      assert.ok(trace.calls[0].bytes < 21 * MiB);
      assert.ok(trace.calls[0].cancelled, "the rest of the body was not read");
      assert.deepEqual(p.view(error.partial), p.expected(items), "partial = the items before the line");
      growth.push(wasmMemoryBytes() - before);
    }
    t.diagnostic(`wasm memory ${(startMemory / MiB).toFixed(1)} MiB, grew ${growth.map((g) => (g / MiB).toFixed(1)).join(" then ")} MiB`);
    assert.ok(growth[0] < 40 * MiB, `wasm memory grew ${growth[0]} bytes`);
    assert.ok(growth[1] <= 2 * MiB, `a second huge line grew wasm memory again by ${growth[1]} bytes`);
    assert.deepEqual(live(), { ChatStream: 0, MessagesStream: 0, RetryLoop: 0, PartialJson: 0 }, "every wasm object freed");
    assert.ok(requests(emu, protocol).length === 2);
  });
}
