// Every fault mode of the `x-emulator-fault` header / `KEY#fault=` suffix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startEmulator, call, bearer, parseSSE, accumulateOpenAI, accumulateAnthropic, readChunks } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
before(async () => { emu = await startEmulator(); });
after(async () => { await emu.close(); });

const CHAT = { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'fault injection please' }] };
const MSG = { model: 'zai-org/GLM-5', max_tokens: 64, messages: [{ role: 'user', content: 'fault injection please' }] };
const chat = (/** @type {any} */ body, /** @type {Record<string,string>} */ h = {}) => call(`${emu.url}/v1/chat/completions`, body, { ...bearer(), ...h });

test('N × 429 then success, counted per key + fault; the sequence restarts after the success', async () => {
  const h = { 'x-emulator-fault': '429:2' };
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await chat(CHAT, h)).status);
  assert.deepEqual(statuses, [429, 429, 200, 429, 429, 200]);
  const r = await chat(CHAT, h);
  assert.equal(r.headers.get('retry-after'), null, 'no retry headers unless asked');
  assert.ok(r.json.error, 'error body');
  // Another key has its own counter.
  assert.equal((await call(`${emu.url}/v1/chat/completions`, CHAT, { ...bearer('other'), ...h })).status, 429);
});

test('429 / 503 with retry-after or retry-after-ms headers', async () => {
  const a = await chat(CHAT, { 'x-emulator-fault': '429:1;retry-after=2' });
  assert.equal(a.status, 429);
  assert.equal(a.headers.get('retry-after'), '2');
  const b = await chat(CHAT, { 'x-emulator-fault': '503:1;retry-after-ms=150' });
  assert.equal(b.status, 503);
  assert.equal(b.headers.get('retry-after-ms'), '150');
  assert.ok(b.headers.get('x-baseten-request-id'));
  const c = await call(`${emu.url}/v1/messages`, MSG, { ...bearer(), 'x-emulator-fault': '503:1' });
  assert.deepEqual(c.json, { type: 'error', error: { type: 'overloaded_error', message: 'Injected fault: HTTP 503' } });
});

test('fault chosen by a key suffix: Authorization: Bearer KEY#fault=SPEC', async () => {
  const h = { authorization: 'Bearer k1#fault=503:1;id=suffix' };
  const first = await call(`${emu.url}/v1/chat/completions`, CHAT, h);
  const second = await call(`${emu.url}/v1/chat/completions`, CHAT, h);
  assert.deepEqual([first.status, second.status], [503, 200]);
  const entry = emu.log().at(-1);
  assert.equal(entry?.fault, '503:1;id=suffix');
  assert.match(String(entry?.headers.authorization), /^Bearer \[REDACTED key_\w+\]#fault=503:1;id=suffix$/);
});

test('drop: the connection is destroyed after K body bytes (streamed and plain)', async () => {
  for (const stream of [true, false]) {
    const r = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(), 'x-emulator-fault': 'drop:100' }, body: JSON.stringify({ ...CHAT, stream }) });
    assert.equal(r.status, 200);
    const { text, error } = await readChunks(r);
    assert.ok(error, 'the body read fails');
    assert.equal(Buffer.byteLength(text), 100);
  }
});

test('stall: T ms pause mid-stream, then the stream completes', async () => {
  const r = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(), 'x-emulator-fault': 'stall:500;at=3' }, body: JSON.stringify({ ...CHAT, stream: true }) });
  /** @type {number[]} */
  const times = [];
  let text = '';
  // @ts-ignore
  for await (const c of r.body) { times.push(performance.now()); text += Buffer.from(c).toString(); }
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  assert.ok(gap >= 250, `a pause of about 500 ms happened (largest gap ${gap.toFixed(0)} ms)`);
  const { flags } = accumulateOpenAI(parseSSE(text));
  assert.equal(flags.saw_done, true);
});

test('mid-stream error: {"error":…} data (chat), event: error (chat and messages), data-only error (messages)', async () => {
  const a = parseSSE((await chat({ ...CHAT, stream: true }, { 'x-emulator-fault': 'error' })).text);
  assert.ok(JSON.parse(a.at(-1)?.data ?? '').error);
  assert.ok(!a.some((e) => e.data === '[DONE]'));
  const b = parseSSE((await chat({ ...CHAT, stream: true }, { 'x-emulator-fault': 'error:event' })).text);
  assert.equal(b.at(-1)?.event, 'error');
  const c = parseSSE((await call(`${emu.url}/v1/messages`, { ...MSG, stream: true }, { ...bearer(), 'x-emulator-fault': 'error' })).text);
  const acc = accumulateAnthropic(c);
  assert.deepEqual(acc.flags.stream_errors, [{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
  assert.equal(acc.flags.saw_message_stop, false);
  const d = parseSSE((await call(`${emu.url}/v1/messages`, { ...MSG, stream: true }, { ...bearer(), 'x-emulator-fault': 'error:data' })).text);
  assert.equal(d.at(-1)?.event, null);
  assert.equal(JSON.parse(d.at(-1)?.data ?? '').type, 'error');
});

test('malformed: exactly one chunk carries invalid JSON', async () => {
  for (const [url, body] of /** @type {const} */ ([['/v1/chat/completions', CHAT], ['/v1/messages', MSG]])) {
    const events = parseSSE((await call(`${emu.url}${url}`, { ...body, stream: true }, { ...bearer(), 'x-emulator-fault': 'malformed' })).text);
    const bad = events.filter((e) => { if (e.data === '[DONE]') return false; try { JSON.parse(e.data); return false; } catch { return true; } });
    assert.equal(bad.length, 1, url);
  }
});

test('huge-line: one 20 MB SSE line (default size), and a custom size', async () => {
  const r = await chat({ ...CHAT, stream: true }, { 'x-emulator-fault': 'huge-line' });
  const longest = Math.max(...r.text.split('\n').map((l) => l.length));
  assert.ok(longest >= 20 * 1024 * 1024, `longest line ${longest}`);
  const { final } = accumulateOpenAI(parseSSE(r.text));
  assert.ok(final.choices[0].message.content.includes('x'.repeat(1000)));
  const m = await call(`${emu.url}/v1/messages`, { ...MSG, stream: true }, { ...bearer(), 'x-emulator-fault': 'huge-line:4096' });
  const events = parseSSE(m.text);
  assert.ok(events.some((e) => e.event === 'ping' && e.data.length > 4096));
  assert.equal(accumulateAnthropic(events).flags.saw_message_stop, true);
});

/**
 * Raw HTTP/1.1 over TCP, returning the sizes of the chunked-encoding frames.
 * @param {string} path @param {any} body @param {Record<string, string>} headers
 */
function rawChunkSizes(path, body, headers) {
  return new Promise((resolve, reject) => {
    const { port } = new URL(emu.url);
    const sock = connect(Number(port), '127.0.0.1');
    const payload = JSON.stringify(body);
    const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', 'content-type: application/json', `content-length: ${Buffer.byteLength(payload)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    sock.end(head.join('\r\n') + '\r\n\r\n' + payload);
    /** @type {Buffer[]} */
    const parts = [];
    sock.on('data', (d) => parts.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(parts);
      let i = all.indexOf('\r\n\r\n') + 4;
      const sizes = [];
      const bodyParts = [];
      for (;;) {
        const eol = all.indexOf('\r\n', i);
        const n = parseInt(all.subarray(i, eol).toString(), 16);
        if (!n) break;
        sizes.push(n);
        bodyParts.push(all.subarray(eol + 2, eol + 2 + n));
        i = eol + 2 + n + 2;
      }
      resolve({ sizes, body: Buffer.concat(bodyParts).toString('utf8') });
    });
  });
}

test('bytewise: every byte is its own HTTP chunk, and the stream still parses the same', async () => {
  const body = { ...CHAT, stream: true, max_tokens: 4 };
  const normal = parseSSE((await chat(body)).text);
  const { sizes, body: text } = /** @type {{ sizes: number[], body: string }} */ (await rawChunkSizes('/v1/chat/completions', body, { ...bearer(), 'x-emulator-fault': 'bytewise' }));
  assert.ok(sizes.length > 500);
  assert.ok(sizes.every((n) => n === 1), 'all chunk frames are one byte long');
  const events = parseSSE(text);
  const strip = (/** @type {any[]} */ evs) => evs.map((e) => e.data.replace(/"(id|created)":("[^"]*"|\d+),/g, ''));
  assert.deepEqual(strip(events), strip(normal));
});

test('not-ready and unknown fault names', async () => {
  const a = await chat(CHAT, { 'x-emulator-fault': 'not-ready' });
  assert.equal(a.status, 400);
  assert.equal(a.json.error_code, 'model_not_ready');
  assert.equal(typeof a.json.detail, 'string');
  const b = await chat(CHAT, { 'x-emulator-fault': 'explode' });
  assert.equal(b.status, 400);
  assert.match(b.json.error.message, /unknown fault/);
});

test('faults combine and apply to deployment routes too (streaming predict dropped after 10 bytes)', async () => {
  const r = await fetch(`${emu.url}/model/m1/production/predict`, { method: 'POST', headers: { ...bearer(), 'x-emulator-fault': 'bytewise,drop:10' }, body: JSON.stringify({ prompt: 'hi', stream: true }) });
  const { text, error } = await readChunks(r);
  assert.ok(error);
  assert.equal(Buffer.byteLength(text), 10);
});
