// Drill: the connection dropped after 1, 100 and 10,000 bytes of a stream.
// The bytes the client received are captured on their way in and read again
// by an independent SSE reader (tests/*/helpers.js): whatever the client
// yielded, and the StreamError's `partial`, must be exactly what those bytes
// hold. Once a chunk reached the caller nothing is retried; before that (1
// and 100 bytes are inside the first event) a retry is allowed and happens.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StreamError } from "modelwire";
import { startEmulator, KEY, PROTOCOLS, client, fault, tracedFetch, drain, requests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** @param {any} err @param {string} code */
function assertStreamError(err, code) {
  assert.ok(err instanceof StreamError, `expected StreamError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.code, code);
  assert.equal(err.status, undefined);
  assert.ok(!String(err.message).includes(KEY));
}

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];
  const current = (/** @type {any} */ s) => (protocol === "chat" ? s.currentCompletion() : s.currentMessage());

  for (const spec of ["drop:10000", "bytewise,drop:10000"]) {
    test(`${protocol}: ${spec} → StreamError connection_lost; yielded items and partial are exactly what the 10,000 bytes hold; 1 request`, async () => {
      const trace = tracedFetch();
      const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
      const stream = await p.api(c).create({ ...p.body(), stream: true }, fault(spec));
      const { items, error } = await drain(stream);
      assertStreamError(error, "connection_lost");
      assert.equal(trace.calls.length, 1, "no retry after chunks reached the caller");
      assert.equal(requests(emu, protocol).length, 1);
      const [call] = trace.calls;
      assert.equal(call.bytes, 10000, "the client read every byte that arrived");
      const reference = p.items(call.received());
      assert.ok(reference.length >= 5, `only ${reference.length} whole events in 10,000 bytes`);
      assert.deepEqual(items, reference, "the yielded items are the whole events of the received bytes, in order");
      const expected = p.expected(reference);
      assert.deepEqual(p.view(error.partial), expected, "partial = the reference accumulation of those events");
      assert.deepEqual(p.view(current(stream)), expected, "the stream's own snapshot agrees");
      assert.equal(error.requestId, requests(emu, protocol)[0].requestId);
    });
  }

  test(`${protocol}: drop:10000 through the runner → error event once, final rejects with the same StreamError, partial exact`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
    const runner = p.api(c).stream(p.body(), fault("drop:10000"));
    /** @type {unknown[]} */
    const errors = [];
    runner.on("error", (e) => errors.push(e));
    const err = await p.final(runner).then(
      () => assert.fail("resolved"),
      (e) => e,
    );
    assertStreamError(err, "connection_lost");
    assert.deepEqual(errors, [err]);
    assert.equal(trace.calls.length, 1);
    assert.deepEqual(p.view(err.partial), p.expected(p.items(trace.calls[0].received())));
  });

  for (const k of [1, 100]) {
    test(`${protocol}: drop:${k} (inside the first event, nothing delivered) → retried up to the budget, then StreamError connection_lost with an empty partial`, async () => {
      const trace = tracedFetch();
      const c = client(emu, { maxRetries: 1, fetch: trace.fetch });
      const stream = await p.api(c).create({ ...p.body(), stream: true }, fault(`drop:${k}`));
      const { items, error } = await drain(stream);
      assertStreamError(error, "connection_lost");
      assert.deepEqual(items, [], "nothing was yielded");
      assert.equal(trace.calls.length, 2, "1 request + 1 retry (maxRetries 1)");
      for (const call of trace.calls) {
        assert.equal(call.bytes, k);
        assert.deepEqual(p.items(call.received()), [], `no whole event in ${k} bytes`);
      }
      const partial = error.partial;
      if (protocol === "chat") {
        assert.equal(partial.object, "chat.completion");
        assert.deepEqual(partial.choices, [], "nothing accumulated");
      } else {
        assert.ok(partial === null || (Array.isArray(partial.content) && partial.content.length === 0), `partial ${JSON.stringify(partial)}`);
      }
    });
  }
}

test("chat with tool calls: drop:10000 inside the arguments → partial tool calls hold exactly the argument fragments received", async () => {
  const tool = {
    type: "function",
    function: {
      name: "plan_trip",
      description: "Plan a trip.",
      parameters: {
        type: "object",
        properties: { stops: { type: "array", items: { type: "string" }, minItems: 60, maxItems: 80 }, city: { type: "string" } },
        required: ["stops", "city"],
      },
    },
  };
  const trace = tracedFetch();
  const c = client(emu, { maxRetries: 3, fetch: trace.fetch });
  const body = { ...PROTOCOLS.chat.body("Plan a trip with plan_trip."), model: "zai-org/GLM-5", tools: [tool], stream: true };
  const stream = await c.chat.completions.create(body, fault("drop:10000"));
  const { items, error } = await drain(stream);
  assertStreamError(error, "connection_lost");
  assert.equal(trace.calls.length, 1);
  const reference = PROTOCOLS.chat.items(trace.calls[0].received());
  assert.deepEqual(items, reference);
  const expected = PROTOCOLS.chat.expected(reference);
  assert.ok(expected.tools.length > 0 && expected.tools[0].arguments.length > 0, "the cut falls after the arguments began");
  assert.deepEqual(PROTOCOLS.chat.view(error.partial), expected);
});
