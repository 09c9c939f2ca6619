// Dedicated deployment routes: predict (each path form), streaming predict, sync, async
// life cycle, queue status, cancel, expiry, and the signed webhook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startEmulator, call, bearer } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
const SECRETS = ['whsec_old', 'whsec_new'];
before(async () => {
  emu = await startEmulator({ async: { queueMs: 5, runMs: 5 }, webhookSecrets: SECRETS });
});
after(async () => { await emu.close(); });

const H = bearer('dep-key');
const post = (/** @type {string} */ path, /** @type {any} */ body, /** @type {Record<string,string>} */ h = {}) => call(`${emu.url}${path}`, body, { ...H, ...h });
const get = (/** @type {string} */ path) => call(`${emu.url}${path}`, undefined, H);

/** Poll an async request until its status is one of `want` (or give up after ~5 s). */
async function waitFor(/** @type {string} */ id, /** @type {string[]} */ want) {
  for (let i = 0; i < 500; i++) {
    const r = await get(`/model/m1/async_request/${id}`);
    if (want.includes(r.json.status) && (r.json.webhook_status !== 'PENDING')) return r.json;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`async request ${id} never reached ${want}`);
}

test('predict on every path form, with model id from the /model prefix or the header', async () => {
  /** @type {[string, Record<string,string>, string, string, string | null][]} */
  const cases = [
    ['/model/m1/environments/production/predict', {}, 'm1', 'dep_production', 'production'],
    ['/model/m1/production/predict', {}, 'm1', 'dep_production', 'production'],
    ['/model/m1/development/predict', {}, 'm1', 'dep_development', 'development'],
    ['/model/m1/deployment/w2x9q/predict', {}, 'm1', 'w2x9q', null],
    ['/environments/staging/predict', { 'x-emulator-model-id': 'abc' }, 'abc', 'dep_staging', 'staging'],
    ['/predict', {}, 'emulated', 'dep_production', 'production'],
  ];
  for (const [path, h, model, dep, env] of cases) {
    const r = await post(path, { prompt: 'Hello, world!' }, h);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('x-baseten-model-id'), model);
    assert.equal(r.headers.get('x-baseten-model-version-id'), dep);
    assert.ok(r.headers.get('x-baseten-request-id'));
    assert.equal(r.json.environment, env);
    assert.match(r.json.output, /Hello/);
  }
  assert.equal((await post('/model/m1/environments/nope/predict', { prompt: 'x' })).status, 404);
  assert.equal((await call(`${emu.url}/model/m1/production/predict`, { prompt: 'x' })).status, 401, 'auth required');
});

test('streaming predict answers raw chunked bytes, not SSE', async () => {
  const r = await fetch(`${emu.url}/model/m1/environments/production/predict`, { method: 'POST', headers: H, body: JSON.stringify({ prompt: 'tell me a story', stream: true }) });
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  assert.equal(r.headers.get('transfer-encoding'), 'chunked');
  const text = await r.text();
  assert.match(text, /^About tell me a story:/);
  assert.ok(!text.includes('data:'));
});

test('sync routes: health, echo of any route, OpenAI-compatible /sync/v1', async () => {
  assert.deepEqual((await get('/model/m1/environments/production/sync/health')).json, { status: 'ok' });
  const echo = await post('/model/m1/environments/production/sync/items/123?x=1', { a: 1 });
  assert.deepEqual(echo.json, { route: '/items/123', method: 'POST', query: { x: '1' }, body: { a: 1 } });
  const models = await get('/model/m1/environments/production/sync/v1/models');
  assert.equal(models.json.data[0].id, 'served-model');
  const chat = await post('/model/m1/environments/production/sync/v1/chat/completions', { model: 'served-model', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(chat.json.object, 'chat.completion');
  assert.equal(chat.headers.get('x-baseten-model-id'), 'm1');
});

test('async_predict validation: priority, queue time, webhook host, 256 KiB payload', async () => {
  const base = '/model/m1/environments/production/async_predict';
  assert.equal((await post(base, { model_input: { prompt: 'x' }, priority: 3 })).status, 400);
  assert.equal((await post(base, { model_input: { prompt: 'x' }, max_time_in_queue_seconds: 5 })).status, 400);
  assert.equal((await post(base, { model_input: { prompt: 'x' }, max_time_in_queue_seconds: 259201 })).status, 400);
  assert.equal((await post(base, { model_input: { prompt: 'x' }, webhook_endpoint: 'https://example.com/hook' })).status, 400);
  assert.equal((await post(base, { priority: 1 })).status, 400, 'model_input required');
  const big = await post(base, { model_input: { blob: 'x'.repeat(256 * 1024) } });
  assert.equal(big.status, 413);
  const ok = await post(base, { model_input: { prompt: 'x' }, priority: 2, max_time_in_queue_seconds: 10, inference_retry_config: { max_attempts: 3, initial_delay_ms: 100, max_delay_ms: 1000 } });
  assert.equal(ok.status, 201);
  assert.match(ok.json.request_id, /^[0-9a-f]{32}$/);
  assert.equal((await waitFor(ok.json.request_id, ['SUCCEEDED'])).status, 'SUCCEEDED');
});

test('async life cycle: QUEUED → cancel; resume → IN_PROGRESS → SUCCEEDED; queue status; cancel refused after', async () => {
  emu.configure({ async: { paused: true } });
  const a = (await post('/model/m2/production/async_predict', { model_input: { prompt: 'one' } })).json.request_id;
  const b = (await post('/model/m2/production/async_predict', { model_input: { prompt: 'two' } })).json.request_id;
  await new Promise((r) => setTimeout(r, 20)); // past queueMs: still QUEUED because the queue is paused
  const status = await get('/model/m2/production/async_queue_status');
  assert.deepEqual(status.json, { model_id: 'm2', deployment_id: 'dep_production', num_queued_requests: 2, num_in_progress_requests: 0 });
  const view = (await get(`/model/m2/async_request/${a}`)).json;
  assert.equal(view.status, 'QUEUED');
  assert.deepEqual(Object.keys(view).sort(), ['created_at', 'deployment_id', 'errors', 'model_id', 'request_id', 'status', 'status_at', 'webhook_status']);
  assert.equal(view.webhook_status, 'NO_WEBHOOK_PROVIDED');
  const del = await call(`${emu.url}/model/m2/async_request/${a}`, undefined, H, 'DELETE');
  assert.deepEqual(del.json, { request_id: a, canceled: true, message: 'Request canceled' });
  assert.equal((await get(`/async_request/${a}`)).json.status, 'CANCELED');
  emu.resumeAsync();
  const seen = new Set();
  for (let i = 0; i < 500 && !seen.has('SUCCEEDED'); i++) {
    seen.add((await get(`/async_request/${b}`)).json.status);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(seen.has('SUCCEEDED'));
  const late = await call(`${emu.url}/async_request/${b}`, undefined, H, 'DELETE');
  assert.equal(late.json.canceled, false);
  assert.equal((await get('/async_request/ffffffffffffffffffffffffffffffff')).status, 404);
});

test('async expiry (max_time_in_queue_seconds, scaled by async.secondMs) and model failure', async () => {
  emu.configure({ async: { paused: true, secondMs: 1 } });
  const id = (await post('/model/m3/production/async_predict', { model_input: { prompt: 'late' }, max_time_in_queue_seconds: 10 })).json.request_id;
  const expired = await waitFor(id, ['EXPIRED']);
  assert.equal(expired.errors[0].code, 'ASYNC_REQUEST_EXPIRED');
  emu.configure({ async: { paused: false, secondMs: 1000 } });
  const f = (await post('/model/m3/production/async_predict', { model_input: { fail: true } })).json.request_id;
  const failed = await waitFor(f, ['FAILED']);
  assert.equal(failed.errors[0].code, 'MODEL_PREDICT_ERROR');
});

test('webhook: POSTed to a loopback server, signed v1=HMAC-SHA256 once per secret; failures → WEBHOOK_FAILED', async () => {
  /** @type {{ headers: import('node:http').IncomingHttpHeaders, raw: Buffer }[]} */
  const received = [];
  let fail = false;
  const hook = createServer((req, res) => {
    /** @type {Buffer[]} */ const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(parts) });
      res.statusCode = fail ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', () => r(undefined)));
  const hookUrl = `http://127.0.0.1:${/** @type {any} */ (hook.address()).port}/hook`;
  try {
    const id = (await post('/model/m4/environments/production/async_predict', { model_input: { prompt: 'webhook me' }, webhook_endpoint: hookUrl })).json.request_id;
    const done = await waitFor(id, ['SUCCEEDED']);
    assert.equal(done.webhook_status, 'SUCCEEDED');
    assert.equal(received.length, 1);
    const { headers, raw } = received[0];
    const sigs = String(headers['x-baseten-signature']).split(',').map((s) => s.trim());
    assert.equal(sigs.length, 2, 'one v1= value per secret while rotating');
    for (const secret of SECRETS) {
      const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(raw).digest('hex'));
      assert.ok(sigs.some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected)), `signature for ${secret}`);
    }
    const body = JSON.parse(raw.toString('utf8'));
    assert.equal(body.type, 'async_request_completed');
    assert.equal(body.request_id, id);
    assert.equal(body.model_id, 'm4');
    assert.equal(body.deployment_id, 'dep_production');
    assert.match(body.data.output, /webhook me/);
    assert.deepEqual(body.errors, []);
    assert.ok(!Number.isNaN(Date.parse(body.time)));

    fail = true;
    const id2 = (await post('/model/m4/environments/production/async_predict', { model_input: { prompt: 'x' }, webhook_endpoint: hookUrl })).json.request_id;
    const bad = await waitFor(id2, ['WEBHOOK_FAILED']);
    assert.equal(bad.webhook_status, 'FAILED');
  } finally {
    await new Promise((r) => hook.close(() => r(undefined)));
  }
});

test('wake: POST on every path form → 202 with an empty body; GET → 405', async () => {
  for (const path of ['/model/m1/environments/production/wake', '/model/m1/production/wake', '/model/m1/development/wake', '/model/m1/deployment/w2x9q/wake', '/wake']) {
    const r = await call(`${emu.url}${path}`, undefined, H, 'POST');
    assert.equal(r.status, 202, path);
    assert.equal(r.text, '', path);
  }
  assert.equal((await get('/model/m1/production/wake')).status, 405);
});
