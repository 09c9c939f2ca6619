// Image parts: a vision model takes an image_url part; a text-only model
// answers 400, which surfaces as BadRequestError with the server's message.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "modelwire";
import { emulator, client, MODEL, VISION_MODEL, chatRequests, rejection, assertApiError } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

// A 1×1 PNG.
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const parts = (/** @type {string} */ url) => [
  { type: "text", text: "What is in this image?" },
  { type: "image_url", image_url: { url, detail: "auto" } },
];

test("a vision model accepts an image_url part (data URL)", async () => {
  const messages = [{ role: "user", content: parts(PIXEL) }];
  const completion = await client(emu).chat.completions.create({ model: VISION_MODEL, messages });
  assert.equal(completion.model, VISION_MODEL);
  assert.ok((completion.choices[0].message.content ?? "").length > 0);
  const [entry] = chatRequests(emu);
  assert.equal(entry.status, 200);
  assert.deepEqual(entry.body.messages, messages, "the parts went over the wire unchanged");
});

test("a vision model accepts an image_url part (https URL), streamed", async () => {
  const messages = [{ role: "user", content: parts("https://example.com/cat.png") }];
  const content = await client(emu).chat.completions.stream({ model: VISION_MODEL, messages }).finalContent();
  assert.ok((content ?? "").length > 0);
  assert.deepEqual(chatRequests(emu)[0].body.messages, messages);
});

test("a text-only model answers 400 → BadRequestError with the server's message", async () => {
  const err = await rejection(client(emu).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: parts(PIXEL) }] }));
  assertApiError(err, BadRequestError, 400, emu);
  assert.match(err.message, /does not support multimodal image inputs/);
  assert.equal(chatRequests(emu).length, 1, "a 400 is not retried");
});

test("the same 400 on a streamed request rejects create() before any chunk", async () => {
  const err = await rejection(client(emu).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: parts(PIXEL) }], stream: true }));
  assertApiError(err, BadRequestError, 400, emu);
  assert.match(err.message, /does not support multimodal image inputs/);
});
