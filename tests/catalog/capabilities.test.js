// Capability checks before sending, for Chat Completions and Messages: each
// check fails with a CapabilityError naming the model and the feature, and
// the emulator sees no request; the switch-off (client and per request);
// the default (only with a loaded catalog) and the opt-in "fetch" mode.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { CapabilityError, ModelwireError, NotFoundError, ValidationError } from "modelwire";
import { GLM, KIMI, PLAIN, V31, client, countingFetch, emulator, seen } from "./helpers.js";
import { CASES, user } from "./cases.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.configure({ streamDelayMs: 0 });
});

const CHAT = "/v1/chat/completions";
const MESSAGES = "/v1/messages";


/** @param {string} model @param {any} extra */
const chatBody = (model, extra) => ({ model, messages: user("Hello"), ...extra });
/** @param {string} model @param {any} extra */
const messagesBody = (model, extra) => ({ model, max_tokens: 64, messages: user("Hello"), ...extra });

/**
 * Asserts a CapabilityError naming the model and the feature.
 * @param {unknown} err @param {string} model @param {string} feature
 */
function assertCapability(err, model, feature) {
  assert.ok(err instanceof CapabilityError, `expected CapabilityError, got ${String(err)}`);
  assert.ok(err instanceof ModelwireError);
  assert.ok(!(err instanceof ValidationError));
  assert.equal(err.name, "CapabilityError");
  assert.equal(err.model, model);
  assert.equal(err.feature, feature);
  assert.ok(err.message.includes(model), err.message);
  // The output cap reads "allows at most N output tokens; the request asks for M (max_tokens)".
  assert.ok(err.message.includes(feature === "max_completion_tokens" ? "output tokens" : feature), err.message);
  return true;
}

/** A client with the catalog loaded, and the emulator's log cleared. @param {import("modelwire").ClientOptions} [options] */
async function loaded(options = {}) {
  const c = client(emu, options);
  await c.models.list();
  emu.clearLog();
  return c;
}

for (const [name, model, feature, chat, messages] of CASES) {
  test(`chat.completions: ${name} → CapabilityError, no request`, async () => {
    const c = await loaded();
    const body = chatBody(/** @type {string} */ (model), chat);
    await assert.rejects(c.chat.completions.create(body), (e) => assertCapability(e, /** @type {string} */ (model), /** @type {string} */ (feature)));
    await assert.rejects(c.chat.completions.create({ ...body, stream: true }), CapabilityError);
    const runner = c.chat.completions.stream(body);
    /** @type {unknown[]} */
    const errors = [];
    runner.on("error", (e) => errors.push(e));
    await assert.rejects(runner.finalChatCompletion(), CapabilityError);
    assert.equal(errors.length, 1);
    assert.equal(emu.log().length, 0, "the emulator saw no request");
  });

  test(`messages: ${name} → CapabilityError, no request`, async () => {
    const c = await loaded();
    const body = messagesBody(/** @type {string} */ (model), messages);
    await assert.rejects(c.messages.create(body), (e) => assertCapability(e, /** @type {string} */ (model), /** @type {string} */ (feature)));
    await assert.rejects(c.messages.create({ ...body, stream: true }), CapabilityError);
    await assert.rejects(c.messages.stream(body).finalMessage(), CapabilityError);
    assert.equal(emu.log().length, 0, "the emulator saw no request");
  });
}

test("the output cap: requested and limit on the error; max_completion_tokens counts too", async () => {
  const c = await loaded();
  const err = await c.chat.completions.create(chatBody(GLM, { max_completion_tokens: 202753 })).catch((e) => e);
  assertCapability(err, GLM, "max_completion_tokens");
  assert.equal(err.requested, 202753);
  assert.equal(err.limit, 202752);
  assert.match(err.message, /at most 202752 output tokens; the request asks for 202753/);
  await c.chat.completions.create(chatBody(GLM, { max_completion_tokens: 16 }));
  assert.equal(seen(emu, CHAT), 1);
});

test("chat_template_args enable_thinking and json_object are checked too; everything missing is listed", async () => {
  const c = await loaded();
  await assert.rejects(
    c.chat.completions.create(chatBody(GLM, { chat_template_args: { enable_thinking: true } })),
    (e) => assertCapability(e, GLM, "reasoning"),
  );
  await assert.rejects(c.chat.completions.create(chatBody(V31, { response_format: { type: "json_object" } })), (e) =>
    assertCapability(e, V31, "json_mode"),
  );
  const all = { ...CASES[0][3], ...CASES[2][3], reasoning_effort: "low", max_tokens: 5000 };
  const err = await c.chat.completions.create(chatBody(PLAIN, all)).catch((e) => e);
  assertCapability(err, PLAIN, "tools");
  assert.deepEqual(err.features, ["tools", "vision", "reasoning", "max_completion_tokens"]);
  assert.equal(err.message.split(`model ${PLAIN} `).length - 1, 4, err.message);
  assert.equal(emu.log().length, 0);
});

test("a model that has the feature is sent: tools, schema, vision, reasoning", async () => {
  const c = await loaded();
  await c.chat.completions.create(chatBody(GLM, CASES[0][3]));
  await c.chat.completions.create(chatBody(GLM, CASES[1][3]));
  await c.chat.completions.create(chatBody(KIMI, CASES[2][3]));
  await c.chat.completions.create(chatBody(V31, CASES[3][3]));
  await c.messages.create(messagesBody(KIMI, CASES[2][4]));
  await c.messages.create(messagesBody(V31, CASES[3][4]));
  assert.equal(seen(emu, CHAT), 4);
  assert.equal(seen(emu, MESSAGES), 2);
});

test("switched off: on the client (checkCapabilities: false) and per request; on per request over a client's off", async () => {
  const off = await loaded({ checkCapabilities: false });
  await off.chat.completions.create(chatBody(PLAIN, CASES[0][3]));
  await off.messages.create(messagesBody(PLAIN, CASES[0][4]));
  assert.equal(seen(emu, CHAT), 1, "sent: the server decides");
  assert.equal(seen(emu, MESSAGES), 1);
  await assert.rejects(off.chat.completions.create(chatBody(PLAIN, CASES[0][3]), { checkCapabilities: true }), CapabilityError);
  await assert.rejects(off.messages.create(messagesBody(PLAIN, CASES[0][4]), { checkCapabilities: true }), CapabilityError);

  const on = await loaded();
  await on.chat.completions.create(chatBody(PLAIN, CASES[0][3]), { checkCapabilities: false });
  await on.messages.stream(messagesBody(PLAIN, CASES[0][4]), { checkCapabilities: false }).finalMessage();
  await on.chat.completions.stream(chatBody(PLAIN, CASES[0][3]), { checkCapabilities: false }).finalChatCompletion();
  assert.equal(seen(emu, CHAT), 2, "loaded() cleared the log");
  assert.equal(seen(emu, MESSAGES), 1);
  await assert.rejects(on.chat.completions.create(chatBody(GLM, {}), { checkCapabilities: /** @type {any} */ ("always") }), ModelwireError);
});

test("default: without a loaded catalog nothing is checked and no catalog request is made", async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch });
  await c.chat.completions.create(chatBody(PLAIN, CASES[0][3]));
  await c.messages.create(messagesBody(PLAIN, CASES[0][4]));
  assert.deepEqual(counter.calls, [`POST ${CHAT}`, `POST ${MESSAGES}`]);
  // retrieve() of one model is enough to check requests for it.
  await c.models.retrieve(PLAIN);
  await assert.rejects(c.chat.completions.create(chatBody(PLAIN, CASES[0][3])), CapabilityError);
  await c.chat.completions.create(chatBody(GLM, CASES[0][3]));
  assert.equal(counter.calls.length, 4);
});

test('"fetch": the first request loads the catalog once, then every request is checked', async () => {
  const counter = countingFetch();
  const c = client(emu, { fetch: counter.fetch, checkCapabilities: "fetch" });
  await Promise.all([
    assert.rejects(c.chat.completions.create(chatBody(PLAIN, CASES[0][3])), CapabilityError),
    assert.rejects(c.messages.create(messagesBody(GLM, CASES[3][4])), CapabilityError),
    c.chat.completions.create(chatBody(GLM, {})),
  ]);
  await c.messages.create(messagesBody(GLM, {}));
  assert.equal(counter.count("GET /v1/models"), 1, "one catalog request for all");
  assert.equal(counter.count(`POST ${CHAT}`), 1);
  assert.equal(counter.count(`POST ${MESSAGES}`), 1);
  // Per request on a default client.
  const d = client(emu, { fetch: counter.fetch });
  await assert.rejects(d.chat.completions.create(chatBody(PLAIN, CASES[0][3]), { checkCapabilities: "fetch" }), CapabilityError);
  assert.equal(counter.count("GET /v1/models"), 2);
});

test('"fetch" when the catalog cannot be loaded: the request goes unchecked, and the catalog is not asked again at once', async () => {
  const counter = countingFetch();
  /** @type {typeof fetch} */
  const noCatalog = (input, init) =>
    String(input).endsWith("/models") ? (counter.calls.push("GET /v1/models"), Promise.resolve(new Response("{}", { status: 404 }))) : counter.fetch(input, init);
  const c = client(emu, { fetch: noCatalog, checkCapabilities: "fetch" });
  await c.chat.completions.create(chatBody(PLAIN, CASES[0][3]));
  await c.chat.completions.create(chatBody(PLAIN, CASES[0][3]));
  assert.equal(counter.count("GET /v1/models"), 1);
  assert.equal(counter.count(`POST ${CHAT}`), 2);
  await assert.rejects(c.models.list(), NotFoundError, "list() itself reports the failure");
});

test("a model the catalog does not list is not checked: the server answers", async () => {
  const c = await loaded();
  await assert.rejects(c.chat.completions.create(chatBody("acme/Unlisted", CASES[0][3])), NotFoundError);
  assert.equal(seen(emu, CHAT), 1);
});
