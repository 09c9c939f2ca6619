// Key-hygiene sweep: one recognisable key through every error path (each
// status, plain and streamed; a server echoing it; every stream failure;
// timeouts; aborts; validation; a refused connection; bad options), for both
// protocols and by create, iteration and the runner. Every rendering of every
// error (String, message, stack, JSON, util.inspect with hidden fields, the
// cause chain, the body, the partial) and everything written to the console
// meanwhile is searched for the key and for a 16-character piece of it.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { Client, ModelwireError } from "modelwire";
import { startEmulator, KEY, PROTOCOLS, client, fault, drain } from "./helpers.js";

const PIECE = KEY.slice(13, 29); // a truncated or split key still gives itself away
const NEEDLES = [KEY, PIECE];

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** Everything written to stdout / stderr / the console / as a warning during the sweep. */
let console_ = "";
/** @type {(() => void) | null} */
let restore = null;
let refusedPort = 0;

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  refusedPort = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = /** @type {any} */ (s.address()).port;
      s.close(() => resolve(port));
    });
  });
  // Tee (not swallow) the process's output, so the test runner still works.
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => ((console_ += String(chunk)), out(chunk, ...rest)));
  process.stderr.write = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => ((console_ += String(chunk)), err(chunk, ...rest)));
  const onWarning = (/** @type {Error} */ w) => (console_ += `${w.name}: ${w.message}\n${w.stack}\n`);
  process.on("warning", onWarning);
  restore = () => {
    process.stdout.write = out;
    process.stderr.write = err;
    process.off("warning", onWarning);
  };
});
after(async () => {
  restore?.();
  await emu.close();
});
beforeEach(() => emu.reset());

/** Every text an error can turn into. @param {any} err */
function renderings(err) {
  /** @type {Record<string, string>} */
  const views = {
    "String(err)": String(err),
    "err.message": String(err?.message),
    "err.stack": String(err?.stack),
    "JSON.stringify(err)": JSON.stringify(err) ?? "",
    "util.inspect(err)": inspect(err, { depth: Infinity }),
    "util.inspect(err, showHidden)": inspect(err, { depth: 8, showHidden: true }),
    "err.error": JSON.stringify(err?.error) ?? "",
    "err.partial": JSON.stringify(err?.partial) ?? "",
    "err.headers": err?.headers ? JSON.stringify([...err.headers]) : "",
  };
  let cause = err?.cause;
  for (let depth = 0; cause && depth < 5; depth++, cause = cause.cause) {
    views[`cause ${depth}`] = `${String(cause)}\n${cause.stack ?? ""}\n${inspect(cause, { depth: 4 })}`;
  }
  return views;
}

/** @param {any} err @param {string} what */
function assertClean(err, what) {
  assert.ok(err, `${what}: no error`);
  for (const [view, text] of Object.entries(renderings(err))) {
    for (const needle of NEEDLES) {
      assert.ok(!text.includes(needle), `${what}: ${view} contains the key: ${text.slice(0, 300)}`);
    }
  }
}

/**
 * The error of one request, made three ways: create (plain), create with
 * stream: true and iteration, and the runner (its `error` event too).
 * @param {"chat" | "messages"} protocol @param {Client} c @param {any} body @param {any} options
 */
async function errorsOf(protocol, c, body, options) {
  const p = PROTOCOLS[protocol];
  const api = p.api(c);
  /** @type {[string, unknown][]} */
  const out = [];
  out.push(["create", await api.create(body, options).then(() => null, (e) => e)]);
  try {
    const stream = await api.create({ ...body, stream: true }, options);
    out.push(["iteration", (await drain(stream)).error]);
  } catch (e) {
    out.push(["create stream", e]);
  }
  const runner = api.stream(body, options);
  /** @type {unknown[]} */
  const events = [];
  runner.on("error", (/** @type {unknown} */ e) => events.push(e));
  out.push(["runner", await p.final(runner).then(() => null, (e) => e)]);
  for (const e of events) out.push(["runner error event", e]);
  return out;
}

const STATUSES = [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504];

for (const protocol of /** @type {const} */ (["chat", "messages"])) {
  const p = PROTOCOLS[protocol];

  test(`${protocol}: every error status (${STATUSES.join(", ")}), plain, streamed and by the runner: no key anywhere`, async () => {
    const c = client(emu, { maxRetries: 0 });
    let n = 0;
    for (const status of STATUSES) {
      for (const [how, err] of await errorsOf(protocol, c, p.body(), fault(`${status}:9`))) {
        assert.equal(/** @type {any} */ (err)?.status, status, `${status} ${how}`);
        assertClean(err, `${status} ${how}`);
        n++;
      }
      emu.reset();
    }
    assert.ok(n >= STATUSES.length * 3);
  });

  test(`${protocol}: a server that echoes the key in its error body (404 detail): scrubbed everywhere`, async () => {
    const c = client(emu, { maxRetries: 0 });
    for (const [how, err] of await errorsOf(protocol, c, p.body(undefined, { model: `acme/${KEY}` }), {})) {
      assert.equal(/** @type {any} */ (err)?.status, 404, how);
      assertClean(err, `echo ${how}`);
    }
  });

  for (const [spec, extra] of /** @type {[string, Record<string, unknown>][]} */ ([
    ["drop:10000", {}],
    ["drop:0", {}],
    ["error:event", {}],
    ["error:data", {}],
    ["malformed", {}],
    ["huge-line:9437184", {}],
    ["stall:600;at=4", { idleTimeout: 100 }],
    ["bytewise,drop:3000", {}],
    ["not-ready", {}],
  ])) {
    test(`${protocol}: stream failure ${spec}: no key anywhere`, async () => {
      const c = client(emu, { maxRetries: 1 });
      const errors = (await errorsOf(protocol, c, p.body(), fault(spec, extra))).filter(([how, e]) => how !== "create" || e);
      assert.ok(errors.some(([, e]) => e), `${spec}: some error`);
      for (const [how, err] of errors) if (err) assertClean(err, `${spec} ${how}`);
    });
  }

  test(`${protocol}: timeouts (APITimeoutError), aborts (before the fetch, during a retry wait, mid-stream): no key anywhere`, async () => {
    const c = client(emu, { maxRetries: 0 });
    const timeout = await p.api(c).create(p.body(), fault("stall:800", { timeout: 100 })).then(() => null, (e) => e);
    assert.equal(timeout?.name, "APITimeoutError");
    assertClean(timeout, "timeout");
    for (const [how, err] of await errorsOf(protocol, c, p.body(), { signal: AbortSignal.abort() })) assertClean(err, `aborted before: ${how}`);
    for (const [how, err] of await errorsOf(protocol, c, p.body(), fault("429:9;retry-after-ms=5000", { maxRetries: 1, signal: AbortSignal.timeout(100) }))) {
      assertClean(err, `aborted while waiting to retry: ${how}`);
    }
    const controller = new AbortController();
    const stream = await p.api(c).create({ ...p.body(), stream: true }, fault("stall:1000;at=5", { signal: controller.signal }));
    const { error } = await drain(stream, (_, n) => n === 2 && setTimeout(() => controller.abort(), 20));
    assert.equal(error?.name, "APIUserAbortError");
    assertClean(error, "aborted mid-stream");
  });

  test(`${protocol}: validation errors (bad params, even one that holds the key): no key anywhere`, async () => {
    const c = client(emu);
    for (const body of [
      { ...p.body(), messages: "nope" },
      { ...p.body(), temperature: KEY },
      { ...p.body(), messages: [{ role: KEY, content: "hi" }] },
      { ...p.body(), model: "" },
      { ...p.body(), tools: [{ nonsense: KEY }] },
    ]) {
      for (const [how, err] of await errorsOf(protocol, c, body, {})) {
        assert.ok(err instanceof ModelwireError, `${how}: got ${/** @type {any} */ (err)?.constructor?.name}`);
        assertClean(err, `validation ${how} ${JSON.stringify(body).slice(0, 80)}`);
      }
    }
    assert.equal(emu.log().length, 0, "no request was sent");
  });

  test(`${protocol}: connection refused (plain, streamed, runner): APIConnectionError, no key anywhere`, async () => {
    const c = new Client({ apiKey: KEY, baseURL: `http://127.0.0.1:${refusedPort}/v1`, maxRetries: 1 });
    for (const [how, err] of await errorsOf(protocol, c, p.body(), {})) {
      assert.equal(/** @type {any} */ (err)?.name, "APIConnectionError", how);
      assertClean(err, `refused ${how}`);
    }
  });
}

test("bad options: a key with CR/LF or other bytes a header cannot hold, a bad base URL holding the key, bad numbers: no key in the error", async () => {
  const cases = [
    { apiKey: `${KEY}\r\nx-injected: 1` },
    { apiKey: `${KEY}\n` },
    { apiKey: `${KEY}\u0000` },
    { apiKey: `${KEY} é` },
    { apiKey: KEY, baseURL: `not a url ${KEY}` },
    { apiKey: KEY, baseURL: `ftp://${KEY}@example.com/v1` },
    { apiKey: KEY, maxRetries: -1 },
    { apiKey: KEY, timeout: "soon" },
  ];
  for (const options of cases) {
    let err = null;
    try {
      new Client(/** @type {any} */ (options));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ModelwireError, `no ModelwireError for ${inspect(options).replace(KEY, "KEY")}`);
    assertClean(err, `options ${inspect(options).replace(KEY, "KEY")}`);
  }
  const c = client(emu, { maxRetries: 0 });
  // A per-request header that cannot be sent.
  const err = await c.chat.completions.create(PROTOCOLS.chat.body(), { headers: { "x-extra": "a\r\nb" } }).then(() => null, (e) => e);
  assert.ok(err, "a CR/LF header value is refused");
  assertClean(err, "bad header");
});

test("the client object itself: String, JSON, util.inspect show no key", () => {
  const c = client(emu);
  for (const text of [String(c), JSON.stringify(c), inspect(c, { depth: 6, showHidden: true }), inspect(c.chat, { depth: 6 }), inspect(c.messages, { depth: 6 })]) {
    for (const needle of NEEDLES) assert.ok(!text.includes(needle), text.slice(0, 300));
  }
});

test("nothing written to stdout, stderr or as a warning during the sweep holds the key", () => {
  for (const needle of NEEDLES) assert.ok(!console_.includes(needle), `console output holds the key: …${console_.slice(Math.max(0, console_.indexOf(needle) - 200), console_.indexOf(needle) + 100)}`);
});
