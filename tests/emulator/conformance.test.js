// The emulator's streams against the recorded shapes in ../shared/conformance/streams:
// first the judge (our SSE parser + accumulators) is checked on the corpus itself, then the
// emulator's event/field vocabulary and value types must match the corpus, and accumulating
// its streams by the README rules must give a well-formed final message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, corpusStreams, parseSSE, accumulateOpenAI, accumulateAnthropic, call, bearer } from './helpers.js';

/** @type {import('../../emulator/index.js').Emulator} */
let emu;
before(async () => { emu = await startEmulator(); });
after(async () => { await emu.close(); });

const OAI = corpusStreams('openai-chat');
const ANT = corpusStreams('anthropic-messages');

// Fields Baseten sends that OpenAI's recordings don't have (../shared/notes/baseten-api.md).
const BASETEN_EXTRAS = {
  choice: ['stop_reason'],
  delta: ['reasoning_content', 'reasoning'],
  usage: ['prompt_tokens_details', 'completion_tokens_details'],
};

/** key → set of JSON types seen, for every object at a path ("chunk", "choice", "delta", ...). */
function vocabulary() {
  /** @type {Record<string, Map<string, Set<string>>>} */
  const v = { chunk: new Map(), choice: new Map(), delta: new Map(), tool: new Map(), fn: new Map(), usage: new Map() };
  return v;
}
const typeOf = (/** @type {any} */ x) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
/** @param {Map<string, Set<string>>} m @param {any} obj */
function note(m, obj) {
  if (!obj || typeof obj !== 'object') return;
  for (const [k, val] of Object.entries(obj)) {
    if (!m.has(k)) m.set(k, new Set());
    /** @type {Set<string>} */ (m.get(k)).add(typeOf(val));
  }
}
/** @param {ReturnType<typeof vocabulary>} v @param {any} chunk */
function noteChunk(v, chunk) {
  note(v.chunk, chunk);
  note(v.usage, chunk.usage);
  for (const c of chunk.choices ?? []) {
    note(v.choice, c);
    note(v.delta, c.delta);
    for (const t of c.delta?.tool_calls ?? []) { note(v.tool, t); note(v.fn, t.function); }
  }
}

test('the judge: parser and accumulators reproduce the corpus', () => {
  for (const s of OAI) {
    const events = parseSSE(s.sse_text);
    assert.equal(events.length, s.sse_event_count, s.name);
    if (!s.expected_final) continue;
    const { final, flags } = accumulateOpenAI(events);
    assert.deepEqual(flags, s.expected_flags, s.name);
    assert.equal(final.id, s.expected_final.id, s.name);
    assert.deepEqual(final.usage ?? null, s.expected_final.usage ?? null, s.name);
    for (const [i, c] of s.expected_final.choices.entries()) {
      assert.equal(final.choices[i].finish_reason, c.finish_reason, s.name);
      assert.equal(final.choices[i].message.content, c.message.content, s.name);
      const fnCalls = (c.message.tool_calls ?? []).filter((/** @type {any} */ t) => t.function);
      const mine = (final.choices[i].message.tool_calls ?? []).filter((/** @type {any} */ t) => t.type !== 'custom');
      assert.deepEqual(mine.map((/** @type {any} */ t) => [t.id, t.function.name, t.function.arguments]), fnCalls.map((/** @type {any} */ t) => [t.id, t.function.name, t.function.arguments]), s.name);
    }
  }
  const plainBlocks = new Set(['text', 'tool_use', 'thinking']);
  for (const s of ANT) {
    const events = parseSSE(s.sse_text);
    assert.equal(events.length, s.sse_event_count, s.name);
    if (!s.expected_final || s.expected_error || !s.expected_final.content.every((/** @type {any} */ b) => plainBlocks.has(b.type))) continue;
    const { final, flags } = accumulateAnthropic(events);
    assert.deepEqual(final, s.expected_final, s.name);
    assert.equal(flags.saw_message_stop, s.expected_flags.saw_message_stop, s.name);
    assert.deepEqual(flags.stream_errors, s.expected_flags.stream_errors, s.name);
  }
});

const TOOLS = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the weather',
    parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
  },
}];
const OPENAI_CASES = [
  { name: 'plain', body: { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'Explain caching' }] } },
  { name: 'reasoning', body: { model: 'deepseek-ai/DeepSeek-V4-Pro', messages: [{ role: 'user', content: 'Why is the sky blue?' }] } },
  { name: 'reasoning+both fields', body: { model: 'openai/gpt-oss-120b', messages: [{ role: 'user', content: 'Think first' }] } },
  { name: 'tools', body: { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'Weather in Boston?' }], tools: TOOLS } },
  { name: 'json_schema', body: { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'Jane, jane@example.com' }], response_format: { type: 'json_schema', json_schema: { name: 'contact', schema: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['name', 'email'] } } } } },
  { name: 'length', body: { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'Long story' }], max_tokens: 5 } },
  { name: 'quirks off', quirks: 'off', body: { model: 'zai-org/GLM-5', messages: [{ role: 'user', content: 'Weather in Boston?' }], tools: TOOLS, stream_options: { include_usage: true } } },
];

for (const c of OPENAI_CASES) {
  test(`openai-chat stream conforms to the corpus shapes: ${c.name}`, async () => {
    const corpusVocab = vocabulary();
    for (const s of OAI) for (const ev of parseSSE(s.sse_text)) if (ev.data !== '[DONE]') noteChunk(corpusVocab, JSON.parse(ev.data));

    const headers = { ...bearer(), ...(c.quirks ? { 'x-emulator-quirks': c.quirks } : {}) };
    const r = await call(`${emu.url}/v1/chat/completions`, { ...c.body, stream: true }, headers);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseSSE(r.text);
    assert.ok(events.every((e) => e.event === null), 'chat streams carry no event: lines');
    assert.equal(events.at(-1)?.data, '[DONE]');

    const mine = vocabulary();
    for (const ev of events.slice(0, -1)) noteChunk(mine, JSON.parse(ev.data));
    for (const [where, keys] of Object.entries(mine)) {
      for (const [k, types] of keys) {
        const extra = /** @type {Record<string, string[]>} */ (BASETEN_EXTRAS)[where]?.includes(k);
        const known = corpusVocab[/** @type {keyof typeof corpusVocab} */ (where)].get(k);
        assert.ok(known || extra, `${where}.${k} is not in the corpus nor a documented Baseten extra`);
        // name: null after the first tool-call delta is a documented Baseten quirk.
        const allowed = new Set([...(known ?? []), ...(where === 'fn' && k === 'name' ? ['null'] : []), ...(extra ? ['string', 'object', 'null'] : [])]);
        for (const t of types) assert.ok(allowed.has(t), `${where}.${k}: type ${t} not seen in the corpus (${[...allowed]})`);
      }
    }

    const { final, flags } = accumulateOpenAI(events);
    assert.deepEqual(flags, { saw_done: true, stream_errors: [] });
    assert.match(final.id, /^chatcmpl-/);
    assert.equal(final.model, c.body.model);
    const choice = final.choices[0];
    assert.equal(final.choices.length, 1);
    assert.equal(choice.message.role, 'assistant');
    assert.ok(['stop', 'length', 'tool_calls'].includes(choice.finish_reason));
    assert.equal(final.usage.total_tokens, final.usage.prompt_tokens + final.usage.completion_tokens);
    if (c.body.tools) {
      assert.equal(choice.finish_reason, 'tool_calls');
      for (const t of choice.message.tool_calls) {
        assert.match(t.id, /^call_/);
        assert.equal(t.type, 'function');
        assert.equal(t.function.name, 'get_weather');
        assert.equal(typeof JSON.parse(t.function.arguments).location, 'string');
      }
    } else if (c.body.response_format) {
      assert.deepEqual(Object.keys(JSON.parse(choice.message.content)).sort(), ['email', 'name']);
    } else {
      assert.ok(choice.message.content.length > 0);
    }
    if (c.name.startsWith('reasoning')) {
      assert.ok(choice.message.reasoning_content.length > 0);
      assert.ok(final.usage.completion_tokens_details.reasoning_tokens > 0);
    }
    if (c.name === 'length') assert.equal(choice.finish_reason, 'length');
  });
}

const ANT_TOOLS = [{ name: 'get_weather', description: 'Get the weather', input_schema: TOOLS[0].function.parameters }];
const ANTHROPIC_CASES = [
  { name: 'plain', body: { model: 'zai-org/GLM-5', max_tokens: 200, messages: [{ role: 'user', content: 'Hello there' }] } },
  { name: 'thinking', body: { model: 'deepseek-ai/DeepSeek-V4-Pro', max_tokens: 400, messages: [{ role: 'user', content: 'Think it through' }] } },
  { name: 'tools', body: { model: 'zai-org/GLM-5', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: ANT_TOOLS } },
  { name: 'max_tokens', body: { model: 'zai-org/GLM-5', max_tokens: 3, messages: [{ role: 'user', content: 'Tell me more' }] } },
];

for (const c of ANTHROPIC_CASES) {
  test(`anthropic-messages stream conforms to the corpus shapes: ${c.name}`, async () => {
    /** @type {Set<string>} */ const names = new Set();
    /** @type {Set<string>} */ const deltaTypes = new Set();
    /** @type {Set<string>} */ const blockTypes = new Set();
    const startKeys = new Set();
    for (const s of ANT) {
      for (const ev of parseSSE(s.sse_text)) {
        names.add(/** @type {string} */ (ev.event));
        const d = JSON.parse(ev.data);
        if (d.delta?.type) deltaTypes.add(d.delta.type);
        if (d.content_block) blockTypes.add(d.content_block.type);
        if (d.message) for (const k of Object.keys(d.message)) startKeys.add(k);
      }
    }
    const r = await call(`${emu.url}/v1/messages`, { ...c.body, stream: true }, bearer());
    assert.equal(r.status, 200);
    const events = parseSSE(r.text);
    const open = new Set();
    for (const ev of events) {
      assert.ok(ev.event && names.has(ev.event), `event ${ev.event} not in the corpus`);
      const d = JSON.parse(ev.data);
      assert.equal(d.type, ev.event, 'data.type repeats the event name');
      if (d.delta?.type && ev.event === 'content_block_delta') assert.ok(deltaTypes.has(d.delta.type), d.delta.type);
      if (d.content_block) { assert.ok(blockTypes.has(d.content_block.type)); open.add(d.index); }
      if (ev.event === 'content_block_delta') assert.ok(open.has(d.index), 'delta inside an open block');
      if (ev.event === 'content_block_stop') open.delete(d.index);
      if (d.message) for (const k of Object.keys(d.message)) assert.ok(startKeys.has(k), `message.${k}`);
    }
    assert.equal(events[0].event, 'message_start');
    assert.deepEqual(events.slice(-2).map((e) => e.event), ['message_delta', 'message_stop']);
    const { final, flags } = accumulateAnthropic(events);
    assert.deepEqual(flags, { saw_message_stop: true, stream_errors: [] });
    assert.match(final.id, /^msg_/);
    assert.equal(final.type, 'message');
    assert.equal(final.role, 'assistant');
    assert.ok(final.usage.input_tokens > 0 && final.usage.output_tokens > 0);
    assert.ok(final.usage.output_tokens <= c.body.max_tokens);
    const types = final.content.map((/** @type {any} */ b) => b.type);
    if (c.name === 'tools') {
      assert.equal(final.stop_reason, 'tool_use');
      const tool = final.content.find((/** @type {any} */ b) => b.type === 'tool_use');
      assert.match(tool.id, /^toolu_/);
      assert.equal(typeof tool.input.location, 'string');
    } else if (c.name === 'max_tokens') {
      assert.equal(final.stop_reason, 'max_tokens');
    } else {
      assert.equal(final.stop_reason, 'end_turn');
      assert.ok(types.includes('text'));
    }
    if (c.name === 'thinking') {
      assert.equal(types[0], 'thinking');
      assert.ok(final.content[0].thinking.length > 0 && final.content[0].signature.length > 0);
    }
  });
}
