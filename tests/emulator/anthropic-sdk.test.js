// The official `@anthropic-ai/sdk` client talks to the emulator unchanged, sending its key as
// `Authorization: Bearer` (authToken, apiKey: null) the way Baseten requires.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startEmulator, schemaProblems, RICH_SCHEMA, bearer } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
/** @type {Anthropic} */
let client;
const mk = (/** @type {string} */ key, maxRetries = 0) => new Anthropic({ baseURL: emu.url, apiKey: null, authToken: key, maxRetries });
before(async () => {
  emu = await startEmulator({ keys: { 'sk-good': 'valid', 'sk-bad': 'invalid', 'sk-slow': 'rate-limited' } });
  client = mk('sk-good');
});
after(async () => { await emu.close(); });

const MODEL = 'zai-org/GLM-5';
const TOOLS = [{ name: 'get_weather', description: 'Weather for a city', input_schema: /** @type {any} */ (RICH_SCHEMA) }];

test('plain message; the key travels as Authorization and is redacted in the log', async () => {
  emu.clearLog();
  const m = await client.messages.create({ model: MODEL, max_tokens: 256, system: 'Be concise.', messages: [{ role: 'user', content: 'How does the learning rate affect it?' }] });
  assert.equal(m.type, 'message');
  assert.equal(m.stop_reason, 'end_turn');
  const text = m.content.find((b) => b.type === 'text');
  assert.match(text?.type === 'text' ? text.text : '', /learning rate/);
  assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
  const [entry] = emu.log();
  assert.match(String(entry.headers.authorization), /^Bearer \[REDACTED key_[0-9a-f]{12}\]$/);
  assert.equal(entry.headers['x-api-key'], undefined);
  assert.ok(!JSON.stringify(emu.log()).includes('sk-good'), 'the raw key is never stored');
  const again = await client.messages.create({ model: MODEL, max_tokens: 256, system: 'Be concise.', messages: [{ role: 'user', content: 'How does the learning rate affect it?' }] });
  assert.ok((again.usage.cache_read_input_tokens ?? 0) > 0, 'repeat prefix → cache_read_input_tokens');
});

test('streaming: the SDK stream helper yields the same message as the plain call', async () => {
  const params = { model: MODEL, max_tokens: 256, messages: /** @type {any} */ ([{ role: 'user', content: 'Stream this please' }]) };
  const plain = await client.messages.create(params);
  const stream = client.messages.stream(params);
  let deltas = '';
  stream.on('text', (t) => { deltas += t; });
  const final = await stream.finalMessage();
  assert.deepEqual(final.content, plain.content);
  assert.equal(deltas, /** @type {any} */ (plain.content[0]).text);
  assert.equal(final.stop_reason, 'end_turn');
});

test('tools: tool_use input validates, streamed input_json_delta assembles, tool_result answers with text', async () => {
  const ask = { model: MODEL, max_tokens: 512, tools: TOOLS, messages: /** @type {any[]} */ ([{ role: 'user', content: 'Weather in Kyoto?' }]) };
  const m = await client.messages.create(ask);
  assert.equal(m.stop_reason, 'tool_use');
  const use = /** @type {any} */ (m.content.find((b) => b.type === 'tool_use'));
  assert.match(use.id, /^toolu_/);
  assert.deepEqual(schemaProblems(use.input, RICH_SCHEMA), []);

  const streamed = await client.messages.stream(ask).finalMessage();
  const sUse = /** @type {any} */ (streamed.content.find((b) => b.type === 'tool_use'));
  assert.deepEqual(sUse.input, use.input);

  const answer = await client.messages.create({
    ...ask,
    messages: [...ask.messages, { role: 'assistant', content: m.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 24 C' }] }],
  });
  assert.equal(answer.stop_reason, 'end_turn');
  assert.ok(answer.content.every((b) => b.type === 'text'));
  assert.match(/** @type {any} */ (answer.content[0]).text, /sunny, 24 C/);

  const forced = await client.messages.create({ ...ask, tools: [...TOOLS, { name: 'noop', input_schema: { type: 'object', properties: {} } }], tool_choice: { type: 'tool', name: 'noop' } });
  assert.equal(/** @type {any} */ (forced.content.find((b) => b.type === 'tool_use')).name, 'noop');
});

test('thinking: blocks with a signature when reasoning is on, none when disabled', async () => {
  const on = await client.messages.stream({ model: 'deepseek-ai/DeepSeek-V4-Pro', max_tokens: 1024, messages: [{ role: 'user', content: 'Think about it' }] }).finalMessage();
  const th = /** @type {any} */ (on.content[0]);
  assert.equal(th.type, 'thinking');
  assert.ok(th.thinking.length > 0 && th.signature.length > 0);
  const off = await client.messages.create({ model: 'deepseek-ai/DeepSeek-V4-Pro', max_tokens: 1024, thinking: { type: 'disabled' }, messages: [{ role: 'user', content: 'Think about it' }] });
  assert.ok(off.content.every((b) => b.type !== 'thinking'));
});

test('stop_sequences and max_tokens', async () => {
  const params = { model: MODEL, max_tokens: 256, messages: /** @type {any} */ ([{ role: 'user', content: 'Where does it stop?' }]) };
  const full = /** @type {any} */ (await client.messages.create(params)).content[0].text;
  const words = full.split(' ');
  const seq = ' ' + words[Math.floor(words.length / 2)];
  const m = await client.messages.create({ ...params, stop_sequences: [seq] });
  assert.equal(m.stop_reason, 'stop_sequence');
  assert.equal(m.stop_sequence, seq);
  assert.equal(/** @type {any} */ (m.content[0]).text, full.slice(0, full.indexOf(seq)));
  const short = await client.messages.create({ ...params, max_tokens: 3 });
  assert.equal(short.stop_reason, 'max_tokens');
  assert.equal(short.usage.output_tokens, 3);
});

test('errors map to the SDK classes with the right status', async () => {
  const body = { model: MODEL, max_tokens: 16, messages: /** @type {any} */ ([{ role: 'user', content: 'hi' }]) };
  /** @type {[Promise<any>, any, number][]} */
  const cases = [
    [client.messages.create({ ...body, temperature: 2 }), Anthropic.BadRequestError, 400],
    [client.messages.create({ ...body, model: 'nope/unknown' }), Anthropic.NotFoundError, 404],
    [mk('sk-bad').messages.create(body), Anthropic.PermissionDeniedError, 403],
    [mk('sk-slow').messages.create(body), Anthropic.RateLimitError, 429],
    [client.messages.create(body, { headers: { 'x-emulator-fault': '503:1' } }), Anthropic.InternalServerError, 503],
    [client.messages.create({ ...body, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] }), Anthropic.BadRequestError, 400],
  ];
  for (const [p, cls, status] of cases) {
    await assert.rejects(p, (e) => {
      assert.ok(e instanceof cls, `${/** @type {any} */ (e).constructor.name} for ${status}`);
      assert.equal(/** @type {any} */ (e).status, status);
      return true;
    });
  }
});

test('x-api-key alone is rejected with 401 (SDK and raw)', async () => {
  const xKey = new Anthropic({ baseURL: emu.url, apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': 'sk-good' }, maxRetries: 0 });
  await assert.rejects(xKey.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }), (e) => {
    assert.ok(e instanceof Anthropic.AuthenticationError);
    assert.equal(/** @type {any} */ (e).status, 401);
    return true;
  });
  const r = await fetch(`${emu.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-good', 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(r.status, 401);
  const ok = await fetch(`${emu.url}/v1/messages`, { method: 'POST', headers: { authorization: 'Api-Key sk-good', 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(ok.status, 200, 'Api-Key scheme works too');
});

test('the SDK retries a 529-style overload (503 × 1 with retry-after) and succeeds', async () => {
  emu.clearLog();
  const m = await mk('sk-good', 2).messages.create(
    { model: MODEL, max_tokens: 32, messages: [{ role: 'user', content: 'retry' }] },
    { headers: { 'x-emulator-fault': '503:1;retry-after=0' } },
  );
  assert.equal(m.type, 'message');
  assert.deepEqual(emu.log().map((e) => e.status), [503, 200]);
});

test('mid-stream event: error (overloaded_error) fails the stream and keeps the partial message', async () => {
  const stream = mk('sk-good').messages.stream(
    { model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'overload me' }] },
    { headers: { 'x-emulator-fault': 'error' } },
  );
  let partial = '';
  stream.on('text', (t) => { partial += t; });
  await assert.rejects(stream.finalMessage(), (e) => {
    assert.ok(e instanceof Anthropic.APIError);
    assert.match(String(/** @type {any} */ (e).message), /overloaded_error|Overloaded/);
    return true;
  });
  assert.ok(partial.length > 0);
  // Raw check of the wire shape.
  const raw = await fetch(`${emu.url}/v1/messages`, { method: 'POST', headers: { ...bearer('sk-good'), 'x-emulator-fault': 'error' }, body: JSON.stringify({ model: MODEL, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
  assert.match(await raw.text(), /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"Overloaded"\}\}\n\n$/);
});
