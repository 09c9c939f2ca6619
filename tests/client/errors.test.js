// Every error status the emulator produces → the right class, with status,
// requestId, message, headers and body, and never the key.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import * as mw from "modelwire";
import {
  emulator, client, hello, KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY, MODEL, chatRequests, rejection, assertApiError, assertNoKey,
} from "./helpers.js";

const {
  APIError, BadRequestError, AuthenticationError, PaymentRequiredError, PermissionDeniedError, NotFoundError,
  PayloadTooLargeError, RateLimitError, InternalServerError, APIConnectionError, ModelwireError, StreamError,
} = mw;

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/**
 * @typedef {{ name: string, Class: any, status: number, message: RegExp,
 *   options?: import("modelwire").ClientOptions, params?: any, fault?: string, setup?: () => void }} Case
 * @type {Case[]}
 */
const cases = [
  { name: "400 injected", Class: BadRequestError, status: 400, message: /Injected fault: HTTP 400/, fault: "400:1" },
  { name: "400 model not ready (flat body with error_code)", Class: BadRequestError, status: 400, message: /Model is not ready/, fault: "not-ready" },
  { name: "401 no Authorization", Class: AuthenticationError, status: 401, message: /missing api key/, options: { apiKey: null } },
  {
    name: "401 x-api-key only",
    Class: AuthenticationError,
    status: 401,
    message: /x-api-key is not supported/,
    options: { apiKey: null, defaultHeaders: { "x-api-key": KEY } },
  },
  { name: "402 out of budget", Class: PaymentRequiredError, status: 402, message: /budget exceeded/, options: { apiKey: BUDGET_KEY } },
  { name: "403 invalid key", Class: PermissionDeniedError, status: 403, message: /please check the api-key you provided/, options: { apiKey: BAD_KEY } },
  {
    name: "403 unknown key",
    Class: PermissionDeniedError,
    status: 403,
    message: /please check the api-key/,
    options: { apiKey: "mw-unknown-key-00112233445566778899" },
  },
  { name: "404 unknown model", Class: NotFoundError, status: 404, message: /not found/i, params: { ...hello(), model: "acme/no-such-model" } },
  {
    name: "413 body over the limit",
    Class: PayloadTooLargeError,
    status: 413,
    message: /limit/,
    params: { ...hello("x".repeat(8000)) },
    setup: () => emu.configure({ maxBodyBytes: 4096 }),
  },
  { name: "429 rate-limited key", Class: RateLimitError, status: 429, message: /Rate limit exceeded/, options: { apiKey: LIMITED_KEY } },
  { name: "429 injected", Class: RateLimitError, status: 429, message: /Rate limit exceeded/, fault: "429:5" },
  { name: "500 injected", Class: InternalServerError, status: 500, message: /HTTP 500/, fault: "500:5" },
  { name: "503 injected", Class: InternalServerError, status: 503, message: /HTTP 503/, fault: "503:5" },
  { name: "502 injected", Class: InternalServerError, status: 502, message: /HTTP 502/, fault: "502:5" },
];

for (const kase of cases) {
  for (const mode of ["create", "create stream", "runner"]) {
    test(`${kase.name} → ${kase.Class.name} (${mode})`, async () => {
      emu.configure({ maxBodyBytes: 100 * 1024 * 1024 });
      kase.setup?.();
      const c = client(emu, { maxRetries: 0, ...kase.options });
      const params = kase.params ?? hello();
      const options = kase.fault ? { headers: { "x-emulator-fault": kase.fault } } : {};
      /** @type {any} */
      let err;
      if (mode === "create") err = await rejection(c.chat.completions.create(params, options));
      else if (mode === "create stream") err = await rejection(c.chat.completions.create({ ...params, stream: true }, options));
      else {
        const runner = c.chat.completions.stream(params, options);
        const events = [];
        runner.on("error", (e) => events.push(e));
        err = await rejection(runner.finalChatCompletion());
        assert.deepEqual(events, [err], "the error event carries the same error");
      }
      assertApiError(err, kase.Class, kase.status, emu);
      assert.ok(err instanceof APIError);
      assert.ok(err instanceof ModelwireError);
      assert.ok(err instanceof Error);
      assert.ok(!(err instanceof StreamError), "an HTTP error status is not a StreamError");
      assert.match(err.message, kase.message);
      assert.ok(err.headers instanceof Headers, "headers is a Headers");
      assert.equal(err.headers.get("x-baseten-request-id"), err.requestId);
      assert.ok(err.error !== undefined && err.error !== null, "the parsed error body is kept");
      const log = chatRequests(emu);
      assert.equal(log.length, 1, "maxRetries: 0 → exactly one request");
      assert.equal(log[0].status, kase.status);
      emu.configure({ maxBodyBytes: 100 * 1024 * 1024 });
    });
  }
}

test("404 keeps the body's error_code as code", async () => {
  const err = await rejection(client(emu).chat.completions.create({ ...hello(), model: "acme/no-such-model" }));
  assertApiError(err, NotFoundError, 404, emu);
  assert.equal(err.code, "model_not_found");
  assert.equal(JSON.stringify(err.error).includes("acme/no-such-model"), true, "err.error is the body");
});

test("a validation 400 from the server keeps its message and type", async () => {
  const err = await rejection(client(emu).chat.completions.create({ ...hello(), model: "deepseek-ai/DeepSeek-V3.1", response_format: { type: "json_object" } }));
  assertApiError(err, BadRequestError, 400, emu);
  assert.match(err.message, /does not support JSON mode/);
  assert.deepEqual(err.error?.error?.type ?? err.error?.type ?? err.type, "Bad Request");
});

test("a key the server echoes back is scrubbed from message, body and every rendering", async () => {
  // The emulator's 404 repeats the model name in its detail; the name carries the key.
  const model = `acme/${KEY}`;
  const err = await rejection(client(emu, { maxRetries: 0 }).chat.completions.create({ ...hello(), model }));
  assertApiError(err, NotFoundError, 404, emu);
  assertNoKey(err);
});

test("a key the server echoes back inside a stream's error body is scrubbed too", async () => {
  const model = `acme/${KEY}`;
  const err = await rejection(client(emu, { maxRetries: 0 }).chat.completions.create({ ...hello(), model, stream: true }));
  assertApiError(err, NotFoundError, 404, emu);
});

test("a refused connection → APIConnectionError after maxRetries + 1 attempts, no key", async () => {
  // A port with nothing listening.
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = /** @type {any} */ (s.address()).port;
      s.close(() => resolve(p));
    });
  });
  const c = new mw.Client({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
  const err = await rejection(c.chat.completions.create(hello()));
  assert.ok(err instanceof APIConnectionError, `got ${err?.constructor?.name}`);
  assert.equal(err.status, undefined);
  assertNoKey(err);
  const err2 = await rejection(c.chat.completions.create({ ...hello(), stream: true }));
  assert.ok(err2 instanceof APIConnectionError, `got ${err2?.constructor?.name}`);
  assertNoKey(err2);
});

test("all error classes are exported and subclass APIError", () => {
  for (const name of [
    "BadRequestError", "AuthenticationError", "PaymentRequiredError", "PermissionDeniedError", "NotFoundError", "ConflictError",
    "PayloadTooLargeError", "UnprocessableEntityError", "RateLimitError", "InternalServerError", "APIConnectionError",
    "APITimeoutError", "APIUserAbortError", "StreamError",
  ]) {
    assert.equal(typeof mw[name], "function", name);
    assert.ok(mw[name].prototype instanceof mw.APIError, `${name} extends APIError`);
  }
  assert.ok(mw.APITimeoutError.prototype instanceof mw.APIConnectionError);
  assert.ok(mw.ValidationError.prototype instanceof mw.ModelwireError);
  assert.ok(!(mw.ValidationError.prototype instanceof mw.APIError));
  assert.equal(MODEL, "zai-org/GLM-5");
});
