// Deployment scenarios inside the page, against the web build (/js/web.js) and
// the emulator behind scripts/serve.js's /model/ proxy. Each returns plain data
// for page.evaluate; tests/browser/deploy.test.js makes the assertions.
import * as mw from "/js/web.js";

const { Client, ValidationError, WebhookVerificationError, verifyWebhook, signWebhook } = mw;

/** @param {string} key */
const client = (key) => new Client({ apiKey: key, deploymentBaseURL: `${location.origin}/model/{model_id}` });

/** HMAC-SHA256 by WebCrypto: an independent reference for the wasm signature. @param {string} secret @param {string} body */
async function webCryptoSign(secret, body) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return "v1=" + [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
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
};

window.scenarios = scenarios;
document.getElementById("status").textContent = "ready";
