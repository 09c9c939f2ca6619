// Seeded, deterministic generation: a PRNG keyed on the request, prose split into
// "tokens", JSON values that satisfy a JSON schema, and small fragments for streaming.
// Nothing here knows about HTTP or either wire protocol.
import { createHash } from 'node:crypto';

/**
 * A 32-bit seed from any strings (sha256, first 4 bytes).
 * @param {...string} parts
 * @returns {number}
 */
export function seedFrom(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\u0000');
  return h.digest().readUInt32LE(0);
}

/** @typedef {{ next(): number, int(lo: number, hi: number): number, pick<T>(xs: T[]): T, chance(p: number): boolean }} Rng */

/**
 * mulberry32: tiny, fast and good enough to make test output look varied.
 * @param {number} seed
 * @returns {Rng}
 */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const WORDS = (
  'the a model token stream cache latency throughput request answer signal context window ' +
  'gradient layer weight batch server client quickly carefully usually often rarely ' +
  'small large stable clear simple useful steady local remote every each some ' +
  'reads writes sends returns keeps splits merges checks measures improves reduces ' +
  'because while although when after before so and but then also'
).split(' ');

const THOUGHTS = (
  'first consider the question then weigh what matters most here the user wants ' +
  'a short clear answer so I should check the facts and keep it brief maybe an example helps'
).split(' ');

/**
 * Words of the last user message, used so that output visibly depends on the prompt.
 * @param {string} text
 * @param {number} max
 */
export function topicWords(text, max = 6) {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).slice(0, max);
}

/**
 * Prose as an array of tokens (each a word with its leading space, or punctuation).
 * @param {Rng} r
 * @param {string} prompt last user text (or tool result) the reply talks about
 * @param {{ sentences?: [number, number], lead?: string }} [opts]
 * @returns {string[]}
 */
export function proseTokens(r, prompt, opts = {}) {
  const [lo, hi] = opts.sentences ?? [2, 4];
  const topic = topicWords(prompt);
  const out = [];
  const lead = opts.lead ?? 'About';
  out.push(lead);
  if (topic.length) for (const w of topic) out.push(' ' + w);
  else out.push(' that');
  out.push(':');
  const n = r.int(lo, hi);
  for (let s = 0; s < n; s++) {
    const len = r.int(5, 11);
    for (let i = 0; i < len; i++) {
      let w = r.pick(WORDS);
      if (i === 0) w = w[0].toUpperCase() + w.slice(1);
      out.push(' ' + w);
    }
    out.push('.');
  }
  return out;
}

/**
 * Reasoning text as tokens; `effort` scales its length.
 * @param {Rng} r
 * @param {string} prompt
 * @param {string} [effort]
 */
export function thoughtTokens(r, prompt, effort = 'medium') {
  const scale = { none: 0, minimal: 1, low: 1, medium: 2, high: 3, xhigh: 4, max: 4 }[effort] ?? 2;
  const out = ['Thinking', ' about'];
  for (const w of topicWords(prompt, 4)) out.push(' ' + w);
  out.push('.');
  const n = 6 * scale + r.int(0, 6);
  for (let i = 0; i < n; i++) out.push(' ' + r.pick(THOUGHTS));
  out.push('.');
  return out;
}

/**
 * Split a string into small fragments (1..maxLen chars), the way tool arguments stream.
 * @param {Rng} r
 * @param {string} s
 * @param {number} [maxLen]
 */
export function fragments(r, s, maxLen = 8) {
  const out = [];
  const chars = Array.from(s); // never cut inside a surrogate pair
  for (let i = 0; i < chars.length; ) {
    const n = r.int(1, maxLen);
    out.push(chars.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Jane Doe', 'Katherine Johnson'];
const CITIES = ['Paris', 'Boston', 'Edinburgh', 'Kyoto', 'Lagos', 'Lima'];

/**
 * A string that looks plausible for the property name and format.
 * @param {Rng} r
 * @param {string} name
 * @param {any} schema
 */
function stringFor(r, name, schema) {
  const n = name.toLowerCase();
  let s;
  switch (schema.format) {
    case 'email': s = 'user' + r.int(1, 999) + '@example.com'; break;
    case 'date': s = `2026-0${r.int(1, 9)}-1${r.int(0, 9)}`; break;
    case 'date-time': s = `2026-0${r.int(1, 9)}-1${r.int(0, 9)}T12:${r.int(10, 59)}:00Z`; break;
    case 'uri': case 'url': s = 'https://example.com/' + r.pick(WORDS); break;
    case 'uuid': s = '00000000-0000-4000-8000-' + String(r.int(0, 999999999999)).padStart(12, '0'); break;
    default:
      if (/email/.test(n)) s = 'user' + r.int(1, 999) + '@example.com';
      else if (/city|location|place|town/.test(n)) s = r.pick(CITIES);
      else if (/name/.test(n)) s = r.pick(NAMES);
      else if (/country/.test(n)) s = r.pick(['UK', 'France', 'Japan', 'Peru']);
      else s = Array.from({ length: r.int(1, 4) }, () => r.pick(WORDS)).join(' ');
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  while (s.length < min) s += 'x';
  if (s.length > max) s = s.slice(0, max);
  return s;
}

/**
 * Resolve a local `$ref` (`#/$defs/X`, `#/definitions/X`, or any JSON pointer) against the root schema.
 * @param {any} root
 * @param {string} ref
 */
function resolveRef(root, ref) {
  if (!ref.startsWith('#')) return {};
  let node = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
  }
  return node ?? {};
}

/**
 * A JSON value that validates against `schema` (the subset used for tools and
 * structured outputs: object/properties/required, string, number, integer,
 * boolean, null, enum, const, array/items, anyOf/oneOf/allOf, $ref, type arrays).
 * @param {Rng} r
 * @param {any} schema
 * @param {{ root?: any, name?: string, depth?: number }} [ctx]
 * @returns {any}
 */
export function valueFromSchema(r, schema, ctx = {}) {
  const root = ctx.root ?? schema;
  const name = ctx.name ?? '';
  const depth = ctx.depth ?? 0;
  if (schema == null || schema === true || typeof schema !== 'object') return stringFor(r, name, {});
  if (schema.$ref) return valueFromSchema(r, resolveRef(root, schema.$ref), { root, name, depth: depth + 1 });
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return r.pick(schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length) {
    // Prefer a non-null branch so values carry information.
    const nonNull = alts.filter((s) => s?.type !== 'null');
    return valueFromSchema(r, r.pick(nonNull.length ? nonNull : alts), { root, name, depth: depth + 1 });
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) {
    const merged = { ...schema, allOf: undefined };
    for (const part of schema.allOf) {
      const p = part.$ref ? resolveRef(root, part.$ref) : part;
      merged.type ??= p.type;
      merged.properties = { ...(merged.properties ?? {}), ...(p.properties ?? {}) };
      merged.required = [...(merged.required ?? []), ...(p.required ?? [])];
    }
    return valueFromSchema(r, merged, { root, name, depth: depth + 1 });
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (!type) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      /** @type {Record<string, any>} */
      const out = {};
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      for (const [key, sub] of Object.entries(props)) {
        // Optional properties appear about half the time (never past a small depth).
        if (required.has(key) || (depth < 3 && r.chance(0.5))) {
          out[key] = valueFromSchema(r, sub, { root, name: key, depth: depth + 1 });
        }
      }
      return out;
    }
    case 'array': {
      const min = schema.minItems ?? 1;
      const max = Math.max(min, Math.min(schema.maxItems ?? 3, min + 3));
      const n = depth > 4 ? min : r.int(min, max);
      const items = Array.isArray(schema.prefixItems) ? schema.prefixItems : null;
      return Array.from({ length: n }, (_, i) =>
        valueFromSchema(r, items?.[i] ?? schema.items ?? {}, { root, name, depth: depth + 1 }),
      );
    }
    case 'integer': {
      const lo = Math.ceil(schema.minimum ?? (schema.exclusiveMinimum != null ? schema.exclusiveMinimum + 1 : 0));
      const hi = Math.floor(schema.maximum ?? (schema.exclusiveMaximum != null ? schema.exclusiveMaximum - 1 : lo + 100));
      return r.int(lo, Math.max(lo, hi));
    }
    case 'number': {
      const lo = schema.minimum ?? schema.exclusiveMinimum ?? 0;
      const hi = schema.maximum ?? schema.exclusiveMaximum ?? lo + 100;
      let v = Math.round((lo + r.next() * (hi - lo)) * 100) / 100;
      if (schema.exclusiveMinimum != null && v <= schema.exclusiveMinimum) v = (lo + hi) / 2;
      if (schema.exclusiveMaximum != null && v >= schema.exclusiveMaximum) v = (lo + hi) / 2;
      return v;
    }
    case 'boolean':
      return r.chance(0.5);
    case 'null':
      return null;
    default:
      return stringFor(r, name, schema);
  }
}
