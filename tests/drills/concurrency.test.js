// Drill: 1,000 concurrent streams from one client, per protocol, against the
// emulator in its own process (so this process's memory is the client's).
// Every stream completes with its own answer; afterwards every wasm object
// the client made is freed, the JS heap (after GC) is back near where it
// started, and a second round of 1,000 does not grow the wasm memory again.
// Plus: wasm objects a caller never frees are reclaimed through the
// FinalizationRegistry.
import { wasmMemoryBytes, live } from "./probe.js"; // first: before modelwire loads
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ChatStream } from "modelwire";
import { emulatorProcess, KEY, PROTOCOLS, client, drain, sleep } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = /** @type {() => void} */ (runInNewContext("gc"));
const MiB = 1024 * 1024;

/** Full collections, with turns of the event loop for finalizers between them. */
async function collect() {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    await sleep(10);
  }
  return process.memoryUsage().heapUsed;
}

/** @type {any} */
let emu;
before(async () => {
  emu = await emulatorProcess({ EMULATOR_KEYS: `${KEY}=valid` });
});
after(() => emu.close());

const N = 1000;

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];
  const text = (/** @type {any} */ result) =>
    protocol === "chat" ? result.choices[0].message.content : result.content.filter((/** @type {any} */ b) => b.type === "text").map((/** @type {any} */ b) => b.text).join("");

  test(`${protocol}: ${N} concurrent streams from one client all complete; wasm objects freed, heap back near its start, no wasm growth on a second round`, async (t) => {
    // The default retry budget: with ~1,000 keep-alive sockets in the pool, a
    // request can meet one the server is closing at that moment (a connection
    // error before any byte, which the client retries, as openai-node does).
    let fetches = 0;
    const c = client(emu, { fetch: (/** @type {any} */ url, /** @type {any} */ init) => (fetches++, fetch(url, init)) });
    /** @param {number} count @param {number} offset */
    const round = async (count, offset) => {
      const results = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const n = offset + i;
          // Without reasoning, so each stream is a few KB.
          const body = { ...p.body(`Question ${n} about sums`), model: "zai-org/GLM-5", stream: true };
          const stream = await p.api(c).create(body);
          const { items, error } = await drain(stream);
          if (error) throw error;
          const result = protocol === "chat" ? stream.currentCompletion() : stream.currentMessage();
          return { n, items: items.length, text: text(result), view: p.view(result), expected: p.expected(items) };
        }),
      );
      for (const r of results) {
        assert.ok(r.text.startsWith(`About Question ${r.n} about sums`), `stream ${r.n} got ${JSON.stringify(r.text.slice(0, 60))}`);
        assert.deepEqual(r.view, r.expected, `stream ${r.n}: the result is what its events add up to`);
      }
      return results.length;
    };
    await round(20, 100000); // warm-up: code loaded, pools made
    const heap0 = await collect();
    const wasm0 = wasmMemoryBytes();
    const start = performance.now();
    assert.equal(await round(N, 0), N);
    const ms = performance.now() - start;
    const heap1 = await collect();
    const wasm1 = wasmMemoryBytes();
    assert.deepEqual(live(), { ChatStream: 0, MessagesStream: 0, RetryLoop: 0, PartialJson: 0 }, "every wasm object the client made was freed");
    assert.equal(await round(N, N), N);
    const heap2 = await collect();
    const wasm2 = wasmMemoryBytes();
    assert.deepEqual(live(), { ChatStream: 0, MessagesStream: 0, RetryLoop: 0, PartialJson: 0 });
    t.diagnostic(
      `${N} streams in ${ms.toFixed(0)} ms, ${fetches} requests for ${2 * N + 20} streams; heap ${(heap0 / MiB).toFixed(1)} → ${(heap1 / MiB).toFixed(1)} → ${(heap2 / MiB).toFixed(1)} MiB; ` +
        `wasm ${(wasm0 / MiB).toFixed(1)} → ${(wasm1 / MiB).toFixed(1)} → ${(wasm2 / MiB).toFixed(1)} MiB`,
    );
    assert.ok(heap1 - heap0 < 16 * MiB, `heap grew ${((heap1 - heap0) / MiB).toFixed(1)} MiB over ${N} streams`);
    assert.ok(heap2 - heap0 < 16 * MiB, `heap grew ${((heap2 - heap0) / MiB).toFixed(1)} MiB over ${2 * N} streams`);
    // Steady state: the second 1,000 streams leave (almost) nothing behind.
    assert.ok(heap2 - heap1 < 4 * MiB, `heap grew ${((heap2 - heap1) / MiB).toFixed(1)} MiB over the second ${N} streams`);
    assert.ok(wasm2 - wasm1 <= 2 * MiB, `wasm memory grew ${((wasm2 - wasm1) / MiB).toFixed(1)} MiB on the second round`);
  });
}

test("ChatStream objects a caller never frees are reclaimed by the FinalizationRegistry (no wasm growth on the second batch)", async (t) => {
  const chunk = new TextEncoder().encode(
    Array.from({ length: 40 }, (_, i) => `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "x".repeat(200) + i } }] })}\n\n`).join(""),
  );
  const batch = () => {
    for (let i = 0; i < 3000; i++) {
      const s = new ChatStream();
      s.push(chunk); // ~8 KB of content held in wasm; never freed
    }
  };
  batch();
  await collect();
  const before = wasmMemoryBytes();
  for (let i = 0; i < 3; i++) {
    batch();
    await collect();
  }
  const growth = wasmMemoryBytes() - before;
  t.diagnostic(`wasm memory ${(before / MiB).toFixed(1)} MiB, +${(growth / MiB).toFixed(1)} MiB after 3 more batches of 3,000 unfreed streams (~24 MiB each)`);
  assert.ok(growth < 24 * MiB, `unfreed streams were not reclaimed: +${(growth / MiB).toFixed(1)} MiB`);
});
