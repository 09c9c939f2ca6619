// Drill: a stall mid-stream. idleTimeout fires long before the stall ends,
// the body's reader is cancelled and nothing more is read, `partial` is what
// the received bytes hold; and no timer or socket is left behind: a child
// process running the same stream exits on its own right after the error,
// with no Timeout among its active resources.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { StreamError, APIUserAbortError } from "modelwire";
import { startEmulator, emulatorProcess, KEY, PROTOCOLS, client, fault, tracedFetch, drain, requests, runChild, sleep } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** An emulator in its own process for the 20 s stalls (its stall timers would hold this one). */
/** @type {any} */
let far;
before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  far = await emulatorProcess({ EMULATOR_KEYS: `${KEY}=valid` });
});
after(async () => {
  await emu.close();
  await far.close();
});
beforeEach(() => emu.reset());

const CHILD = fileURLToPath(new URL("./stall-child.mjs", import.meta.url));

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  test(`${protocol}: stall:1500 with idleTimeout 150 → StreamError idle_timeout in < 1.2 s, reader cancelled, no read after, partial exact, 1 request`, async () => {
    const trace = tracedFetch();
    const c = client(emu, { maxRetries: 2, fetch: trace.fetch });
    const start = performance.now();
    const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("stall:1500;at=4", { idleTimeout: 150 }));
    const { items, error } = await drain(stream);
    const ms = performance.now() - start;
    trace.stopAt();
    assert.ok(error instanceof StreamError, `got ${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.code, "idle_timeout");
    assert.ok(ms < 1200, `took ${ms.toFixed(0)} ms`);
    assert.equal(trace.calls.length, 1, "not retried: chunks had reached the caller");
    assert.equal(requests(emu, protocol).length, 1);
    const [call] = trace.calls;
    assert.ok(call.cancelled, "the body was cancelled");
    const reference = p.items(call.received());
    assert.deepEqual(items, reference);
    assert.deepEqual(p.view(error.partial), p.expected(reference));
    await sleep(100);
    assert.equal(trace.readsAfterStop, 0, "nothing read after the idle timeout");
  });

  for (const mode of ["idle", "abort"]) {
    test(`${protocol}: stall:20000 in a child process (${mode}) → ${mode === "idle" ? "idle_timeout" : "APIUserAbortError"}, and the process exits on its own with no timer left`, async () => {
      const { code, stdout, stderr, ms } = await runChild(CHILD, [far.url, protocol, mode, KEY], 8000);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
      if (mode === "idle") {
        assert.equal(result.name, StreamError.name);
        assert.equal(result.code, "idle_timeout");
      } else {
        assert.equal(result.name, APIUserAbortError.name);
      }
      assert.equal(result.items >= 3, true, `items ${result.items}`);
      assert.ok(result.ms < 3000, `the error came after ${result.ms} ms`);
      assert.ok(!result.resources.includes("Timeout"), `timers left: ${result.resources.join(", ")}`);
      assert.ok(!result.resources.includes("TCPSocketWrap"), `sockets left: ${result.resources.join(", ")}`);
      assert.ok(ms < 8000, `exited after ${ms.toFixed(0)} ms`);
    });
  }
}
