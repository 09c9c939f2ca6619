// A webhook receiver and a deployment caller in workerd, for
// tests/worker/webhook.test.js: the package's workerd entry, nothing else.
//
//   POST /hook     verifyWebhook(WEBHOOK_SECRET, raw body, headers) → 200 { request_id } or 401 { code }
//   POST /predict  client.deployment(MODEL_ID).predict(body) against DEPLOYMENT_BASE_URL
import { Client, verifyWebhook, WebhookVerificationError } from "../../../js/workerd.js";

/** @typedef {{ WEBHOOK_SECRET: string, BASETEN_API_KEY: string, DEPLOYMENT_BASE_URL: string }} Env */

const json = (/** @type {unknown} */ value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/hook" && request.method === "POST") {
      // The raw bytes, never request.json(): re-serialising changes them.
      const raw = url.searchParams.get("as") === "text" ? await request.text() : new Uint8Array(await request.arrayBuffer());
      try {
        const payload = verifyWebhook(env.WEBHOOK_SECRET.split(","), raw, request.headers);
        return json({ request_id: payload.request_id });
      } catch (err) {
        if (err instanceof WebhookVerificationError) return json({ code: err.code, message: err.message }, 401);
        throw err;
      }
    }
    if (url.pathname === "/predict" && request.method === "POST") {
      const client = new Client({ apiKey: env.BASETEN_API_KEY, deploymentBaseURL: env.DEPLOYMENT_BASE_URL, maxRetries: 0 });
      const deployment = client.deployment(url.searchParams.get("model") ?? "abcd1234");
      const input = await request.json();
      if (url.searchParams.has("stream")) {
        const stream = await deployment.predict(input, { stream: true });
        return new Response(await stream.text());
      }
      return json(await deployment.predict(input));
    }
    return json({ error: "not found" }, 404);
  },
};
