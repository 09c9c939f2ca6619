// Client-side validation: a bad Messages body is a ValidationError naming the
// field, thrown before any request (the emulator's log stays empty), for
// create, create({stream: true}) and stream().
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, APIError } from "modelwire";
import { emulator, client, params, rejection, assertNoKey, KEY, MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const { max_tokens: _omit, ...withoutMaxTokens } = params();

/** [name, body, field, message pattern] */
const CASES = [
  ["missing max_tokens", withoutMaxTokens, "max_tokens", /max_tokens.*required/],
  ["max_tokens 0", params({ max_tokens: 0 }), "max_tokens", /max_tokens.*at least 1/],
  ["max_tokens negative", params({ max_tokens: -3 }), "max_tokens", /max_tokens/],
  ["max_tokens not an integer", params({ max_tokens: 2.5 }), "max_tokens", /max_tokens/],
  ["temperature 1.5", params({ temperature: 1.5 }), "temperature", /temperature.*between 0 and 1/],
  ["bad role", params({ messages: [{ role: "robot", content: "hi" }] }), "messages[0].role", /"user" or "assistant"/],
  ["system role in messages", params({ messages: [{ role: "user", content: "a" }, { role: "system", content: "b" }] }), "messages[1].role", /system/],
  ["empty messages", params({ messages: [] }), "messages", /messages.*empty/],
  ["missing model", { max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, "model", /model/],
];

for (const [name, body, field, pattern] of CASES) {
  test(`${name} → ValidationError(field ${field}) before any request`, async () => {
    const c = client(emu);
    for (const [how, run] of [
      ["create", () => c.messages.create(/** @type {any} */ (body))],
      ["create stream", () => c.messages.create({ .../** @type {any} */ (body), stream: true })],
      ["stream()", () => c.messages.stream(/** @type {any} */ (body)).finalMessage()],
    ]) {
      const err = await rejection(/** @type {() => Promise<unknown>} */ (run));
      assert.ok(err instanceof ValidationError, `${how}: expected ValidationError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.ok(!(err instanceof APIError), `${how}: a ValidationError is not an APIError`);
      assert.equal(err.name, "ValidationError");
      assert.equal(err.field, field, `${how}: field`);
      assert.match(err.message, /** @type {RegExp} */ (pattern), `${how}: message`);
      assertNoKey(err);
    }
    assert.deepEqual(emu.log(), [], "no request reached the server");
  });
}

test("stream(): the ValidationError also reaches the error and end events", async () => {
  const runner = client(emu).messages.stream(/** @type {any} */ (params({ temperature: 1.5 })));
  /** @type {string[]} */
  const seen = [];
  /** @type {any} */
  let errorEvent;
  runner.on("connect", () => seen.push("connect"));
  runner.on("error", (err) => {
    errorEvent = err;
    seen.push("error");
  });
  runner.on("end", () => seen.push("end"));
  const err = await rejection(runner.done());
  assert.ok(err instanceof ValidationError);
  assert.equal(errorEvent, err);
  assert.deepEqual(seen, ["error", "end"]);
  assert.deepEqual(emu.log(), []);
});

test("a valid body with the same client does reach the server (the log is not empty by accident)", async () => {
  const message = await client(emu).messages.create(params({ temperature: 1, max_tokens: 1 }));
  assert.equal(message.model, MODEL);
  assert.equal(emu.log().length, 1);
});

// Finding, not a contract the README states: the key is scrubbed from what a
// server echoes, but a validation message that quotes a value equal to the key
// keeps it.
test("a ValidationError quoting a value equal to the key does not show the key", async () => {
  const err = await rejection(client(emu).messages.create(params({ messages: [{ role: KEY, content: "hi" }] })));
  assert.ok(err instanceof ValidationError);
  assert.equal(emu.log().length, 0);
  assertNoKey(err);
});
