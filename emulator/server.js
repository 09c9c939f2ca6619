// Routing: the order of checks is body size → auth → injected faults → rate limit → route.
// Every response carries X-Baseten-Request-Id. /__emulator/* is the control surface (no auth).
import { randomBytes } from 'node:crypto';
import { Ctx, readBody } from './context.js';
import { HttpError, generic, coded, forProtocol, anthropic, validation } from './errors.js';
import { authenticate, redactHeaders } from './auth.js';
import { parseFaults, planFaults } from './faults.js';
import { RequestLog } from './log.js';
import { publicModel } from './catalog.js';
import { handleChat } from './chat.js';
import { handleMessages } from './messages.js';
import { handleDeployment, isDeploymentPath } from './deployments.js';

/**
 * @typedef {'openai' | 'anthropic' | 'predict' | 'models'} Protocol
 */

/** @param {string} path @returns {Protocol | null} */
function protocolOf(path) {
  if (path === '/v1/chat/completions') return 'openai';
  if (path === '/v1/messages') return 'anthropic';
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return 'models';
  if (isDeploymentPath(path)) return 'predict';
  return null;
}

/**
 * The request handler of one emulator.
 * @param {import('./state.js').State} state
 */
export function createHandler(state) {
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  return async (req, res) => {
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('X-Baseten-Request-Id', requestId);
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    try {
      if (url.pathname.startsWith('/__emulator/')) return await admin(state, req, res, url);
      const { body, tooLarge } = await readBody(req, state.options.maxBodyBytes);
      const entry = state.log.add({
        time: new Date().toISOString(),
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        headers: redactHeaders(req.headers),
        body: tooLarge != null ? { truncated: true, bytes: tooLarge } : RequestLog.body(body),
        status: null,
        requestId,
        fault: req.headers['x-emulator-fault'] ? String(req.headers['x-emulator-fault']) : null,
      });
      const ctx = new Ctx({ req, res, url, raw: body, requestId, entry, state });
      const protocol = protocolOf(url.pathname);
      try {
        if (tooLarge != null) {
          res.setHeader('connection', 'close');
          const msg = `Request body is ${tooLarge} bytes; the limit is ${state.options.maxBodyBytes} bytes`;
          throw protocol === 'anthropic' ? anthropic(413, msg) : generic(413, msg);
        }
        if (!protocol) throw generic(404, `No route for ${req.method} ${url.pathname}`);
        await route(ctx, protocol);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        await ctx.fail(e);
      }
    } catch (e) {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { code: 500, message: `emulator error: ${/** @type {Error} */ (e).message}`, type: 'Internal Server Error' } }));
      } else {
        res.destroy();
      }
    }
  };
}

/**
 * @param {Ctx} ctx @param {Protocol} protocol
 */
async function route(ctx, protocol) {
  const { state, req } = ctx;
  ctx.caller = authenticate(req.headers, state.options.keys);
  const faultText = req.headers['x-emulator-fault'] ? String(req.headers['x-emulator-fault']) : ctx.caller.fault;
  ctx.entry.fault = faultText ?? null;
  try {
    ctx.faults = planFaults(parseFaults(faultText), `${req.method} ${ctx.url.pathname}`);
  } catch (e) {
    throw validation(/** @type {Error} */ (e).message);
  }
  const errProto = protocol === 'anthropic' ? 'anthropic' : 'openai';

  const sf = ctx.faults.status;
  if (sf && state.counters.shouldFail(ctx.caller.fingerprint, sf)) {
    /** @type {Record<string, string>} */
    const h = {};
    if (sf.retryAfter != null) h['retry-after'] = sf.retryAfter;
    if (sf.retryAfterMs != null) h['retry-after-ms'] = sf.retryAfterMs;
    const msg = sf.code === 429 ? 'Rate limit exceeded (injected fault)' : `Injected fault: HTTP ${sf.code}`;
    throw forProtocol(errProto, sf.code, msg, h);
  }
  if (ctx.faults.notReady) {
    throw coded(ctx.faults.notReady.status, 'Model is not ready', 'model_not_ready', 'The model is still loading; retry in a few seconds (injected fault)');
  }

  if (protocol === 'models') return models(ctx);

  const cfg = ctx.caller.config;
  if (cfg.status === 'rate-limited') throw forProtocol(errProto, 429, 'Rate limit exceeded for this api key');
  const refusal = state.limiter.admit(ctx.caller.fingerprint, { rpm: cfg.rpm ?? state.options.rpm, tpm: cfg.tpm ?? state.options.tpm });
  if (refusal) throw forProtocol(errProto, 429, refusal);

  if (protocol === 'predict') return handleDeployment(ctx);
  if (req.method !== 'POST') throw generic(405, 'Method Not Allowed');
  const body = ctx.json();
  const id = body?.model;
  if (typeof id !== 'string' || !id) {
    throw protocol === 'anthropic' ? anthropic(400, 'model: Field required') : validation('model is required');
  }
  const model = state.model(id);
  if (!model) {
    const msg = `Model ${id} not found. GET /v1/models lists the models you can call.`;
    throw protocol === 'anthropic' ? anthropic(404, msg) : coded(404, 'Model not found', 'model_not_found', msg);
  }
  ctx.res.setHeader('X-Baseten-Model-Id', model.id);
  if (protocol === 'openai') return handleChat(ctx, { model });
  return handleMessages(ctx, { model });
}

/** GET /v1/models and /v1/models/{slug}. @param {Ctx} ctx */
async function models(ctx) {
  const { pathname } = ctx.url;
  if (pathname === '/v1/models') {
    return ctx.reply(200, { object: 'list', data: ctx.state.catalog.map(publicModel) });
  }
  const id = decodeURIComponent(pathname.slice('/v1/models/'.length));
  const m = ctx.state.model(id);
  if (!m) throw coded(404, 'Model not found', 'model_not_found', `Model ${id} not found`);
  return ctx.reply(200, publicModel(m));
}

/**
 * Control surface for tests and demos: GET /__emulator/log, DELETE /__emulator/log,
 * POST /__emulator/reset, POST /__emulator/config, POST /__emulator/async/resume.
 * @param {import('./state.js').State} state
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
 */
async function admin(state, req, res, url) {
  const send = (/** @type {number} */ status, /** @type {any} */ body) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const key = `${req.method} ${url.pathname}`;
  if (key === 'GET /__emulator/log') return send(200, state.log.list());
  if (key === 'DELETE /__emulator/log') { state.log.clear(); return send(200, { ok: true }); }
  if (key === 'POST /__emulator/reset') { state.reset(); return send(200, { ok: true }); }
  if (key === 'GET /__emulator/health') return send(200, { ok: true });
  if (key === 'POST /__emulator/async/resume') { state.configure({ async: { paused: false } }); return send(200, { ok: true }); }
  if (key === 'POST /__emulator/config') {
    const { body } = await readBody(req, 1024 * 1024);
    try {
      state.configure(JSON.parse(body.toString('utf8') || '{}'));
    } catch (e) {
      return send(400, { error: String(/** @type {Error} */ (e).message) });
    }
    return send(200, { ok: true });
  }
  return send(404, { error: `No emulator control route ${key}` });
}
