// Dedicated deployment routes, host-independent: the model id comes from a `/model/{id}` path
// prefix, else the `x-emulator-model-id` header, else "emulated". Paths after that are Baseten's:
//   /environments/{env}/predict, /production/predict, /development/predict,
//   /deployment/{id}/predict, /predict (regional host), each also with /async_predict,
//   /async_queue_status and /sync/{route...}; plus /async_request/{request_id} (GET, DELETE).
import { validation, generic, flat, HttpError } from './errors.js';
import { rng, seedFrom, proseTokens } from './generate.js';
import { servedModel } from './catalog.js';
import { handleChat } from './chat.js';
import { isLoopbackUrl } from './async.js';

export const ASYNC_PAYLOAD_LIMIT = 256 * 1024;

const TARGET = /^(?:\/model\/([^/]+))?(?:\/environments\/([^/]+)|\/(production|development)|\/deployment\/([^/]+))?(\/predict|\/async_predict|\/async_queue_status|\/wake|\/sync(?:\/.*)?)$/;
const ASYNC_REQUEST = /^(?:\/model\/([^/]+))?\/async_request\/([^/]+)$/;

/**
 * Does this path belong to a dedicated deployment?
 * @param {string} path
 */
export function isDeploymentPath(path) {
  return TARGET.test(path) || ASYNC_REQUEST.test(path);
}

/** Deployment id of an environment: stable and readable (`dep_production`). @param {string} env */
const deploymentFor = (env) => `dep_${env}`;

/**
 * @param {import('./context.js').Ctx} ctx
 * @returns {{ modelId: string, env: string | null, deploymentId: string, action: string }}
 */
function target(ctx) {
  const m = TARGET.exec(ctx.url.pathname);
  if (!m) throw generic(404, 'Not Found');
  const modelId = m[1] ?? String(ctx.req.headers['x-emulator-model-id'] ?? 'emulated');
  const env = m[2] ?? m[3] ?? (m[4] ? null : 'production');
  if (env && !ctx.state.options.environments.includes(env)) {
    throw flat(404, `Environment "${env}" not found for model ${modelId}`);
  }
  return { modelId, env, deploymentId: m[4] ?? deploymentFor(/** @type {string} */ (env)), action: m[5] };
}

/**
 * What the emulated model returns for an input: generated text about the prompt.
 * @param {any} input
 */
export function predictOutput(input) {
  const prompt = typeof input?.prompt === 'string' ? input.prompt
    : Array.isArray(input?.messages) ? String(input.messages.at(-1)?.content ?? '')
    : JSON.stringify(input ?? null);
  const r = rng(seedFrom('predict', JSON.stringify(input ?? null)));
  return { output: proseTokens(r, prompt, { sentences: [1, 2] }).join('') };
}

/** @param {import('./context.js').Ctx} ctx @param {{ modelId: string, deploymentId: string, env: string | null }} t */
function headersFor(ctx, t) {
  return { 'X-Baseten-Model-Id': t.modelId, 'X-Baseten-Model-Version-Id': t.deploymentId };
}

/** @param {import('./context.js').Ctx} ctx */
export async function handleDeployment(ctx) {
  const path = ctx.url.pathname;
  const method = ctx.req.method ?? 'GET';
  const ar = ASYNC_REQUEST.exec(path);
  if (ar) return asyncRequest(ctx, ar[2]);

  const t = target(ctx);
  const hdrs = headersFor(ctx, t);
  for (const [k, v] of Object.entries(hdrs)) ctx.res.setHeader(k, v);

  if (t.action === '/predict') {
    if (method !== 'POST') throw generic(405, 'Method Not Allowed');
    return predict(ctx, t);
  }
  if (t.action === '/async_predict') {
    if (method !== 'POST') throw generic(405, 'Method Not Allowed');
    return asyncPredict(ctx, t);
  }
  if (t.action === '/wake') {
    // Baseten answers "Wake request accepted" (202) and wakes a scaled-to-zero deployment in
    // the background; the emulator's deployments are always up, so there is nothing to wake.
    if (method !== 'POST') throw generic(405, 'Method Not Allowed');
    ctx.head(202, {});
    ctx.res.end();
    return;
  }
  if (t.action === '/async_queue_status') {
    return ctx.reply(200, ctx.state.asyncQueue.queueStatus(t.modelId, t.deploymentId));
  }
  return sync(ctx, t, t.action.slice('/sync'.length) || '/');
}

/**
 * Sync predict; `"stream": true` in the input answers raw chunked bytes, not SSE.
 * @param {import('./context.js').Ctx} ctx @param {{ modelId: string, deploymentId: string, env: string | null }} t
 */
async function predict(ctx, t) {
  const input = ctx.json();
  ctx.state.spend(ctx, 0);
  if (input && input.stream === true) {
    const r = rng(seedFrom('predict-stream', JSON.stringify(input)));
    const tokens = proseTokens(r, typeof input.prompt === 'string' ? input.prompt : JSON.stringify(input), { sentences: [2, 3] });
    return ctx.bytes(tokens);
  }
  return ctx.reply(200, { model_id: t.modelId, deployment_id: t.deploymentId, environment: t.env, ...predictOutput(input) });
}

/**
 * @param {import('./context.js').Ctx} ctx @param {{ modelId: string, deploymentId: string }} t
 */
async function asyncPredict(ctx, t) {
  if (ctx.raw.length > ASYNC_PAYLOAD_LIMIT) {
    throw flat(413, `Async request payload is ${ctx.raw.length} bytes; the limit is ${ASYNC_PAYLOAD_LIMIT} bytes (256 KiB)`);
  }
  const b = ctx.json();
  if (b == null || typeof b !== 'object' || Array.isArray(b)) throw validation('body must be a JSON object');
  if (b.model_input == null || typeof b.model_input !== 'object') throw validation('model_input is required and must be an object');
  const priority = b.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 2) throw validation('priority must be an integer between 0 and 2');
  const maxQ = b.max_time_in_queue_seconds ?? 600;
  if (!Number.isInteger(maxQ) || maxQ < 10 || maxQ > 259200) {
    throw validation('max_time_in_queue_seconds must be an integer between 10 and 259200');
  }
  if (b.webhook_endpoint != null) {
    if (typeof b.webhook_endpoint !== 'string' || !isLoopbackUrl(b.webhook_endpoint)) {
      throw validation('webhook_endpoint must be an http(s) URL on 127.0.0.1, localhost or [::1] (emulator restriction)');
    }
  }
  const rc = b.inference_retry_config;
  if (rc != null) {
    const ok = typeof rc === 'object'
      && (rc.max_attempts == null || (Number.isInteger(rc.max_attempts) && rc.max_attempts >= 1 && rc.max_attempts <= 10))
      && (rc.initial_delay_ms == null || (Number.isInteger(rc.initial_delay_ms) && rc.initial_delay_ms >= 0))
      && (rc.max_delay_ms == null || (Number.isInteger(rc.max_delay_ms) && rc.max_delay_ms >= 0));
    if (!ok) throw validation('inference_retry_config: max_attempts 1..10, initial_delay_ms and max_delay_ms >= 0');
  }
  ctx.state.spend(ctx, 0);
  const rec = ctx.state.asyncQueue.submit({
    model_id: t.modelId,
    deployment_id: t.deploymentId,
    input: b.model_input,
    webhook: b.webhook_endpoint ?? null,
    priority,
    maxQueueSeconds: maxQ,
  });
  return ctx.reply(201, { request_id: rec.request_id });
}

/** @param {import('./context.js').Ctx} ctx @param {string} id */
async function asyncRequest(ctx, id) {
  const q = ctx.state.asyncQueue;
  const rec = q.get(id);
  if (!rec) throw flat(404, `Async request ${id} not found`);
  if (ctx.req.method === 'DELETE') return ctx.reply(200, q.cancel(id));
  if (ctx.req.method !== 'GET') throw generic(405, 'Method Not Allowed');
  return ctx.reply(200, q.view(rec));
}

/**
 * /sync/{route}: a custom server behind the deployment. It serves /health, an OpenAI-compatible
 * /v1 (chat completions and models), /predict, and echoes any other route.
 * @param {import('./context.js').Ctx} ctx @param {{ modelId: string, deploymentId: string, env: string | null }} t
 * @param {string} route
 */
async function sync(ctx, t, route) {
  const method = ctx.req.method ?? 'GET';
  const served = ctx.state.options.servedModelName;
  if (route === '/health') return ctx.reply(200, { status: 'ok' });
  if (route === '/v1/models' && method === 'GET') {
    return ctx.reply(200, { object: 'list', data: [{ id: served, object: 'model', owned_by: 'baseten', max_model_len: 32768 }] });
  }
  if (route === '/v1/chat/completions' && method === 'POST') {
    const body = ctx.json();
    const name = typeof body?.model === 'string' ? body.model : '';
    // vLLM answers 404 when `model` is not its --served-model-name.
    if (name !== served) {
      throw new HttpError(404, { object: 'error', message: `The model \`${name}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 });
    }
    return handleChat(ctx, { model: servedModel(served) });
  }
  if (route === '/predict' && method === 'POST') return predict(ctx, t);
  const body = ctx.raw.length ? ctx.json() : null;
  return ctx.reply(200, { route, method, query: Object.fromEntries(ctx.url.searchParams), body });
}
