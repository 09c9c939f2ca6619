// Authentication exactly as Baseten reads it: `Authorization: Bearer KEY` or
// `Authorization: Api-Key KEY`. The Anthropic-style `x-api-key` header alone is refused.
import { createHash } from 'node:crypto';
import { flat } from './errors.js';

/**
 * @typedef {'valid' | 'invalid' | 'out-of-budget' | 'rate-limited'} KeyStatus
 * @typedef {{ status?: KeyStatus, rpm?: number, tpm?: number }} KeyConfig
 * @typedef {{ key: string, fingerprint: string, fault: string | null, config: KeyConfig }} Caller
 */

/**
 * A short, non-reversible id for a key, so logs and per-key state never hold the key itself.
 * @param {string} key
 */
export function fingerprint(key) {
  return 'key_' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * Parse `EMULATOR_KEYS`-style text: `k1=valid,k2=out-of-budget,k3=rate-limited,k4=invalid`.
 * @param {string | undefined} text
 * @returns {Record<string, KeyConfig>}
 */
export function parseKeys(text) {
  /** @type {Record<string, KeyConfig>} */
  const out = {};
  for (const item of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.lastIndexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const status = /** @type {KeyStatus} */ (eq < 0 ? 'valid' : item.slice(eq + 1));
    out[key] = { status };
  }
  return out;
}

/**
 * Check the caller's credentials; throws an HttpError (401/402/403) or returns the caller.
 * Rate-limited keys pass here and are refused by the rate limiter.
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {Record<string, KeyConfig | KeyStatus>} keys configured keys (empty: any non-empty key is valid)
 * @returns {Caller}
 */
export function authenticate(headers, keys) {
  const auth = headers['authorization'];
  if (!auth) {
    if (headers['x-api-key']) {
      throw flat(401, 'x-api-key is not supported; send Authorization: Bearer KEY or Authorization: Api-Key KEY');
    }
    throw flat(401, 'missing api key: send Authorization: Bearer KEY or Authorization: Api-Key KEY');
  }
  const m = /^(Bearer|Api-Key)\s+(.+)$/i.exec(String(auth).trim());
  if (!m) throw flat(401, 'unsupported Authorization scheme: use Bearer or Api-Key');
  let key = m[2].trim();
  // Emulator extension: `KEY#fault=SPEC` asks for a fault (see faults.js); the suffix is not part of the key.
  let fault = null;
  const hash = key.indexOf('#fault=');
  if (hash >= 0) {
    fault = key.slice(hash + '#fault='.length);
    key = key.slice(0, hash);
  }
  if (!key) throw flat(401, 'missing api key: send Authorization: Bearer KEY or Authorization: Api-Key KEY');
  const entries = Object.entries(keys ?? {});
  const raw = keys?.[key];
  /** @type {KeyConfig} */
  const config = typeof raw === 'string' ? { status: raw } : { status: 'valid', ...(raw ?? {}) };
  // Once any key is configured as valid, only listed keys are accepted.
  const strict = entries.some(([, v]) => (typeof v === 'string' ? v : v.status ?? 'valid') === 'valid');
  if ((raw === undefined && strict) || config.status === 'invalid') {
    throw flat(403, 'please check the api-key you provided');
  }
  if (config.status === 'out-of-budget') {
    throw flat(402, 'budget exceeded: this api key has no remaining budget for Model APIs');
  }
  return { key, fingerprint: fingerprint(key), fault, config };
}

/**
 * Headers safe to log: credentials replaced, never stored.
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
export function redactHeaders(headers) {
  /** @type {Record<string, string | string[] | undefined>} */
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'authorization' || name === 'proxy-authorization') {
      const v = String(value);
      const m = /^(\S+)\s+(.*)$/.exec(v);
      const secret = m ? m[2] : v;
      const hash = secret.indexOf('#fault=');
      const bare = hash >= 0 ? secret.slice(0, hash) : secret;
      const suffix = hash >= 0 ? secret.slice(hash) : '';
      out[name] = `${m ? m[1] + ' ' : ''}[REDACTED ${fingerprint(bare)}]${suffix}`;
    } else if (name === 'x-api-key' || name === 'api-key' || name === 'cookie') {
      out[name] = `[REDACTED ${fingerprint(String(value))}]`;
    } else {
      out[name] = value;
    }
  }
  return out;
}
