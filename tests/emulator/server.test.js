// Auth, validation body shapes, limits, rate limiting, the request log, quirk switches and the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startEmulator, call, bearer, parseSSE, REPO } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
before(async () => { emu = await startEmulator({ maxBodyBytes: 4096 }); });
after(async () => { await emu.close(); });

const CHAT = { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'hello' }] };
const chat = (/** @type {any} */ body, /** @type {Record<string,string>} */ h = bearer()) => call(`${emu.url}/v1/chat/completions`, body, h);

test('auth: Bearer and Api-Key accepted; missing, x-api-key-only and other schemes refused; configured keys', async () => {
  assert.equal((await chat(CHAT, { authorization: 'Bearer anything' })).status, 200);
  assert.equal((await chat(CHAT, { authorization: 'Api-Key anything' })).status, 200);
  const missing = await chat(CHAT, {});
  assert.equal(missing.status, 401);
  assert.equal(typeof missing.json.error, 'string');
  assert.equal((await chat(CHAT, { 'x-api-key': 'anything' })).status, 401);
  assert.equal((await chat(CHAT, { authorization: 'Basic abc' })).status, 401);
  assert.equal((await chat(CHAT, { authorization: 'Bearer ' })).status, 401);

  emu.configure({ keys: { good: 'valid', broke: 'out-of-budget' } });
  try {
    assert.equal((await chat(CHAT, bearer('good'))).status, 200);
    const bad = await chat(CHAT, bearer('unknown'));
    assert.equal(bad.status, 403);
    assert.deepEqual(bad.json, { error: 'please check the api-key you provided' });
    const broke = await chat(CHAT, bearer('broke'));
    assert.equal(broke.status, 402);
    assert.equal((await call(`${emu.url}/v1/models`, undefined, bearer('unknown'))).status, 403);
  } finally {
    emu.configure({ keys: {} });
  }
});

test('validation errors use the observed body shapes', async () => {
  const n2 = await chat({ ...CHAT, n: 2 });
  assert.equal(n2.status, 400);
  assert.deepEqual(Object.keys(n2.json.error).sort(), ['code', 'message', 'type']);
  assert.equal(n2.json.error.code, 400);
  assert.equal(n2.json.error.type, 'Bad Request');
  assert.match(n2.json.error.message, /^Validation: /);
  const empty = await chat({ ...CHAT, response_format: { type: 'json_schema', json_schema: { name: '', schema: {} } } });
  assert.equal(empty.status, 400);
  assert.match(empty.json.error.message, /json_schema.name/);
  const vision = await chat({ ...CHAT, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] });
  assert.deepEqual(vision.json, { message: 'This model does not support multimodal image inputs.', type: 'Bad Request', code: 400 });
  const notJson = await chat('{not json');
  assert.equal(notJson.status, 400);
  const unknown = await chat({ ...CHAT, model: 'acme/none' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error_code, 'model_not_found');
  const msg = await call(`${emu.url}/v1/messages`, { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'x' }] }, bearer());
  assert.equal(msg.status, 400);
  assert.equal(msg.json.type, 'error');
  assert.equal(msg.json.error.type, 'invalid_request_error');
  const ant404 = await call(`${emu.url}/v1/messages`, { model: 'acme/none', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, bearer());
  assert.equal(ant404.status, 404);
  assert.equal(ant404.json.error.type, 'not_found_error');
  assert.equal((await call(`${emu.url}/v1/models/acme/none`, undefined, bearer())).status, 404);
  assert.equal((await call(`${emu.url}/v2/whatever`, undefined, bearer())).status, 404);
});

test('413 past the configured body limit (readable answer, not a reset)', async () => {
  const r = await chat({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 413);
  assert.deepEqual(emu.log().at(-1)?.body.truncated, true);
  const m = await call(`${emu.url}/v1/messages`, { model: 'zai-org/GLM-5', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }, bearer());
  assert.equal(m.json.error.type, 'request_too_large');
});

test('rate limits per key: requests/min and tokens/min answer 429', async () => {
  emu.configure({ rpm: 3 });
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat(CHAT, bearer('rpm-key'))).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal((await chat(CHAT, bearer('rpm-other'))).status, 200, 'per key');
  } finally {
    emu.configure({ rpm: null });
  }
  emu.configure({ keys: { tpm: { status: 'valid', tpm: 50 }, free: 'valid' } });
  try {
    const first = await chat(CHAT, bearer('tpm'));
    assert.equal(first.status, 200);
    let r = first;
    for (let i = 0; i < 5 && r.status === 200; i++) r = await chat(CHAT, bearer('tpm'));
    assert.equal(r.status, 429);
    assert.match(r.json.error.message, /tokens per minute/);
    assert.equal((await chat(CHAT, bearer('free'))).status, 200);
  } finally {
    emu.configure({ keys: {} });
  }
});

test('request log over HTTP: redacted headers, parsed body, status, request id; reset clears it', async () => {
  await call(`${emu.url}/__emulator/reset`, {}, {});
  const r = await chat(CHAT, { authorization: 'Bearer super-secret-key', 'x-custom': 'yes' });
  const log = (await call(`${emu.url}/__emulator/log`)).json;
  assert.equal(log.length, 1);
  const [e] = log;
  assert.equal(e.method, 'POST');
  assert.equal(e.path, '/v1/chat/completions');
  assert.equal(e.status, 200);
  assert.deepEqual(e.body, CHAT);
  assert.equal(e.headers['x-custom'], 'yes');
  assert.equal(e.requestId, r.headers.get('x-baseten-request-id'));
  assert.ok(!JSON.stringify(log).includes('super-secret-key'));
  await call(`${emu.url}/__emulator/reset`, {}, {});
  assert.deepEqual((await call(`${emu.url}/__emulator/log`)).json, []);
  await call(`${emu.url}/__emulator/config`, { rpm: 1000 }, {});
  assert.equal(emu.state.options.rpm, 1000);
  emu.configure({ rpm: null });
});

test('quirks can be switched off per request (header) and per server (option)', async () => {
  const body = { ...CHAT, stream: true, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } }] };
  const on = parseSSE((await chat(body)).text).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
  assert.ok(on.every((c) => c.usage));
  const toolDeltas = on.flatMap((c) => c.choices.flatMap((/** @type {any} */ x) => x.delta.tool_calls ?? []));
  assert.ok(toolDeltas.length > 2 && toolDeltas.every((t) => t.id === toolDeltas[0].id));
  assert.ok(toolDeltas.slice(1).every((t) => t.function.name === null));

  const off = parseSSE((await chat(body, { ...bearer(), 'x-emulator-quirks': 'off' })).text).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
  assert.ok(off.every((c) => !('usage' in c)), 'no usage without stream_options.include_usage');
  assert.ok(off.every((c) => c.choices.length === 1));
  const offDeltas = off.flatMap((c) => c.choices.flatMap((/** @type {any} */ x) => x.delta.tool_calls ?? []));
  assert.ok(offDeltas.slice(1).every((t) => t.id === undefined && t.function.name === undefined));

  const only = parseSSE((await chat({ ...CHAT, stream: true }, { ...bearer(), 'x-emulator-quirks': '-finish-before-last-content' })).text);
  const chunks = only.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
  const finishAt = chunks.findIndex((c) => c.choices[0]?.finish_reason);
  assert.ok(chunks.slice(finishAt + 1).every((c) => !c.choices[0]?.delta?.content), 'finish comes after all content');
  assert.ok(chunks.every((c) => c.usage), 'other quirks stay on');

  const plainEmu = await startEmulator({ quirks: false });
  try {
    const r = parseSSE((await call(`${plainEmu.url}/v1/chat/completions`, { ...CHAT, stream: true, stream_options: { include_usage: true } }, bearer())).text);
    const cs = r.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    assert.equal(cs.filter((c) => c.usage).length, 1, 'only the final include_usage chunk');
    assert.deepEqual(cs.at(-1).choices, []);
  } finally {
    await plainEmu.close();
  }
});

test('cli: prints the base URL first, honours PORT and EMULATOR_KEYS, stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [join(REPO, 'emulator/cli.js')], {
    env: { ...process.env, PORT: '0', EMULATOR_KEYS: 'cli-key=valid' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: /** @type {any} */ (child.stdout) });
  const [first] = await new Promise((resolve) => lines.once('line', (l) => resolve([l])));
  assert.match(first, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await call(`${first}/v1/models`, undefined, bearer('cli-key'))).status, 200);
  assert.equal((await call(`${first}/v1/models`, undefined, bearer('other'))).status, 403);
  const code = await new Promise((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
  assert.equal(code, 0);
});
