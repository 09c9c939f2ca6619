// `accumulate: false` on create({stream: true}), both protocols: every chunk
// (event) delivered as with the default, usage still metered, nothing of the
// deltas' text kept (currentCompletion() throws, a StreamError's `partial` is
// undefined), and the wasm memory flat over a long stream from a plain HTTP
// server on 127.0.0.1, where the default's grows with the content.

// The wasm memory is not exported: catch the instance before modelwire loads.
/** @type {WebAssembly.Memory | null} */
let memory = null;
WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    if ("__wbindgen_malloc" in instance.exports) memory = /** @type {WebAssembly.Memory} */ (instance.exports.memory);
    return instance;
  },
});
const { test, before, after, beforeEach } = await import("node:test");
const { default: assert } = await import("node:assert/strict");
const { createServer } = await import("node:http");
const { ModelwireError, StreamError } = await import("modelwire");
const { emulator, client, hello, rejection, assertNoKey } = await import("./helpers.js");

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** Without the fields that differ between requests (ids, timestamps). @param {any} item */
const stable = (item) => {
  if (item.type === "message_start") return { ...item, message: { ...item.message, id: "" } };
  const { id, created, ...rest } = item;
  return rest;
};

/**
 * Iterates a streamed create() until it ends or throws.
 * @param {"chat" | "messages"} protocol @param {import("modelwire").RequestOptions} options
 */
async function iterate(protocol, options, c = client(emu)) {
  /** @type {any[]} */
  const items = [];
  const stream =
    protocol === "chat"
      ? await c.chat.completions.create({ ...hello("Explain attention in transformers."), stream: true, seed: 7 }, options)
      : await c.messages.create({ ...hello("Explain attention in transformers."), max_tokens: 400, stream: true, metadata: { user_id: "u" } }, options);
  /** @type {any} */
  let err;
  try {
    for await (const item of stream) items.push(item);
  } catch (e) {
    err = e;
  }
  return { items, err, stream };
}

/**
 * The same request iterated by default, then with `accumulate: false`, each on a fresh
 * emulator state (no prompt cache hit on the second).
 * @param {"chat" | "messages"} protocol @param {import("modelwire").RequestOptions} options
 */
async function fullAndLean(protocol, options = {}, c = client(emu)) {
  emu.reset();
  const full = await iterate(protocol, options, c);
  emu.reset();
  const lean = await iterate(protocol, { ...options, accumulate: false }, c);
  return { full, lean };
}

test("chat: the same chunks and usage, no snapshot", async () => {
  const c = client(emu);
  const { full, lean } = await fullAndLean("chat", {}, c);
  assert.equal(full.err, undefined);
  assert.equal(lean.err, undefined);
  assert.ok(lean.items.length > 10);
  assert.deepEqual(lean.items.map(stable), full.items.map(stable));
  assert.ok(full.stream.currentCompletion().choices[0].message.content.length > 0);
  const err = await rejection(async () => lean.stream.currentCompletion());
  assert.ok(err instanceof ModelwireError);
  assert.match(err.message, /currentCompletion\(\) needs the accumulated result.*accumulate: false/);
  // The meter counted both, with the same tokens.
  assert.equal(c.meter.requests, 2);
  const usage = full.items.findLast((chunk) => chunk.usage)?.usage;
  assert.equal(c.meter.tokens.output, 2 * usage.completion_tokens);
});

test("messages: the same events and usage, no snapshot", async () => {
  const c = client(emu);
  const { full, lean } = await fullAndLean("messages", {}, c);
  assert.equal(full.err, undefined);
  assert.equal(lean.err, undefined);
  assert.ok(lean.items.length > 10);
  assert.deepEqual(lean.items.map(stable), full.items.map(stable));
  assert.equal(full.stream.currentMessage().content[0].type, "text");
  const err = await rejection(async () => lean.stream.currentMessage());
  assert.ok(err instanceof ModelwireError);
  assert.match(err.message, /currentMessage\(\)/);
  assert.equal(c.meter.requests, 2);
});

test("through the other protocol (protocol option): the same converted chunks and events", async () => {
  for (const [protocol, via] of /** @type {const} */ ([["chat", "messages"], ["messages", "chat"]])) {
    const { full, lean } = await fullAndLean(protocol, {}, client(emu, { protocol: via }));
    assert.equal(full.err, undefined, `${protocol} via ${via}: ${full.err}`);
    assert.equal(lean.err, undefined, `${protocol} via ${via}: ${lean.err}`);
    assert.ok(lean.items.length > 5);
    assert.deepEqual(lean.items.map(stable), full.items.map(stable), `${protocol} via ${via}`);
    assert.equal(lean.stream.conversion?.via, via);
    assert.equal(emu.log().at(-1).path, via === "chat" ? "/v1/chat/completions" : "/v1/messages");
  }
});

test("a failure mid-stream: the chunks before it delivered, StreamError with partial undefined", async () => {
  for (const [protocol, spec, code] of /** @type {const} */ ([
    ["chat", "drop:900", "connection_lost"],
    ["chat", "malformed", "invalid_chunk"],
    ["messages", "error;at=4", "server_error"],
  ])) {
    const { full, lean } = await fullAndLean(protocol, { headers: { "x-emulator-fault": spec } });
    for (const { err } of [full, lean]) {
      assert.ok(err instanceof StreamError, `${protocol} ${spec}: ${err}`);
      assert.equal(err.code, code);
      assertNoKey(err);
    }
    assert.ok(full.err.partial, "the default keeps the partial result");
    assert.equal(lean.err.partial, undefined);
    assert.ok(lean.items.length > 0);
    assert.deepEqual(lean.items.map(stable), full.items.map(stable), `${protocol} ${spec}`);
  }
});

test("accumulate must be a boolean, checked before any request", async () => {
  const err = await rejection(client(emu).chat.completions.create({ ...hello(), stream: true }, /** @type {any} */ ({ accumulate: "no" })));
  assert.ok(err instanceof ModelwireError);
  assert.match(err.message, /invalid option accumulate: expected a boolean, got string/);
  assert.equal(emu.log().length, 0);
});

/**
 * A plain HTTP server streaming `megabytes` MB of Chat Completions content (about 1 KiB per
 * chunk, 16 chunks per write), then usage and [DONE].
 * @param {number} megabytes
 */
async function longStreamServer(megabytes) {
  const word = "gradient descent démarre ";
  const text = word.repeat(Math.ceil(1000 / word.length));
  const chunk = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
  const count = 16 * Math.ceil((megabytes * 1e6) / Buffer.byteLength(text) / 16);
  const write16 = chunk.repeat(16);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    let sent = 0;
    const pump = () => {
      while (sent < count) {
        sent += 16;
        if (!res.write(write16)) return void res.once("drain", pump);
      }
      const usage = { prompt_tokens: 1, completion_tokens: count, total_tokens: count + 1 };
      res.end(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage })}\n\ndata: [DONE]\n\n`);
    };
    pump();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/v1`, count, close: () => new Promise((resolve) => server.close(resolve)), characters: text.length };
}

test("a 32 MB stream: wasm memory flat with accumulate: false, growing with the content without", async () => {
  const server = await longStreamServer(32);
  try {
    const c = client({ url: server.url.replace(/\/v1$/, "") });
    const consume = async (/** @type {boolean} */ accumulate) => {
      const before = /** @type {WebAssembly.Memory} */ (memory).buffer.byteLength;
      const stream = await c.chat.completions.create({ ...hello(), stream: true }, { accumulate });
      let characters = 0;
      for await (const chunk of stream) characters += chunk.choices[0]?.delta?.content?.length ?? 0;
      return { characters, growth: /** @type {WebAssembly.Memory} */ (memory).buffer.byteLength - before };
    };
    assert.ok(memory, "the wasm instance was caught");
    const lean = await consume(false);
    const full = await consume(true);
    const expected = server.count * server.characters;
    assert.equal(lean.characters, expected);
    assert.equal(full.characters, expected);
    // Wasm memory never shrinks, so the lean run goes first: it may only grow by the
    // decoder's and queue's working room, whatever the stream's length.
    assert.ok(lean.growth <= 2 * 1024 * 1024, `accumulate: false grew the wasm memory by ${lean.growth} bytes`);
    assert.ok(full.growth >= 32e6, `the default kept the content: ${full.growth} bytes`);
  } finally {
    await server.close();
  }
});
