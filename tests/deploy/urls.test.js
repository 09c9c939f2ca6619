// Every URL form of a dedicated deployment, recorded by a fetch wrapper: against
// the emulator (through the `deploymentBaseURL` template, over real HTTP) and on
// Baseten's own hosts (a fake fetch answers, nothing leaves the machine). Ids and
// names that could reach another host or path are refused before any request.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Client, ValidationError, ModelwireError } from "modelwire";
import { emulator, client, recorder, rejection, KEY, MODEL } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const TARGETS = [
  { options: {}, prefix: "/environments/production", deployment: "dep_production", environment: "production" },
  { options: { environment: "staging" }, prefix: "/environments/staging", deployment: "dep_staging", environment: "staging" },
  { options: { development: true }, prefix: "/development", deployment: "dep_development", environment: "development" },
  { options: { deploymentId: "q4w8e2r" }, prefix: "/deployment/q4w8e2r", deployment: "q4w8e2r", environment: null },
  // Regional hosts take bare paths; the template replaces the host, so the path is bare.
  { options: { region: "production" }, prefix: "", deployment: "dep_production", environment: "production" },
];

for (const t of TARGETS) {
  test(`every endpoint of ${JSON.stringify(t.options)} against the emulator`, async () => {
    const rec = recorder();
    const dep = client(emu, { fetch: rec.fetch }).deployment(MODEL, t.options);
    const base = `${emu.url}/model/${MODEL}${t.prefix}`;
    assert.equal(dep.predictURL, `${base}/predict`);
    assert.equal(dep.openaiBaseURL, `${base}/sync/v1`);

    const out = await dep.predict({ prompt: "hello" });
    assert.equal(out.model_id, MODEL);
    assert.equal(out.deployment_id, t.deployment);
    assert.equal(out.environment, t.environment);
    await dep.sync("health");
    await dep.openai().chat.completions.create({ model: "served-model", messages: [{ role: "user", content: "hi" }] });
    const id = await dep.asyncPredict({ prompt: "later" });
    const queue = await dep.queueStatus();
    assert.equal(queue.deployment_id, t.deployment);
    await dep.asyncRequest(id).status();
    await dep.asyncRequest(id).cancel();

    assert.deepEqual(rec.urls(), [
      `POST ${base}/predict`,
      `GET ${base}/sync/health`,
      `POST ${base}/sync/v1/chat/completions`,
      `POST ${base}/async_predict`,
      `GET ${base}/async_queue_status`,
      `GET ${emu.url}/model/${MODEL}/async_request/${id}`,
      `DELETE ${emu.url}/model/${MODEL}/async_request/${id}`,
    ]);
    // The emulator saw the same paths, each with the key as Api-Key.
    const log = emu.log();
    assert.equal(log.length, rec.calls.length);
    for (const entry of log) assert.match(entry.headers.authorization, /^Api-Key \[REDACTED key_/);
  });
}

/** A fetch that answers every request itself (JSON `{}`), so Baseten's hosts are never contacted. */
function offline() {
  return recorder(async (input) => {
    const path = new URL(String(input)).pathname;
    const body = path.endsWith("/async_predict") ? { request_id: "r1" } : {};
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", "x-baseten-request-id": "rq" } });
  });
}

test("Baseten's hosts: model, chain, regional, every target and endpoint", async () => {
  const rec = offline();
  const c = new Client({ apiKey: KEY, fetch: rec.fetch });
  const host = "https://model-abcd1234.api.baseten.co";
  const cases = [
    [c.deployment("abcd1234"), `${host}/environments/production`],
    [c.deployment("abcd1234", { environment: "staging" }), `${host}/environments/staging`],
    [c.deployment("abcd1234", { development: true }), `${host}/development`],
    [c.deployment("abcd1234", { deploymentId: "w7x9y2" }), `${host}/deployment/w7x9y2`],
    [c.deployment("abcd1234", { region: "eu-prod" }), "https://model-abcd1234-eu-prod.api.baseten.co"],
    [c.deployment("abcd1234", { regional: true }), "https://model-abcd1234-production.api.baseten.co"],
    [c.deployment("abcd1234", { environment: "staging", region: true }), "https://model-abcd1234-staging.api.baseten.co"],
    [c.deployment("ch42ain", { chain: true }), "https://chain-ch42ain.api.baseten.co/environments/production"],
    [c.deployment("ch42ain", { chain: true, development: true }), "https://chain-ch42ain.api.baseten.co/development"],
  ];
  for (const [dep, prefix] of /** @type {[import("modelwire").Deployment, string][]} */ (cases)) {
    rec.calls.length = 0;
    await dep.predict({});
    await dep.sync("items/123");
    await dep.asyncPredict({ a: 1 });
    await dep.queueStatus();
    await dep.wake();
    await dep.openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
    assert.deepEqual(rec.urls(), [
      `POST ${prefix}/predict`,
      `GET ${prefix}/sync/items/123`,
      `POST ${prefix}/async_predict`,
      `GET ${prefix}/async_queue_status`,
      `POST ${prefix}/wake`,
      `POST ${prefix}/sync/v1/chat/completions`,
    ]);
    assert.equal(dep.syncURL("/v1/models?limit=2"), `${prefix}/sync/v1/models?limit=2`);
    for (const call of rec.calls) {
      assert.equal(call.headers.authorization, `Api-Key ${KEY}`);
      assert.equal(call.headers["x-api-key"], undefined);
      assert.ok(!call.url.includes(KEY), "the key is never in a URL");
    }
  }
  rec.calls.length = 0;
  await c.asyncRequest("r1", { modelId: "abcd1234" }).status();
  await c.asyncRequest("r1", { modelId: "ch42ain", chain: true }).cancel();
  assert.deepEqual(rec.urls(), [`GET ${host}/async_request/r1`, "DELETE https://chain-ch42ain.api.baseten.co/async_request/r1"]);
});

test("auth: Api-Key by default, the client's authScheme when set, no header without a key", async () => {
  const rec = offline();
  await new Client({ apiKey: KEY, fetch: rec.fetch }).deployment("abc").predict({});
  await new Client({ apiKey: KEY, fetch: rec.fetch, authScheme: "Bearer" }).deployment("abc").predict({});
  await new Client({ apiKey: KEY, fetch: rec.fetch, authScheme: "Bearer" }).deployment("abc").openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
  await new Client({ apiKey: KEY, fetch: rec.fetch }).deployment("abc").openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
  await new Client({ apiKey: KEY, fetch: rec.fetch }).deployment("abc", { authScheme: "Bearer" }).predict({});
  await new Client({ apiKey: null, fetch: rec.fetch }).deployment("abc").predict({});
  assert.deepEqual(
    rec.calls.map((c) => c.headers.authorization),
    [`Api-Key ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}`, `Api-Key ${KEY}`, `Bearer ${KEY}`, undefined],
  );
  // defaultHeaders and per-request headers reach deployment requests too.
  rec.calls.length = 0;
  await new Client({ apiKey: KEY, fetch: rec.fetch, defaultHeaders: { "x-session-affinity": "conv-1" } }).deployment("abc").predict({}, { headers: { "x-extra": "1" } });
  assert.equal(rec.calls[0].headers["x-session-affinity"], "conv-1");
  assert.equal(rec.calls[0].headers["x-extra"], "1");
  assert.equal(rec.calls[0].headers["content-type"], "application/json");
});

test("invalid ids, names and routes: ValidationError naming the field, before any request", async () => {
  const rec = offline();
  const c = new Client({ apiKey: KEY, fetch: rec.fetch });
  /** @type {[() => unknown, string][]} */
  const cases = [
    [() => c.deployment("abcd.evil.com"), "model_id"],
    [() => c.deployment("abcd/../x"), "model_id"],
    [() => c.deployment(""), "model_id"],
    [() => c.deployment("abc@evil"), "model_id"],
    [() => c.deployment("x".repeat(64)), "model_id"],
    [() => c.deployment("ch.ain", { chain: true }), "chain_id"],
    [() => c.deployment("abc", { environment: "Prod" }), "environment"],
    [() => c.deployment("abc", { environment: "-staging" }), "environment"],
    [() => c.deployment("abc", { environment: "a.b" }), "environment"],
    [() => c.deployment("abc", { environment: "x/../../y" }), "environment"],
    [() => c.deployment("abc", { environment: "" }), "environment"],
    [() => c.deployment("abc", { environment: "staging", development: true }), "environment"],
    [() => c.deployment("abc", { deploymentId: "d/1" }), "deployment_id"],
    [() => c.deployment("abc", { region: "eu_prod" }), "environment"],
    [() => c.deployment("abc", { region: "eu", environment: "us" }), "region"],
    [() => c.deployment("abc", { development: true, regional: true }), "regional"],
    [() => c.deployment("abc", { baseURL: "http://evil.com@127.0.0.1/{model_id}" }), "base_url"],
    [() => c.deployment("abc", { baseURL: "ftp://x/{model_id}" }), "base_url"],
    [() => c.deployment("abc", { baseURL: "http://127.0.0.1/{env}" }), "base_url"],
    [() => c.deployment("abc").syncURL("../admin"), "route"],
    [() => c.deployment("abc").syncURL("a/%2e%2e/b"), "route"],
    [() => c.deployment("abc").syncURL("a/%2F/b"), "route"],
    [() => c.deployment("abc").syncURL("a#frag"), "route"],
    [() => c.deployment("abc").syncURL("a\\b"), "route"],
    [() => c.deployment("abc").syncURL("a b"), "route"],
    [() => c.deployment("abc").sync("//evil.com/x"), "route"],
    [() => c.deployment("abc").asyncRequest("../x"), "request_id"],
    [() => c.deployment("abc").asyncRequest(""), "request_id"],
    [() => c.asyncRequest("r1", { modelId: "a.b" }), "model_id"],
    [() => c.asyncRequest("r1", /** @type {any} */ ({})), "model_id"],
  ];
  for (const [make, field] of cases) {
    const err = await rejection(async () => make());
    assert.ok(err instanceof ValidationError, `${make}: expected ValidationError, got ${err?.name}: ${err?.message}`);
    assert.equal(err.field, field, `${make}: ${err.message}`);
    assert.match(err.message, /^invalid /);
  }
  assert.equal(rec.calls.length, 0, "nothing was sent");
  // The message names the offending character, never the key.
  const err = await rejection(async () => c.deployment("abcd.evil.com"));
  assert.equal(err.message, "invalid model_id: must be the alphanumeric id from the Baseten dashboard (found '.' at byte 4)");
  // A bad key or auth scheme is the client's error, as for Model APIs.
  const scheme = await rejection(async () => c.deployment("abc", { authScheme: /** @type {any} */ ("Basic") }));
  assert.ok(scheme instanceof ModelwireError);
  assert.match(scheme.message, /authScheme/);
});

test("the deploymentBaseURL template, and a per-deployment baseURL over it", async () => {
  const rec = offline();
  const c = new Client({ apiKey: KEY, fetch: rec.fetch, deploymentBaseURL: "https://proxy.example/deploy/{model_id}/" });
  assert.equal(c.deployment("abc").predictURL, "https://proxy.example/deploy/abc/environments/production/predict");
  assert.equal(c.deployment("abc", { baseURL: "http://127.0.0.1:9/m-{model_id}" }).predictURL, "http://127.0.0.1:9/m-abc/environments/production/predict");
  assert.equal(c.withOptions({}).deployment("xyz").openaiBaseURL, "https://proxy.example/deploy/xyz/environments/production/sync/v1");
});
