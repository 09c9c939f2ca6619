// @ts-check
// Async predict with a signed webhook: a receiver that verifies
// X-BASETEN-SIGNATURE before trusting the body, a request queued with a
// priority, and a poll until its status is final.
//
//   BASETEN_API_KEY=... MODEL_ID=abcd1234 BASETEN_WEBHOOK_SECRET=whsec_... \
//   WEBHOOK_URL=https://your.public.host/hook node examples/deploy/async-webhook.mjs
// (WEBHOOK_URL must reach the receiver this script starts on 127.0.0.1:PORT.)
import process from "node:process";
import { createServer } from "node:http";
import { Client, verifyWebhook, WebhookVerificationError } from "modelwire";

const secret = process.env.BASETEN_WEBHOOK_SECRET ?? "";
/** @type {(payload: import("modelwire").AsyncWebhookPayload) => void} */
let delivered = () => {};
const webhook = new Promise((resolve) => (delivered = resolve));

// 1. The receiver: verify the raw bytes exactly as received, then parse.
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const rawBody = new Uint8Array(await new Blob(chunks).arrayBuffer());
  try {
    const payload = verifyWebhook(secret, rawBody, req.headers);
    res.writeHead(200).end();
    delivered(payload);
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    console.log("refused webhook:", err.code);
    res.writeHead(401).end();
  }
});
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => resolve(undefined)));
const address = /** @type {{ port: number }} */ (server.address());
const webhookEndpoint = process.env.WEBHOOK_URL ?? `http://127.0.0.1:${address.port}/hook`;

// 2. Queue the request.
const client = new Client({ apiKey: process.env.BASETEN_API_KEY, deploymentBaseURL: process.env.MODELWIRE_DEPLOYMENT_BASE_URL });
const model = client.deployment(process.env.MODEL_ID ?? "abcd1234");
const requestId = await model.asyncPredict(
  { prompt: "Summarise the history of the printing press" },
  {
    webhookEndpoint,
    priority: 1, // 0 runs first
    maxTimeInQueueSeconds: 600,
    inferenceRetryConfig: { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 5000 },
    // Baseten requires https; only a local test webhook may be plain http on loopback.
    allowHttpLoopbackWebhook: webhookEndpoint.startsWith("http://127.0.0.1"),
  },
);
console.log("queued:", requestId);
console.log("queue:", JSON.stringify(await model.queueStatus()));

// 3. Poll until the status is final (1 s, then 1.5 times longer each time, at most 10 s).
const final = await model.waitFor(requestId, {
  pollInterval: Number(process.env.POLL_MS ?? 1000),
  signal: AbortSignal.timeout(15 * 60_000),
  onStatus: (s) => console.log("status:", s.status),
});
console.log("final:", final.status, JSON.stringify(final.errors));

// 4. The output arrives at the webhook, not in the status.
const waitMs = Number(process.env.WEBHOOK_WAIT_MS ?? 60_000);
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
const payload = await Promise.race([webhook, new Promise((resolve) => (timer = setTimeout(resolve, waitMs, null)))]);
clearTimeout(timer);
server.close();
if (payload) {
  console.log("webhook:", payload.request_id === requestId ? "verified" : "other request", JSON.stringify(payload.data));
} else {
  console.log("no verified webhook within", waitMs, "ms");
  process.exitCode = 1;
}
