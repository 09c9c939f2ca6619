// deployment.sync(route, init) on the emulator's custom server, and
// deployment.openai(): a full Client rooted at {target}/sync/v1.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Client, NotFoundError, ModelwireError } from "modelwire";
import { emulator, client, recorder, rejection, MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const PREFIX = `/model/${MODEL}/environments/production/sync`;

test("sync GET: the route, query kept, the 2xx Response", async () => {
  const dep = client(emu).deployment(MODEL);
  const health = await dep.sync("health");
  assert.ok(health instanceof Response);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok" });
  const echo = await (await dep.sync("/items/123?full=1&tag=a%20b")).json();
  assert.deepEqual(echo, { route: "/items/123", method: "GET", query: { full: "1", tag: "a b" }, body: null });
  const log = emu.log();
  assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), [`GET ${PREFIX}/health`, `GET ${PREFIX}/items/123?full=1&tag=a%20b`]);
  assert.equal(log[0].headers["content-type"], undefined, "no content-type without a body");
});

test("sync with a method, a JSON body and headers", async () => {
  const rec = recorder();
  const dep = client(emu, { fetch: rec.fetch }).deployment(MODEL, { environment: "staging" });
  const out = await (await dep.sync("items/7", { method: "put", body: { name: "x", n: [1, 2] }, headers: { "x-trace": "t1" } })).json();
  assert.deepEqual(out, { route: "/items/7", method: "PUT", query: {}, body: { name: "x", n: [1, 2] } });
  const [call] = rec.calls;
  assert.equal(call.method, "PUT");
  assert.equal(call.headers["content-type"], "application/json");
  assert.equal(call.headers["x-trace"], "t1");
  assert.match(call.headers.authorization, /^Api-Key /);
  // POST by default when there is a body; DELETE without one.
  assert.equal((await (await dep.sync("items", { body: [1] })).json()).method, "POST");
  assert.equal((await (await dep.sync("items/7", { method: "DELETE" })).json()).method, "DELETE");
});

test("sync with a raw body: sent as is, its own content-type", async () => {
  const rec = recorder();
  const dep = client(emu, { fetch: rec.fetch }).deployment(MODEL);
  const text = '{"raw":true}';
  const out = await (await dep.sync("echo", { method: "POST", body: text, headers: { "content-type": "application/json" } })).json();
  assert.deepEqual(out.body, { raw: true });
  assert.equal(rec.calls[0].body, text);
  const bytes = new TextEncoder().encode('{"bytes":1}');
  const out2 = await (await dep.sync("echo", { body: bytes, headers: { "content-type": "application/json" } })).json();
  assert.deepEqual(out2.body, { bytes: 1 });
  await assert.rejects(() => dep.sync("echo", { body: new ReadableStream() }), ModelwireError);
});

test("sync stream: the Response with its body unread", async () => {
  const dep = client(emu).deployment(MODEL);
  const response = await dep.sync("predict", { body: { prompt: "stream", stream: true }, stream: true });
  assert.equal(response.headers.get("content-type"), "application/octet-stream");
  assert.ok((await response.text()).startsWith("About stream"));
});

test("sync errors are typed APIErrors", async () => {
  const err = await rejection(client(emu).deployment(MODEL, { environment: "canary" }).sync("health"));
  assert.ok(err instanceof NotFoundError);
  assert.equal(err.status, 404);
});

test("openai(): chat.completions create and stream against {target}/sync/v1", async () => {
  const dep = client(emu).deployment(MODEL);
  const openai = dep.openai();
  assert.ok(openai instanceof Client);
  assert.equal(openai.baseURL, `${emu.url}${PREFIX}/v1`);
  const messages = [{ role: /** @type {const} */ ("user"), content: "What is the capital of France?" }];
  const completion = await openai.chat.completions.create({ model: "served-model", messages });
  assert.equal(completion.object, "chat.completion");
  assert.match(String(completion.choices[0].message.content), /^About What is the capital of France/);
  assert.equal(completion._request_id, emu.log().at(-1).requestId);

  const stream = await openai.chat.completions.create({ model: "served-model", messages, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  assert.equal(text, completion.choices[0].message.content);
  assert.equal(stream.currentCompletion().choices[0].message.content, text);

  const runner = openai.chat.completions.stream({ model: "served-model", messages });
  assert.equal(await runner.finalContent(), text);

  const log = emu.log();
  assert.deepEqual(new Set(log.map((e) => e.path)), new Set([`${PREFIX}/v1/chat/completions`]));
  for (const e of log) assert.match(e.headers.authorization, /^Api-Key \[REDACTED/);

  // vLLM answers 404 for a model other than its served name: a NotFoundError.
  const err = await rejection(openai.chat.completions.create({ model: "other", messages }));
  assert.ok(err instanceof NotFoundError);
  // The models route of the same server, through sync.
  assert.equal((await (await dep.sync("v1/models")).json()).data[0].id, "served-model");
});

test("openai() keeps the client's options and takes overrides", async () => {
  const base = client(emu, { maxRetries: 5, timeout: 1234, authScheme: "Bearer" });
  const openai = base.deployment(MODEL, { development: true }).openai({ maxRetries: 1 });
  assert.equal(openai.maxRetries, 1);
  assert.equal(openai.timeout, 1234);
  assert.equal(openai.baseURL, `${emu.url}/model/${MODEL}/development/sync/v1`);
  await openai.chat.completions.create({ model: "served-model", messages: [{ role: "user", content: "hi" }] });
  assert.match(emu.log().at(-1).headers.authorization, /^Bearer \[REDACTED/);
});
