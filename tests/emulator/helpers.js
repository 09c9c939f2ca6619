// Test helpers for the emulator suite: start/stop, raw HTTP calls, an SSE parser and the two
// stream accumulators written from the rules in ../shared/conformance/README.md (and checked
// against the corpus in conformance.test.js before they judge the emulator).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/index.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS = process.env.MODELWIRE_CONFORMANCE ?? resolve(REPO, '../shared/conformance');

export { startEmulator };

/**
 * Protocol streams of the corpus.
 * @param {'openai-chat' | 'anthropic-messages'} protocol
 * @returns {any[]}
 */
export function corpusStreams(protocol) {
  const dir = join(CORPUS, 'streams', protocol);
  if (!existsSync(dir)) throw new Error(`conformance corpus not found at ${dir} (set MODELWIRE_CONFORMANCE)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/**
 * POST JSON (or GET when body is undefined) and return status, headers and text.
 * @param {string} url @param {any} [body] @param {Record<string, string>} [headers] @param {string} [method]
 */
export async function call(url, body, headers = {}, method) {
  const r = await fetch(url, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

/** Authorization header for a key. @param {string} [key] */
export const bearer = (key = 'test-key') => ({ authorization: `Bearer ${key}` });

/**
 * WHATWG-style SSE parsing of a complete body: `[{event, data}]`; `event` is null when unset.
 * @param {string} text
 */
export function parseSSE(text) {
  const out = [];
  let event = null;
  /** @type {string[] | null} */
  let data = null;
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r\n|\r|\n/);
  // The piece after the last line terminator is an unfinished line; a block that is not
  // closed by a blank line is discarded at EOF.
  lines.pop();
  for (const line of lines) {
    if (line === '') {
      if (data !== null) out.push({ event, data: data.join('\n') });
      event = null;
      data = null;
      continue;
    }
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value || null;
    else if (field === 'data') (data ??= []).push(value);
  }
  return out;
}

/**
 * Accumulate an OpenAI chat stream (README rules).
 * @param {{event: string|null, data: string}[]} events
 */
export function accumulateOpenAI(events) {
  /** @type {any} */
  let final = null;
  const flags = { saw_done: false, stream_errors: /** @type {any[]} */ ([]) };
  for (const ev of events) {
    if (ev.data === '[DONE]') { flags.saw_done = true; break; }
    const chunk = JSON.parse(ev.data);
    if (chunk.error) { flags.stream_errors.push(chunk); continue; }
    if (!final) {
      final = { id: chunk.id, object: 'chat.completion', created: chunk.created, model: chunk.model, choices: [], usage: null };
      if ('system_fingerprint' in chunk) final.system_fingerprint = chunk.system_fingerprint;
      if ('service_tier' in chunk) final.service_tier = chunk.service_tier;
    } else if (chunk.id) {
      Object.assign(final, { id: chunk.id, created: chunk.created ?? final.created, model: chunk.model ?? final.model });
    }
    if (chunk.usage) final.usage = chunk.usage;
    for (const c of chunk.choices ?? []) {
      let choice = final.choices.find((/** @type {any} */ x) => x.index === c.index);
      if (!choice) {
        choice = { index: c.index, finish_reason: null, message: { role: 'assistant', content: null, refusal: null } };
        final.choices.push(choice);
      }
      if (c.finish_reason) choice.finish_reason = c.finish_reason;
      const d = c.delta ?? {};
      if (d.role) choice.message.role = d.role;
      for (const k of ['content', 'refusal', 'reasoning_content', 'reasoning']) {
        if (typeof d[k] === 'string') choice.message[k] = (choice.message[k] ?? '') + d[k];
      }
      for (const tc of d.tool_calls ?? []) {
        choice.message.tool_calls ??= [];
        let t = choice.message.tool_calls.find((/** @type {any} */ x) => x.index === tc.index);
        if (!t) {
          t = { index: tc.index, id: null, type: null, function: { name: null, arguments: '' } };
          choice.message.tool_calls.push(t);
        }
        if (tc.id) t.id = tc.id;
        if (tc.type) t.type = tc.type;
        if (tc.function?.name) t.function.name = tc.function.name;
        if (typeof tc.function?.arguments === 'string') t.function.arguments += tc.function.arguments;
      }
    }
  }
  return { final, flags };
}

/**
 * Accumulate an Anthropic Messages stream (README rules).
 * @param {{event: string|null, data: string}[]} events
 */
export function accumulateAnthropic(events) {
  /** @type {any} */
  let msg = null;
  /** @type {Record<number, string>} */
  const buffers = {};
  const flags = { saw_message_stop: false, stream_errors: /** @type {any[]} */ ([]) };
  for (const ev of events) {
    const d = JSON.parse(ev.data);
    const type = ev.event ?? d.type;
    if (type === 'error') { flags.stream_errors.push(d); continue; }
    if (type === 'ping') continue;
    if (type === 'message_start') msg = structuredClone(d.message);
    else if (type === 'content_block_start') { msg.content[d.index] = structuredClone(d.content_block); buffers[d.index] = ''; }
    else if (type === 'content_block_delta') {
      const b = msg.content[d.index];
      const x = d.delta;
      if (x.type === 'text_delta') b.text += x.text;
      else if (x.type === 'thinking_delta') b.thinking += x.thinking;
      else if (x.type === 'signature_delta') b.signature = x.signature;
      else if (x.type === 'input_json_delta') buffers[d.index] += x.partial_json;
      else if (x.type === 'citations_delta') (b.citations ??= []).push(x.citation);
    } else if (type === 'content_block_stop') {
      if (buffers[d.index]) msg.content[d.index].input = JSON.parse(buffers[d.index]);
    } else if (type === 'message_delta') {
      Object.assign(msg, d.delta);
      for (const [k, v] of Object.entries(d.usage ?? {})) if (v != null) msg.usage[k] = v;
    } else if (type === 'message_stop') flags.saw_message_stop = true;
    if (type === 'content_block_stop') delete buffers[d.index];
  }
  // Tool JSON that never saw its content_block_stop stays unparsed: input null (README item 4).
  for (const [i, buf] of Object.entries(buffers)) if (buf && msg?.content[i]) msg.content[i].input = null;
  return { final: msg, flags };
}

/**
 * Read a fetch body chunk by chunk, returning the chunks (as Buffers) and whether it failed.
 * @param {Response} r
 */
export async function readChunks(r) {
  /** @type {Buffer[]} */
  const chunks = [];
  let error = null;
  try {
    // @ts-ignore Node's ReadableStream is async-iterable
    for await (const c of r.body) chunks.push(Buffer.from(c));
  } catch (e) {
    error = e;
  }
  return { chunks, error, text: Buffer.concat(chunks).toString('utf8') };
}

/**
 * A small, independent JSON-schema check (the subset the tests use): returns a list of problems.
 * @param {any} value @param {any} schema @param {string} [at]
 * @returns {string[]}
 */
export function schemaProblems(value, schema, at = '$') {
  const p = [];
  const t = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  const types = schema.type == null ? null : [].concat(schema.type);
  if (types && !types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${at}: ${t} is not ${types}`];
  if (schema.enum && !schema.enum.includes(value)) p.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (t === 'object') {
    for (const k of schema.required ?? []) if (!(k in value)) p.push(`${at}.${k}: missing`);
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k];
      if (sub) p.push(...schemaProblems(v, sub, `${at}.${k}`));
      else if (schema.additionalProperties === false) p.push(`${at}.${k}: not allowed`);
    }
  }
  if (t === 'array') {
    if (schema.minItems != null && value.length < schema.minItems) p.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems != null && value.length > schema.maxItems) p.push(`${at}: more than ${schema.maxItems} items`);
    value.forEach((/** @type {any} */ v, /** @type {number} */ i) => schema.items && p.push(...schemaProblems(v, schema.items, `${at}[${i}]`)));
  }
  if (t === 'integer' || t === 'number') {
    if (schema.minimum != null && value < schema.minimum) p.push(`${at}: below minimum`);
    if (schema.maximum != null && value > schema.maximum) p.push(`${at}: above maximum`);
  }
  if (t === 'string') {
    if (schema.minLength != null && value.length < schema.minLength) p.push(`${at}: too short`);
    if (schema.maxLength != null && value.length > schema.maxLength) p.push(`${at}: too long`);
  }
  return p;
}

/** A tool schema exercising every supported keyword. */
export const RICH_SCHEMA = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'City' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 14 },
    threshold: { type: 'number', minimum: -5, maximum: 5 },
    alerts: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
    coords: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, required: ['lat', 'lon'], additionalProperties: false },
  },
  required: ['location', 'unit', 'days', 'threshold', 'alerts', 'tags', 'coords'],
  additionalProperties: false,
};
