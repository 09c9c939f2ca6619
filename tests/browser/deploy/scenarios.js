// Deployment scenarios inside the page, against the web build (/js/web.js) and
// the emulator behind scripts/serve.js's /model/ proxy. Each returns plain data
// for page.evaluate; tests/browser/deploy.test.js makes the assertions against
// independent references (the emulator's log and raw answers, node:crypto,
// Playwright's own record of the page's requests).
import * as mw from "/js/web.js";

const {
  Client,
  ValidationError,
  WebhookVerificationError,
  ModelwireError,
  APIUserAbortError,
  NotFoundError,
  PredictStream,
  verifyWebhook,
  signWebhook,
} = mw;

/** The client the page uses: deployments through the same-origin /model/ proxy. @param {string} key @param {object} [options] */
const client = (key, options = {}) => new Client({ apiKey: key, deploymentBaseURL: `${location.origin}/model/{model_id}`, ...options });

/** HMAC-SHA256 by WebCrypto: an independent reference for the wasm signature. @param {string} secret @param {string | Uint8Array} body */
async function webCryptoSign(secret, body) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, typeof body === "string" ? enc.encode(body) : body));
  return "v1=" + [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** An error as plain data. @param {any} err */
function describe(err) {
  return {
    name: err?.name ?? null,
    message: String(err?.message ?? err),
    field: err?.field ?? null,
    code: err?.code ?? null,
    status: err?.status ?? null,
    isValidation: err instanceof ValidationError,
    isWebhook: err instanceof WebhookVerificationError,
    isModelwire: err instanceof ModelwireError,
    isAbort: err instanceof APIUserAbortError,
    isTypeError: err instanceof TypeError,
    isNotFound: err instanceof NotFoundError,
  };
}

/** `{ ok: true, value }` or `{ ok: false, error }`. @param {() => unknown} fn */
async function outcome(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: describe(err) };
  }
}

/**
 * Records every call of the page's own `fetch` (the global one the client
 * uses when no `fetch` option is given) while `work` runs.
 * @template T @param {() => Promise<T>} work
 */
async function recordingFetch(work) {
  /** @type {{ method: string, url: string, headers: Record<string, string> }[]} */
  const calls = [];
  const real = globalThis.fetch;
  globalThis.fetch = /** @type {typeof fetch} */ (
    (input, init = {}) => {
      calls.push({ method: String(init.method ?? "GET"), url: String(input), headers: Object.fromEntries(new Headers(init.headers).entries()) });
      return real.call(globalThis, input, init);
    }
  );
  try {
    const value = await work();
    return { value, calls };
  } finally {
    globalThis.fetch = real;
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The webhook the Node side received (n-th, from 0): its raw bytes and headers, as a Response. @param {number} n */
const deliveredWebhook = (n) => fetch(`/__deploy-hook/${n}`);

/** Verifies a delivered webhook in the page, and the WebCrypto reference over the same bytes. @param {Response} res @param {string} secret */
async function verifyDelivered(res, secret) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const header = res.headers.get("x-baseten-signature");
  const payload = verifyWebhook(secret, bytes, res.headers);
  return { header, reference: await webCryptoSign(secret, bytes), payload, text: new TextDecoder().decode(bytes) };
}

export const scenarios = {
  async predict({ key, model }) {
    const dep = client(key).deployment(model, { environment: "staging" });
    const out = await dep.predict({ prompt: "From the page" });
    const stream = await dep.predict({ prompt: "Streamed in the page", stream: true }, { stream: true });
    let bytes = 0;
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      bytes += chunk.length;
      text += decoder.decode(chunk, { stream: true });
    }
    return { out, requestId: out._request_id, bytes, text, predictURL: dep.predictURL };
  },

  async sync({ key, model }) {
    const dep = client(key).deployment(model);
    const echo = await (await dep.sync("items/9?x=1", { method: "PATCH", body: { a: 1 } })).json();
    const openai = dep.openai();
    const messages = [{ role: "user", content: "Hello from the page" }];
    const completion = await openai.chat.completions.create({ model: "served-model", messages });
    const stream = await openai.chat.completions.create({ model: "served-model", messages, stream: true });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
    return { echo, content: completion.choices[0].message.content, streamed };
  },

  async async({ key, model }) {
    const dep = client(key).deployment(model);
    const id = await dep.asyncPredict({ prompt: "queued from the page" }, { priority: 2 });
    const seen = [];
    const final = await dep.waitFor(id, { pollInterval: 5, onStatus: (s) => seen.push(s.status) });
    return { id, final, seen };
  },

  async invalid({ key }) {
    const out = [];
    for (const make of [() => client(key).deployment("a.evil.com"), () => client(key).deployment("abc", { environment: "Prod" }), () => client(key).deployment("abc").syncURL("../x")]) {
      try {
        make();
        out.push(null);
      } catch (err) {
        out.push({ isValidation: err instanceof ValidationError, field: err.field });
      }
    }
    return out;
  },

  async webhook({ secret }) {
    const body = JSON.stringify({ request_id: "r1", type: "async_request_completed", data: { output: "ok ✓" }, errors: [] });
    const reference = await webCryptoSign(secret, body);
    const ours = signWebhook(secret, body);
    const accepted = verifyWebhook(secret, new TextEncoder().encode(body), reference).request_id;
    const rotated = verifyWebhook(secret, body, `${await webCryptoSign("whsec_other", body)},${reference}`).request_id;
    const codes = [];
    for (const [s, b, h] of [[secret, body + " ", reference], ["whsec_wrong", body, reference], [secret, body, "v1=xyz"], [secret, body, null]]) {
      try {
        verifyWebhook(s, b, h);
        codes.push(null);
      } catch (err) {
        codes.push(err instanceof WebhookVerificationError ? err.code : `other: ${err}`);
      }
    }
    return { reference, ours, accepted, rotated, codes };
  },

  /**
   * Every endpoint of each target through the proxy (`deploymentBaseURL`), with
   * the page's fetch recorded. `targets` are `client.deployment` options.
   */
  async urlForms({ key, model, targets }) {
    const out = [];
    for (const options of targets) {
      const dep = client(key).deployment(model, options);
      const { value, calls } = await recordingFetch(async () => {
        const predicted = await dep.predict({ prompt: "hello" });
        const health = await (await dep.sync("health")).json();
        const completion = await dep.openai().chat.completions.create({ model: "served-model", messages: [{ role: "user", content: "hi" }] });
        const id = await dep.asyncPredict({ prompt: "later" });
        const queue = await dep.queueStatus();
        const status = await dep.asyncRequest(id).status();
        const cancel = await dep.asyncRequest(id).cancel();
        return { predicted, health, object: completion.object, id, queue, status: status.status, statusId: status.request_id, cancel };
      });
      out.push({
        options,
        predictURL: dep.predictURL,
        openaiBaseURL: dep.openaiBaseURL,
        syncURL: dep.syncURL("/v1/models?limit=2"),
        ...value,
        calls,
      });
    }
    return out;
  },

  /**
   * Baseten's own hosts (model, regional, chain): no base URL, the page's fetch
   * goes to *.api.baseten.co, which the test intercepts (nothing leaves the browser).
   */
  async basetenHosts({ key, cases }) {
    const c = new Client({ apiKey: key });
    const out = [];
    for (const [id, options] of cases) {
      const dep = c.deployment(id, options);
      const { value, calls } = await recordingFetch(async () => {
        const predicted = await dep.predict({});
        await dep.sync("items/123");
        const requestId = await dep.asyncPredict({ a: 1 });
        await dep.queueStatus();
        await dep.wake();
        await dep.openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
        return { predicted, requestId };
      });
      out.push({ id, options, predictURL: dep.predictURL, openaiBaseURL: dep.openaiBaseURL, syncURL: dep.syncURL("/v1/models?limit=2"), ...value, calls });
    }
    const { calls } = await recordingFetch(async () => {
      await c.asyncRequest("r1", { modelId: "abcd1234" }).status();
      await c.asyncRequest("r1", { modelId: "ch42ain", chain: true }).cancel();
    });
    return { targets: out, asyncCalls: calls };
  },

  /** Invalid ids, names, routes and base URLs: each case by label, with what it threw. */
  async invalidAll({ key, model }) {
    const c = client(key);
    /** @type {Record<string, () => unknown>} */
    const cases = {
      "model_id with a dot": () => c.deployment("abcd.evil.com"),
      "model_id with ..": () => c.deployment("abcd/../x"),
      "empty model_id": () => c.deployment(""),
      "model_id with @": () => c.deployment("abc@evil"),
      "model_id too long": () => c.deployment("x".repeat(64)),
      "chain_id with a dot": () => c.deployment("ch.ain", { chain: true }),
      "upper-case environment": () => c.deployment("abc", { environment: "Prod" }),
      "environment with a leading hyphen": () => c.deployment("abc", { environment: "-staging" }),
      "environment with a dot": () => c.deployment("abc", { environment: "a.b" }),
      "environment with ..": () => c.deployment("abc", { environment: "x/../../y" }),
      "empty environment": () => c.deployment("abc", { environment: "" }),
      "environment and development": () => c.deployment("abc", { environment: "staging", development: true }),
      "deployment_id with a slash": () => c.deployment("abc", { deploymentId: "d/1" }),
      "region with an underscore": () => c.deployment("abc", { region: "eu_prod" }),
      "region and environment": () => c.deployment("abc", { region: "eu", environment: "us" }),
      "regional development": () => c.deployment("abc", { development: true, regional: true }),
      "base URL with userinfo": () => c.deployment("abc", { baseURL: "http://evil.com@127.0.0.1/{model_id}" }),
      "ftp base URL": () => c.deployment("abc", { baseURL: "ftp://x/{model_id}" }),
      "base URL without {model_id}": () => c.deployment("abc", { baseURL: "http://127.0.0.1/{env}" }),
      "route ../": () => c.deployment("abc").syncURL("../admin"),
      "route %2e%2e": () => c.deployment("abc").syncURL("a/%2e%2e/b"),
      "route %2F": () => c.deployment("abc").syncURL("a/%2F/b"),
      "route with a fragment": () => c.deployment("abc").syncURL("a#frag"),
      "route with a backslash": () => c.deployment("abc").syncURL("a\\b"),
      "route with a space": () => c.deployment("abc").syncURL("a b"),
      "sync to //evil.com": () => c.deployment(model).sync("//evil.com/x"),
      "request_id ../": () => c.deployment(model).asyncRequest("../x"),
      "empty request_id": () => c.deployment(model).asyncRequest(""),
      "asyncRequest model_id with a dot": () => c.asyncRequest("r1", { modelId: "a.b" }),
      "asyncRequest without modelId": () => c.asyncRequest("r1", /** @type {any} */ ({})),
      "predict of undefined": () => c.deployment(model).predict(undefined),
    };
    const { value, calls } = await recordingFetch(async () => {
      /** @type {Record<string, any>} */
      const results = {};
      for (const [label, make] of Object.entries(cases)) results[label] = await outcome(make);
      return results;
    });
    return { results: value, calls };
  },

  /** Streamed predict: the raw chunks, as they arrived in the page. */
  async predictChunks({ key, model, input, fault }) {
    const stream = await client(key).deployment(model).predict(input, { stream: true, headers: fault ? { "x-emulator-fault": fault } : {} });
    const chunks = [];
    let allUint8 = true;
    for await (const chunk of stream) {
      allUint8 &&= chunk instanceof Uint8Array;
      chunks.push(Array.from(chunk));
    }
    const again = await outcome(async () => {
      for await (const _ of stream) void _;
    });
    return {
      isPredictStream: stream instanceof PredictStream,
      contentType: stream.response.headers.get("content-type"),
      requestId: stream.requestId,
      chunks,
      allUint8,
      again,
    };
  },

  /** Plain predict, then text() and textChunks() of streamed predicts, and a byte-per-byte multibyte body. */
  async predictText({ key, model, input, multibyte }) {
    const dep = client(key).deployment(model);
    const plain = await dep.predict({ prompt: input.prompt });
    const text = await (await dep.predict(input, { stream: true })).text();
    const pieces = [];
    for await (const piece of (await dep.predict(input, { stream: true, headers: { "x-emulator-fault": "bytewise" } })).textChunks()) pieces.push(piece);
    // Every byte its own chunk: multibyte characters must come out whole.
    const bytes = new TextEncoder().encode(multibyte);
    const byteByByte = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const b of bytes) controller.enqueue(new Uint8Array([b]));
            controller.close();
          },
        }),
        { status: 200 },
      );
    const fake = client(key, { fetch: byteByByte }).deployment(model);
    const splitPieces = [];
    for await (const piece of (await fake.predict({ stream: true }, { stream: true })).textChunks()) splitPieces.push(piece);
    return { plain, requestId: plain._request_id, text, pieces, splitPieces };
  },

  /** deployment.sync: methods, query, JSON / raw / bytes bodies, headers, stream, errors. */
  async syncRoutes({ key, model }) {
    const dep = client(key).deployment(model, { environment: "staging" });
    const { value, calls } = await recordingFetch(async () => {
      const health = await dep.sync("health");
      const get = await (await dep.sync("/items/123?full=1&tag=a%20b")).json();
      const put = await (await dep.sync("items/7", { method: "put", body: { name: "x", n: [1, 2] }, headers: { "x-trace": "t1" } })).json();
      const post = await (await dep.sync("items", { body: [1] })).json();
      const del = await (await dep.sync("items/7", { method: "DELETE" })).json();
      const raw = await (await dep.sync("echo", { method: "POST", body: '{"raw":true}', headers: { "content-type": "application/json" } })).json();
      const bytes = await (await dep.sync("echo", { body: new TextEncoder().encode('{"bytes":1}'), headers: { "content-type": "application/json" } })).json();
      const streamed = await dep.sync("predict", { body: { prompt: "stream", stream: true }, stream: true });
      const streamedType = streamed.headers.get("content-type");
      const streamedText = await streamed.text();
      const readable = await outcome(() => dep.sync("echo", { body: new ReadableStream() }));
      const missing = await outcome(() => client(key).deployment(model, { environment: "canary" }).sync("health"));
      return {
        health: { isResponse: health instanceof Response, status: health.status, body: await health.json() },
        get,
        put,
        post,
        del,
        raw,
        bytes,
        streamedType,
        streamedText,
        readable,
        missing,
      };
    });
    return { ...value, calls };
  },

  /** deployment.openai(): a Client at {target}/sync/v1, plain, streamed and the stream helper. */
  async openaiClient({ key, model, messages }) {
    const dep = client(key).deployment(model);
    const openai = dep.openai();
    const completion = await openai.chat.completions.create({ model: "served-model", messages });
    const stream = await openai.chat.completions.create({ model: "served-model", messages, stream: true });
    let streamed = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      streamed += chunk.choices[0]?.delta?.content ?? "";
    }
    const runner = await openai.chat.completions.stream({ model: "served-model", messages }).finalContent();
    const wrongModel = await outcome(() => openai.chat.completions.create({ model: "other", messages }));
    const dev = client(key, { authScheme: "Bearer" }).deployment(model, { development: true }).openai({ maxRetries: 1 });
    await dev.chat.completions.create({ model: "served-model", messages });
    return {
      isClient: openai instanceof Client,
      baseURL: openai.baseURL,
      devBaseURL: dev.baseURL,
      devMaxRetries: dev.maxRetries,
      object: completion.object,
      content: completion.choices[0].message.content,
      requestId: completion._request_id,
      streamed,
      chunks,
      runner,
      wrongModel,
    };
  },

  /**
   * submit → status → queueStatus → waitFor (the Node side resumes the queue
   * while it polls) → the delivered webhook verified in the page.
   */
  async asyncLifeCycle({ key, model, hook, secret, input }) {
    const dep = client(key).deployment(model);
    const id = await dep.asyncPredict(input, { webhookEndpoint: hook, priority: 1, maxTimeInQueueSeconds: 600, allowHttpLoopbackWebhook: true });
    const queued = await dep.asyncRequest(id).status();
    const queue = await dep.queueStatus();
    /** @type {string[]} */
    const seen = [];
    const final = await dep.waitFor(id, { pollInterval: 5, maxPollInterval: 20, onStatus: (s) => seen.push(s.status) });
    const delivered = await verifyDelivered(await deliveredWebhook(0), secret);
    // The same delivery through a header string and under several held secrets.
    const viaString = verifyWebhook(secret, delivered.text, delivered.header).request_id;
    const viaList = verifyWebhook(["whsec_unrelated_1", secret], delivered.text, delivered.header).request_id;
    const tamperedText = delivered.text.replace('"async_request_completed"', '"async_request_completec"');
    const tampered = await outcome(() => verifyWebhook(secret, tamperedText, delivered.header));
    const wrongSecret = await outcome(() => verifyWebhook("whsec_wrong_secret", delivered.text, delivered.header));
    return { id, queued, queue, seen, final, delivered, viaString, viaList, tampered, wrongSecret };
  },

  /** The emulator signs with several secrets while rotating; either verifies in the page. */
  async asyncRotation({ key, model, hook, secrets }) {
    const dep = client(key).deployment(model);
    const id = await dep.asyncPredict({ prompt: "rotate" }, { webhookEndpoint: hook, allowHttpLoopbackWebhook: true });
    const final = await dep.waitFor(id, { pollInterval: 5 });
    const res = await deliveredWebhook(0);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = res.headers.get("x-baseten-signature");
    const references = await Promise.all(secrets.map((/** @type {string} */ s) => webCryptoSign(s, bytes)));
    const accepted = secrets.map((/** @type {string} */ s) => verifyWebhook(s, bytes, header).request_id);
    const held = verifyWebhook(["whsec_unrelated", secrets.at(-1)], bytes, res.headers).request_id;
    const neither = await outcome(() => verifyWebhook(["whsec_a", "whsec_b"], bytes, header));
    return { id, final, header, references, accepted, held, neither };
  },

  async asyncCancel({ key, model, phase }) {
    const dep = client(key).deployment(model, { environment: "staging" });
    if (phase === "queued") {
      const id = await dep.asyncPredict({ prompt: "never runs" });
      const result = await client(key).asyncRequest(id, { modelId: model }).cancel();
      const final = await dep.waitFor(id, { pollInterval: 1 });
      return { id, result: { ...result }, final };
    }
    const id = await dep.asyncPredict({ prompt: "runs" });
    const final = await dep.waitFor(id, { pollInterval: 2 });
    const late = await dep.asyncRequest(id).cancel();
    return { id, final, late: { ...late } };
  },

  async asyncExpired({ key, model, hook, secret }) {
    const dep = client(key).deployment(model);
    const id = await dep.asyncPredict({ prompt: "too late" }, { maxTimeInQueueSeconds: 10, webhookEndpoint: hook, allowHttpLoopbackWebhook: true });
    /** @type {string[]} */
    const seen = [];
    const final = await dep.waitFor(id, { pollInterval: 5, onStatus: (s) => seen.push(s.status) });
    const delivered = await verifyDelivered(await deliveredWebhook(0), secret);
    return { id, seen, final, delivered };
  },

  /** The async bounds, each refused before any request; then the largest body that fits, and one byte more. */
  async asyncBounds({ key, model, hook }) {
    const dep = client(key).deployment(model);
    const envelope = '{"model_input":{"blob":""}}'.length;
    /** @type {[string, any, any][]} */
    const cases = [
      ["priority 3", { a: 1 }, { priority: 3 }],
      ["priority -1", { a: 1 }, { priority: -1 }],
      ["priority 1.5", { a: 1 }, { priority: 1.5 }],
      ['priority "1"', { a: 1 }, { priority: "1" }],
      ["queue 9 s", { a: 1 }, { maxTimeInQueueSeconds: 9 }],
      ["queue 259201 s", { a: 1 }, { maxTimeInQueueSeconds: 259201 }],
      ["queue 10.5 s", { a: 1 }, { maxTimeInQueueSeconds: 10.5 }],
      ["maxAttempts 0", { a: 1 }, { inferenceRetryConfig: { maxAttempts: 0 } }],
      ["maxAttempts 11", { a: 1 }, { inferenceRetryConfig: { maxAttempts: 11 } }],
      ["initialDelayMs 10001", { a: 1 }, { inferenceRetryConfig: { initialDelayMs: 10001 } }],
      ["maxDelayMs 60001", { a: 1 }, { inferenceRetryConfig: { maxDelayMs: 60001 } }],
      ["http webhook", { a: 1 }, { webhookEndpoint: "http://example.com/hook" }],
      ["http loopback webhook without the flag", { a: 1 }, { webhookEndpoint: hook }],
      ["http non-loopback webhook with the flag", { a: 1 }, { webhookEndpoint: "http://example.com/hook", allowHttpLoopbackWebhook: true }],
      ["webhook with a space", { a: 1 }, { webhookEndpoint: "https://exa mple.com" }],
      ["ftp webhook", { a: 1 }, { webhookEndpoint: "ftp://x" }],
      ["array input", [1, 2], {}],
      ["string input", "text", {}],
      ["undefined input", undefined, {}],
      ["one byte over 256 KiB", { blob: "x".repeat(256 * 1024 - envelope + 1) }, {}],
      ["far over 256 KiB", { blob: "x".repeat(256 * 1024) }, {}],
    ];
    const { value: refused, calls: refusedCalls } = await recordingFetch(async () => {
      /** @type {Record<string, any>} */
      const results = {};
      for (const [label, input, options] of cases) results[label] = await outcome(() => dep.asyncPredict(input, options));
      return results;
    });
    const { value: fits, calls: fitsCalls } = await recordingFetch(() => outcome(() => dep.asyncPredict({ blob: "x".repeat(256 * 1024 - envelope) })));
    return { refused, refusedCalls: refusedCalls.length, fits, fitsCalls: fitsCalls.length, envelope };
  },

  /** waitFor with an AbortSignal: aborted after `polls` statuses; then an already-aborted signal; then a timeout signal. */
  async waitForAbort({ key, model, polls }) {
    const dep = client(key).deployment(model);
    const id = await dep.asyncPredict({ prompt: "waits" });
    const controller = new AbortController();
    /** @type {string[]} */
    const seen = [];
    // Recorded until 150 ms after the rejection: long enough for several more polls, had the abort not stopped them.
    const { value: aborted, calls: abortedCalls } = await recordingFetch(async () => {
      const result = await outcome(() =>
        dep.waitFor(id, {
          pollInterval: 5,
          maxPollInterval: 20,
          signal: controller.signal,
          onStatus: (s) => {
            seen.push(s.status);
            if (seen.length === polls) controller.abort();
          },
        }),
      );
      await sleep(150);
      return result;
    });
    const { value: early, calls: earlyCalls } = await recordingFetch(() => outcome(() => dep.waitFor(id, { pollInterval: 5, signal: AbortSignal.abort() })));
    /** @type {string[]} */
    const timedSeen = [];
    const { value: timed, calls: timedCalls } = await recordingFetch(async () => {
      const result = await outcome(() => dep.waitFor(id, { pollInterval: 5, maxPollInterval: 10, signal: AbortSignal.timeout(100), onStatus: (s) => timedSeen.push(s.status) }));
      await sleep(100);
      return result;
    });
    const badInterval = await outcome(() => dep.waitFor(id, { pollInterval: -1 }));
    return {
      id,
      seen,
      aborted,
      abortedCalls: abortedCalls.length,
      early,
      earlyCalls: earlyCalls.length,
      timed,
      timedPolls: timedSeen.length,
      timedCalls: timedCalls.length,
      badInterval,
    };
  },

  /**
   * verifyWebhook cases built on the Node side (signatures by node:crypto).
   * Each case: secret (or list), body (string, or hex bytes), the header, and how to pass them.
   */
  async webhookCases({ cases, reference }) {
    const out = [];
    for (const c of cases) {
      const text = c.bodyHex ? null : c.body;
      const raw = c.bodyHex ? new Uint8Array(c.bodyHex.match(/../g).map((/** @type {string} */ h) => parseInt(h, 16))) : new TextEncoder().encode(text);
      /** @type {any} */
      let body;
      switch (c.bodyAs ?? "string") {
        case "string": body = text; break;
        case "bytes": body = raw; break;
        case "arraybuffer": body = raw.slice().buffer; break;
        case "dataview": body = new DataView(raw.slice().buffer); break;
        case "object": body = { body: 1 }; break;
        default: throw new Error(`bodyAs ${c.bodyAs}`);
      }
      /** @type {any} */
      let header;
      switch (c.headerAs ?? "string") {
        case "string": header = c.header; break;
        case "undefined": header = undefined; break;
        case "null": header = null; break;
        case "Headers": header = new Headers(c.header === null ? {} : { "X-BASETEN-SIGNATURE": c.header }); break;
        case "record": header = c.header === null ? {} : { "X-Baseten-Signature": c.header }; break;
        default: throw new Error(`headerAs ${c.headerAs}`);
      }
      /** @type {any} */
      let secret = c.secret;
      if (c.secretAs === "bytes") secret = new TextEncoder().encode(c.secret);
      if (c.secretAs === "number") secret = 42;
      const result = await outcome(() => verifyWebhook(secret, body, header));
      out.push({ label: c.label, ...result, value: result.ok ? { request_id: result.value?.request_id, data: result.value?.data } : undefined });
    }
    return {
      out,
      webCrypto: await webCryptoSign(reference.secret, reference.body),
      signed: signWebhook(reference.secret, reference.body),
      signedBytes: signWebhook(new TextEncoder().encode(reference.secret), new TextEncoder().encode(reference.body)),
    };
  },
};

window.scenarios = scenarios;
document.getElementById("status").textContent = "ready";
