// Drill: one long-lived AbortSignal shared by many requests (one controller
// per page or session is common). Every kind of request, finished in every
// way, must take its abort listener off the signal again: otherwise each
// request stays reachable from the signal for its lifetime, and Node warns
// "MaxListenersExceededWarning: Possible EventTarget memory leak".
// (Found by this drill: runners never removed theirs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { startEmulator, KEY, PROTOCOLS, client, fault, drain } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {Error[]} */
const warnings = [];
const onWarning = (/** @type {Error} */ w) => warnings.push(w);
before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  process.on("warning", onWarning);
});
after(async () => {
  process.off("warning", onWarning);
  await emu.close();
});

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  test(`${protocol}: 15 requests of each kind on one signal (plain, streamed, runner; ok, HTTP error, stream error, break) leave no listener on it`, async () => {
    const c = client(emu, { maxRetries: 0 });
    const { signal } = new AbortController();
    const listeners = () => getEventListeners(signal, "abort").length;
    const api = p.api(c);
    for (let i = 0; i < 15; i++) {
      await api.create(p.body(), { signal });
      await api.create(p.body(), fault("503:1", { signal })).catch(() => {});
      await drain(await api.create({ ...p.body(), stream: true }, { signal }));
      await drain(await api.create({ ...p.body(), stream: true }, fault("drop:3000", { signal })));
      for await (const _ of await api.create({ ...p.body(), stream: true }, { signal })) break;
      await p.final(api.stream(p.body(), { signal }));
      await p.final(api.stream(p.body(), fault("error", { signal }))).catch(() => {});
      await p.final(api.stream(p.body(), fault("404:1", { signal }))).catch(() => {});
      const runner = api.stream(p.body(), { signal });
      runner.on(protocol === "chat" ? "chunk" : "streamEvent", () => runner.abort());
      await p.final(runner).catch(() => {});
      emu.reset();
    }
    assert.equal(listeners(), 0, `${listeners()} abort listeners left on the shared signal`);
    const leaks = warnings.filter((w) => w.name === "MaxListenersExceededWarning");
    assert.deepEqual(leaks.map((w) => w.message), []);
  });
}
