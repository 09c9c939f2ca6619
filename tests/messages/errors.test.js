// Error responses on /v1/messages: every status → its class, with status,
// type, message, the body, the request id; retried or not as it should be;
// and the key in none of String(err), message, stack, JSON.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  APIError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  StreamError,
} from "modelwire";
import { Client } from "modelwire";
import { emulator, client, params, rejection, assertNoKey, rawMessages, messageRequests, fault, KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** status → [class, Anthropic error type the emulator sends, retried by default] */
const STATUSES = /** @type {const} */ ([
  [400, BadRequestError, "invalid_request_error", false],
  [401, AuthenticationError, "authentication_error", false],
  [402, PaymentRequiredError, "billing_error", false],
  [403, PermissionDeniedError, "permission_error", false],
  [404, NotFoundError, "not_found_error", false],
  [409, ConflictError, "api_error", true],
  [413, PayloadTooLargeError, "request_too_large", false],
  [422, UnprocessableEntityError, "api_error", false],
  [429, RateLimitError, "rate_limit_error", true],
  [500, InternalServerError, "api_error", true],
  [502, InternalServerError, "api_error", true],
  [503, InternalServerError, "overloaded_error", true],
  [504, InternalServerError, "api_error", true],
  [529, InternalServerError, "overloaded_error", true],
]);

/**
 * Class, status, type, message, body, request id, key hygiene.
 * @param {any} err @param {Function} Class @param {number} status @param {any} body  the server's JSON body
 */
function assertApiError(err, Class, status, body) {
  assert.ok(err instanceof Class, `expected ${Class.name}, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof APIError);
  assert.ok(!(err instanceof StreamError), "not a StreamError: the stream never began");
  assert.equal(err.name, Class.name);
  assert.equal(err.status, status);
  assert.deepEqual(err.error, body, "err.error is the response body");
  const serverMessage = typeof body.error === "string" ? body.error : body.error.message;
  assert.ok(err.message.includes(serverMessage), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(serverMessage)}`);
  assert.ok(!err.message.includes("[object Object]"));
  if (body.type === "error") assert.equal(err.type, body.error.type, "type = error.type of the Anthropic shape");
  const last = emu.log().at(-1);
  assert.equal(err.requestId, last.requestId, "requestId = the X-Baseten-Request-Id of the failing response");
  assert.ok(err.headers instanceof Headers, "the response headers are kept");
  assert.equal(err.headers.get("x-baseten-request-id"), last.requestId);
  assertNoKey(err);
}

for (const [status, Class, type] of STATUSES) {
  test(`${status} (Anthropic shape) → ${Class.name}, type ${type}`, async () => {
    const spec = `${status}:1;id=s${status}`;
    const raw = await rawMessages(emu, params(), { "x-emulator-fault": spec });
    assert.equal(raw.status, status);
    const body = JSON.parse(raw.bytes.toString("utf8"));
    assert.equal(body.type, "error");
    assert.equal(body.error.type, type);
    emu.reset();
    const c = client(emu, { maxRetries: 0 });
    const err = await rejection(c.messages.create(params(), fault(spec)));
    assertApiError(err, Class, status, body);
    assert.equal(err.type, type);
    assert.equal(messageRequests(emu).length, 1);

    // The same before a stream begins: create({stream}) and stream() reject alike.
    emu.reset();
    const streamed = await rejection(c.messages.create(params({ stream: true }), fault(spec)));
    assertApiError(streamed, Class, status, body);
    emu.reset();
    const runner = c.messages.stream(params(), fault(spec));
    /** @type {any} */
    let errorEvent;
    runner.on("error", (e) => (errorEvent = e));
    const viaRunner = await rejection(runner.finalMessage());
    assertApiError(viaRunner, Class, status, body);
    assert.equal(errorEvent, viaRunner);
  });
}

test("default retries: 408/409/429/5xx are retried (3 requests), other 4xx are not (1 request)", async () => {
  for (const [status, Class, , retried] of [...STATUSES, [408, APIError, "api_error", true]]) {
    emu.reset();
    const err = await rejection(client(emu).messages.create(params(), fault(`${status}:9;retry-after-ms=1`)));
    assert.ok(err instanceof /** @type {any} */ (Class), `${status}: ${err?.constructor?.name}`);
    assert.equal(err.status, status);
    assert.equal(messageRequests(emu).length, retried ? 3 : 1, `${status}: requests`);
    assertNoKey(err);
  }
});

test("maxRetries per request overrides the client's", async () => {
  const err = await rejection(client(emu, { maxRetries: 0 }).messages.create(params(), fault("503:9;retry-after-ms=1", { maxRetries: 4 })));
  assert.ok(err instanceof InternalServerError);
  assert.equal(messageRequests(emu).length, 5);
});

test("real 401: no key → AuthenticationError with the flat body", async () => {
  const c = new Client({ baseURL: `${emu.url}/v1`, maxRetries: 0 });
  const err = await rejection(c.messages.create(params()));
  const [entry] = emu.log();
  assert.equal(entry.headers.authorization, undefined);
  assert.equal(entry.status, 401);
  assertApiError(err, AuthenticationError, 401, { error: err.error.error });
  assert.match(err.error.error, /missing api key/);
});

test("real 402 / 403 / 429 from the key's status, flat or Anthropic shape", async () => {
  const cases = [
    [BUDGET_KEY, PaymentRequiredError, 402, /budget/],
    [BAD_KEY, PermissionDeniedError, 403, /api-key/],
    ["mw-messages-unknown-key-77aa66bb55cc", PermissionDeniedError, 403, /api-key/],
    [LIMITED_KEY, RateLimitError, 429, /Rate limit/],
  ];
  for (const [apiKey, Class, status, pattern] of cases) {
    emu.reset();
    const c = client(emu, { apiKey, maxRetries: 0 });
    const err = await rejection(c.messages.create(params()));
    const raw = await rawMessages(emu, params(), { authorization: `Bearer ${apiKey}` });
    assert.equal(raw.status, status);
    const body = JSON.parse(raw.bytes.toString("utf8"));
    assert.ok(err instanceof /** @type {any} */ (Class), `${status}: ${err?.constructor?.name}`);
    assert.equal(err.status, status);
    assert.deepEqual(err.error, body);
    assert.match(err.message, /** @type {RegExp} */ (pattern));
    assert.equal(err.requestId, emu.log()[0].requestId, "the id of the client's request (the raw one came after)");
    assertNoKey(err, [KEY, BUDGET_KEY, LIMITED_KEY, BAD_KEY, /** @type {string} */ (apiKey)]);
  }
});

test("real 404: unknown model → NotFoundError not_found_error", async () => {
  const err = await rejection(client(emu, { maxRetries: 0 }).messages.create(params({ model: "acme/no-such-model" })));
  assertApiError(err, NotFoundError, 404, err.error);
  assert.equal(err.type, "not_found_error");
  assert.match(err.message, /acme\/no-such-model/);
});

test("real 400: a body the server refuses (max_tokens above the model's limit) → BadRequestError", async () => {
  const err = await rejection(client(emu, { maxRetries: 0 }).messages.create(params({ max_tokens: 999_999_999 })));
  assertApiError(err, BadRequestError, 400, err.error);
  assert.equal(err.type, "invalid_request_error");
  assert.match(err.message, /max_tokens/);
  assert.equal(emu.log().length, 1, "the server, not the client, refused it");
});

test("real 413: a body over the server's limit → PayloadTooLargeError", async () => {
  emu.configure({ maxBodyBytes: 2000 });
  try {
    const err = await rejection(client(emu).messages.create(params({ messages: [{ role: "user", content: "x".repeat(5000) }] })));
    assertApiError(err, PayloadTooLargeError, 413, err.error);
    assert.equal(err.type, "request_too_large");
    assert.equal(messageRequests(emu).length, 1, "413 is not retried");
  } finally {
    emu.configure({ maxBodyBytes: 104857600 });
  }
});

test("a key the server echoes back is scrubbed from the message and the body", async () => {
  const c = client(emu, { maxRetries: 0 });
  for (const [how, run] of [
    ["create", () => c.messages.create(params({ model: `acme/${KEY}` }))],
    ["create stream", () => c.messages.create(params({ model: `acme/${KEY}`, stream: true }))],
    ["stream()", () => c.messages.stream(params({ model: `acme/${KEY}` })).finalMessage()],
  ]) {
    emu.reset();
    const err = await rejection(/** @type {() => Promise<unknown>} */ (run));
    assert.ok(err instanceof NotFoundError, how);
    // The server did echo it (else this proves nothing).
    const raw = await rawMessages(emu, params({ model: `acme/${KEY}` }));
    assert.ok(raw.bytes.toString("utf8").includes(KEY), "the emulator echoes the model name");
    assert.match(err.message, /\[REDACTED\]/, `${how}: the echo is replaced`);
    assertNoKey(err);
  }
});

test("connection refused → APIConnectionError after the retries, no key in it", async () => {
  const dead = await emulator();
  const url = dead.url;
  await dead.close();
  const c = new Client({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 1 });
  const started = Date.now();
  const err = await rejection(c.messages.create(params()));
  assert.ok(err instanceof APIConnectionError, `${err?.constructor?.name}: ${err?.message}`);
  assert.ok(!(err instanceof APITimeoutError));
  assert.equal(err.status, undefined);
  assert.ok(Date.now() - started < 5000);
  assertNoKey(err);
});

test("timeout on a plain body → APITimeoutError, each attempt retried", async () => {
  const started = Date.now();
  const err = await rejection(client(emu, { maxRetries: 1 }).messages.create(params(), fault("stall:2000", { timeout: 150 })));
  assert.ok(err instanceof APITimeoutError, `${err?.constructor?.name}: ${err?.message}`);
  assert.equal(messageRequests(emu).length, 2);
  assert.ok(Date.now() - started < 1500, "the timeout did not wait for the stall");
  assertNoKey(err);
});
