// The official `openai` client talks to the emulator unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startEmulator, schemaProblems, RICH_SCHEMA } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
/** @type {OpenAI} */
let client;
before(async () => {
  emu = await startEmulator({ keys: { 'sk-good': 'valid', 'sk-bad': 'invalid', 'sk-broke': 'out-of-budget', 'sk-slow': 'rate-limited' } });
  client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-good', maxRetries: 0 });
});
after(async () => { await emu.close(); });

const MODEL = 'zai-org/GLM-5';
const TOOLS = /** @type {const} */ ([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: RICH_SCHEMA } }]);

test('plain completion: text about the prompt, usage, and cached tokens on a repeat', async () => {
  const messages = /** @type {const} */ ([{ role: 'system', content: 'You are a concise technical writer.' }, { role: 'user', content: 'What is gradient descent?' }]);
  const a = await client.chat.completions.create({ model: MODEL, messages: [...messages] });
  assert.equal(a.object, 'chat.completion');
  assert.equal(a.choices[0].finish_reason, 'stop');
  assert.match(a.choices[0].message.content ?? '', /gradient descent/);
  assert.equal(a.usage?.prompt_tokens_details?.cached_tokens, 0);
  const b = await client.chat.completions.create({ model: MODEL, messages: [...messages] });
  assert.equal(b.choices[0].message.content, a.choices[0].message.content, 'deterministic for the same request');
  assert.ok((b.usage?.prompt_tokens_details?.cached_tokens ?? 0) > 0, 'same prefix again → cached tokens');
  const c = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Something else entirely' }] });
  assert.notEqual(c.choices[0].message.content, a.choices[0].message.content, 'output depends on the prompt');
});

test('streamed completion: chunks accumulate to the same text; usage rides on chunks', async () => {
  const messages = /** @type {const} */ ([{ role: 'user', content: 'Stream me a reply' }]);
  const plain = await client.chat.completions.create({ model: MODEL, messages: [...messages] });
  const stream = await client.chat.completions.create({ model: MODEL, messages: [...messages], stream: true });
  let text = '';
  let withUsage = 0;
  let chunks = 0;
  let sawEmptyChoices = false;
  let finishBeforeContent = false;
  let finished = false;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) withUsage++;
    if (chunk.choices.length === 0) sawEmptyChoices = true;
    for (const c of chunk.choices) {
      if (finished && c.delta.content) finishBeforeContent = true;
      if (c.finish_reason) finished = true;
      text += c.delta.content ?? '';
    }
  }
  assert.equal(text, plain.choices[0].message.content);
  assert.equal(withUsage, chunks, 'usage on every chunk (Baseten default)');
  assert.ok(sawEmptyChoices, 'final choices: [] usage chunk');
  assert.ok(finishBeforeContent, 'finish_reason chunk precedes the last content chunk (quirk)');
});

test('stream helper accumulates a tool call despite repeated ids and name: null', async () => {
  const runner = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'Weather in Lima?' }], tools: [...TOOLS] });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls?.[0];
  assert.ok(call && call.type === 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(schemaProblems(JSON.parse(call.function.arguments), RICH_SCHEMA), []);
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
});

test('tools: arguments validate against the schema, forced choice, and the tool round trip answers with text', async () => {
  const first = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'What is the weather in Boston?' }],
    tools: [...TOOLS, { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } } }],
    tool_choice: { type: 'function', function: { name: 'get_time' } },
  });
  const forced = first.choices[0].message.tool_calls?.[0];
  assert.ok(forced?.type === 'function' && forced.function.name === 'get_time');

  const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Use get_weather for Boston' }], tools: [...TOOLS] });
  const msg = r.choices[0].message;
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.content, null);
  const call = /** @type {any} */ (msg.tool_calls?.[0]);
  assert.deepEqual(schemaProblems(JSON.parse(call.function.arguments), RICH_SCHEMA), []);

  const answer = await client.chat.completions.create({
    model: MODEL,
    tools: [...TOOLS],
    messages: [
      { role: 'user', content: 'Use get_weather for Boston' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21, "sky": "clear"}' },
    ],
  });
  assert.equal(answer.choices[0].finish_reason, 'stop');
  assert.equal(answer.choices[0].message.tool_calls, undefined);
  assert.match(answer.choices[0].message.content ?? '', /temp_c/);

  const none = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [...TOOLS], tool_choice: 'none' });
  assert.equal(none.choices[0].finish_reason, 'stop');
});

test('structured outputs: json_schema and json_object (incl. the legacy json_object + json_schema form)', async () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' }, age: { type: 'integer', minimum: 18, maximum: 99 } }, required: ['name', 'email', 'age'], additionalProperties: false };
  const r = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'My name is Jane Doe, jane.doe@example.com' }],
    response_format: { type: 'json_schema', json_schema: { name: 'user_details', schema, strict: true } },
  });
  assert.deepEqual(schemaProblems(JSON.parse(r.choices[0].message.content ?? ''), schema), []);

  const streamed = await client.chat.completions.create({
    model: MODEL, stream: true,
    messages: [{ role: 'user', content: 'My name is Jane Doe, jane.doe@example.com' }],
    response_format: { type: 'json_schema', json_schema: { name: 'user_details', schema, strict: true } },
  });
  let text = '';
  for await (const ch of streamed) text += ch.choices[0]?.delta.content ?? '';
  assert.equal(text, r.choices[0].message.content);

  const o = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'json please' }], response_format: { type: 'json_object' } });
  assert.equal(typeof JSON.parse(o.choices[0].message.content ?? ''), 'object');
  const legacy = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'json please' }],
    // @ts-expect-error the seed's legacy form
    response_format: { type: 'json_object', json_schema: { name: 'x', schema } },
  });
  assert.deepEqual(schemaProblems(JSON.parse(legacy.choices[0].message.content ?? ''), schema), []);
});

test('reasoning: opt-in via chat_template_args, on by default for some models', async () => {
  const off = await client.chat.completions.create({ model: 'zai-org/GLM-4.7', messages: [{ role: 'user', content: 'Why?' }] });
  assert.equal(/** @type {any} */ (off.choices[0].message).reasoning_content, undefined);
  const on = await client.chat.completions.create({
    model: 'zai-org/GLM-4.7', messages: [{ role: 'user', content: 'Why?' }],
    // @ts-expect-error Baseten extension
    chat_template_args: { enable_thinking: true }, reasoning_effort: 'high',
  });
  assert.ok(/** @type {any} */ (on.choices[0].message).reasoning_content.length > 0);
  assert.ok((on.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0);
  const def = await client.chat.completions.create({ model: 'MiniMaxAI/MiniMax-M2.5', messages: [{ role: 'user', content: 'Why?' }] });
  assert.ok(/** @type {any} */ (def.choices[0].message).reasoning_content.length > 0);
  // Cut while still thinking: no content key at all.
  const cut = await client.chat.completions.create({ model: 'MiniMaxAI/MiniMax-M2.5', messages: [{ role: 'user', content: 'Why?' }], max_completion_tokens: 3 });
  assert.equal(cut.choices[0].finish_reason, 'length');
  assert.ok(!('content' in cut.choices[0].message));
});

test('max_tokens and stop sequences', async () => {
  const messages = /** @type {const} */ ([{ role: 'user', content: 'Describe the stop behaviour' }]);
  const full = await client.chat.completions.create({ model: MODEL, messages: [...messages] });
  const words = (full.choices[0].message.content ?? '').split(' ');
  const stopWord = ' ' + words[Math.floor(words.length / 2)];
  const stopped = await client.chat.completions.create({ model: MODEL, messages: [...messages], stop: [stopWord] });
  const expected = (full.choices[0].message.content ?? '').slice(0, (full.choices[0].message.content ?? '').indexOf(stopWord));
  assert.equal(stopped.choices[0].message.content, expected);
  assert.equal(stopped.choices[0].finish_reason, 'stop');
  assert.equal(/** @type {any} */ (stopped.choices[0]).stop_reason, stopWord);
  const short = await client.chat.completions.create({ model: MODEL, messages: [...messages], max_tokens: 4 });
  assert.equal(short.choices[0].finish_reason, 'length');
  assert.equal(short.usage?.completion_tokens, 4);
});

test('vision: Kimi K2.5 takes image parts, a text-only model answers 400', async () => {
  const content = /** @type {any} */ ([{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' } }]);
  const ok = await client.chat.completions.create({ model: 'moonshotai/Kimi-K2.5', messages: [{ role: 'user', content }] });
  assert.equal(ok.choices[0].finish_reason, 'stop');
  await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] }), OpenAI.BadRequestError);
  // Baseten's flat body shape: {"message","type","code"} (the SDK finds no `error` key in it).
  const raw = await fetch(`${emu.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: 'Api-Key sk-good' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
  });
  assert.deepEqual(await raw.json(), { message: 'This model does not support multimodal image inputs.', type: 'Bad Request', code: 400 });
});

test('models list: slugs, pricing strings, features, modalities', async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(/** @type {any} */ (m));
  const kimi = models.find((m) => m.id === 'moonshotai/Kimi-K2.5');
  assert.deepEqual(kimi.input_modalities, ['text', 'image']);
  assert.ok(kimi.supported_features.includes('vision'));
  assert.equal(typeof kimi.pricing.input_cache_read, 'string');
  assert.ok(models.some((m) => m.pricing.prompt === ''));
  assert.ok(models.some((m) => !m.supported_features.includes('structured_outputs')));
  assert.equal((await client.models.retrieve('zai-org/GLM-5')).id, 'zai-org/GLM-5');
});

test('errors map to the SDK classes with the right status', async () => {
  const mk = (/** @type {string} */ key) => new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: key, maxRetries: 0 });
  const body = { model: MODEL, messages: /** @type {any} */ ([{ role: 'user', content: 'hi' }]) };
  /** @type {[Promise<any>, any, number][]} */
  const cases = [
    [mk('sk-unknown').chat.completions.create(body), OpenAI.PermissionDeniedError, 403],
    [mk('sk-bad').chat.completions.create(body), OpenAI.PermissionDeniedError, 403],
    [mk('sk-broke').chat.completions.create(body), OpenAI.APIError, 402],
    [mk('sk-slow').chat.completions.create(body), OpenAI.RateLimitError, 429],
    [client.chat.completions.create({ ...body, model: 'nope/unknown' }), OpenAI.NotFoundError, 404],
    [client.chat.completions.create({ ...body, n: 2 }), OpenAI.BadRequestError, 400],
    [client.chat.completions.create({ ...body, response_format: { type: 'json_schema', json_schema: { name: '', schema: {} } } }), OpenAI.BadRequestError, 400],
    [client.chat.completions.create({ ...body, model: 'deepseek-ai/DeepSeek-V3.1', response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }), OpenAI.BadRequestError, 400],
    [client.chat.completions.create(body, { headers: { 'x-emulator-fault': '500:1' } }), OpenAI.InternalServerError, 500],
  ];
  for (const [p, cls, status] of cases) {
    await assert.rejects(p, (e) => {
      assert.ok(e instanceof cls, `${/** @type {any} */ (e).constructor.name} for ${status}`);
      assert.equal(/** @type {any} */ (e).status, status);
      assert.ok(/** @type {any} */ (e).headers.get('x-baseten-request-id'));
      return true;
    });
  }
  const noKey = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(noKey.status, 401);
});

test('the SDK retries 429 × 2 with retry-after-ms and then succeeds', async () => {
  emu.clearLog();
  const retrying = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-good', maxRetries: 2 });
  const r = await retrying.chat.completions.create(
    { model: MODEL, messages: [{ role: 'user', content: 'retry me' }] },
    { headers: { 'x-emulator-fault': '429:2;retry-after-ms=5' } },
  );
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.deepEqual(emu.log().map((e) => e.status), [429, 429, 200]);
});

test('a mid-stream {"error":…} data object surfaces as an APIError', async () => {
  const stream = await client.chat.completions.create(
    { model: MODEL, messages: [{ role: 'user', content: 'fail halfway' }], stream: true },
    { headers: { 'x-emulator-fault': 'error' } },
  );
  let text = '';
  await assert.rejects(async () => { for await (const c of stream) text += c.choices[0]?.delta.content ?? ''; }, OpenAI.APIError);
  assert.ok(text.length > 0, 'partial content arrived first');
});

test('dedicated deployment: /environments/production/sync/v1 is an OpenAI base URL', async () => {
  const dep = new OpenAI({ baseURL: `${emu.url}/model/abcd1234/environments/production/sync/v1`, apiKey: 'sk-good', maxRetries: 0 });
  const r = await dep.chat.completions.create({ model: 'served-model', messages: [{ role: 'user', content: 'capital of France?' }] });
  assert.match(r.choices[0].message.content ?? '', /capital/);
  const s = await dep.chat.completions.create({ model: 'served-model', messages: [{ role: 'user', content: 'capital of France?' }], stream: true });
  let text = '';
  for await (const c of s) text += c.choices[0]?.delta.content ?? '';
  assert.equal(text, r.choices[0].message.content);
  await assert.rejects(dep.chat.completions.create({ model: 'wrong', messages: [{ role: 'user', content: 'x' }] }), OpenAI.NotFoundError);
});
