// Fault injection, chosen per request with the `x-emulator-fault` header or a `KEY#fault=SPEC`
// suffix on the API key. Grammar (README has examples):
//
//   spec  := fault ("," fault)*
//   fault := name [":" arg] (";" param "=" value)*
//
// Status faults (`429:2`, `503:1;retry-after=1`) count per key + fault id, so a retrying
// client sees N failures and then a success; the counter starts again after that success.

/**
 * @typedef {{ name: string, arg: string | null, params: Record<string, string>, raw: string }} Fault
 * @typedef {{
 *   status?: { code: number, count: number, retryAfter?: string, retryAfterMs?: string, id: string, shape?: string },
 *   drop?: number, stall?: { ms: number, at: number | null }, bytewise?: boolean,
 *   midstreamError?: { shape: string | null, at: number | null }, malformed?: { at: number | null },
 *   hugeLine?: number, notReady?: { status: number }
 * }} FaultPlan
 */

export const HUGE_LINE_DEFAULT = 20 * 1024 * 1024;

/**
 * @param {string | null | undefined} text
 * @returns {Fault[]}
 */
export function parseFaults(text) {
  if (!text) return [];
  return String(text)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      const [head, ...rest] = raw.split(';');
      const colon = head.indexOf(':');
      const name = (colon < 0 ? head : head.slice(0, colon)).trim().toLowerCase();
      const arg = colon < 0 ? null : head.slice(colon + 1).trim();
      /** @type {Record<string, string>} */
      const params = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      return { name, arg, params, raw };
    });
}

const num = (/** @type {string | null | undefined} */ s, /** @type {number} */ d) => {
  const n = s == null || s === '' ? NaN : Number(s);
  return Number.isFinite(n) ? n : d;
};
const at = (/** @type {Fault} */ f) => (f.params.at != null ? num(f.params.at, 0) : null);

/**
 * Turn parsed faults into a plan; unknown names are an error so typos don't pass silently.
 * @param {Fault[]} faults
 * @param {string} scope text that identifies the request kind (method + path) for counters
 * @returns {FaultPlan}
 */
export function planFaults(faults, scope) {
  /** @type {FaultPlan} */
  const plan = {};
  for (const f of faults) {
    if (/^[45]\d\d$/.test(f.name)) {
      plan.status = {
        code: Number(f.name),
        count: num(f.arg, 1),
        retryAfter: f.params['retry-after'],
        retryAfterMs: f.params['retry-after-ms'],
        id: f.params.id ?? `${scope} ${f.raw}`,
        shape: f.params.shape,
      };
      continue;
    }
    switch (f.name) {
      case 'drop': plan.drop = num(f.arg, 0); break;
      case 'stall': plan.stall = { ms: num(f.arg, 1000), at: at(f) }; break;
      case 'bytewise': plan.bytewise = true; break;
      case 'error': case 'midstream-error': plan.midstreamError = { shape: f.arg || null, at: at(f) }; break;
      case 'malformed': plan.malformed = { at: at(f) }; break;
      case 'huge-line': plan.hugeLine = num(f.arg, HUGE_LINE_DEFAULT); break;
      case 'not-ready': plan.notReady = { status: num(f.params.status ?? f.arg, 400) }; break;
      default: throw new Error(`unknown fault "${f.name}" in x-emulator-fault`);
    }
  }
  return plan;
}

/** Counters for status faults: consecutive failures served per key + fault id. */
export class FaultCounters {
  constructor() {
    /** @type {Map<string, number>} */
    this.served = new Map();
  }
  /**
   * Should this request fail? Counts the failure when it does; resets after the success.
   * @param {string} who key fingerprint
   * @param {{ count: number, id: string }} status
   */
  shouldFail(who, status) {
    const k = `${who}|${status.id}`;
    const n = this.served.get(k) ?? 0;
    if (n < status.count) {
      this.served.set(k, n + 1);
      return true;
    }
    this.served.delete(k);
    return false;
  }
  reset() { this.served.clear(); }
}

/**
 * Apply the event-level faults to a framed SSE stream (an array of `event`/`data` blocks).
 * @param {string[]} events
 * @param {FaultPlan} plan
 * @param {{ errorEvent: (shape: string | null) => string, hugeEvent: (bytes: number) => string, tail: number }} proto
 *   `tail`: how many closing events (e.g. usage + [DONE]) a mid-stream error must cut off at least
 */
export function applyStreamFaults(events, plan, proto) {
  let out = events.slice();
  const mid = (/** @type {number|null} */ i) => Math.max(1, Math.min(out.length - 1, i ?? Math.floor(out.length / 2)));
  if (plan.hugeLine) out.splice(mid(null), 0, proto.hugeEvent(plan.hugeLine));
  if (plan.malformed) {
    const i = mid(plan.malformed.at);
    // Cut the JSON of one data line in half: still a complete SSE block, but not JSON.
    out[i] = out[i].replace(/^data: (.*)$/m, (_, json) => `data: ${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}`);
  }
  if (plan.midstreamError) {
    const i = Math.min(mid(plan.midstreamError.at), Math.max(1, out.length - proto.tail));
    out = [...out.slice(0, i), proto.errorEvent(plan.midstreamError.shape)];
  }
  return out;
}

/** Sleep helper. @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes a response body piece by piece, applying transport faults: drop the connection after
 * K body bytes, stall before piece `at`, or write every byte as its own chunk.
 */
export class Wire {
  /**
   * @param {import('node:http').ServerResponse} res
   * @param {FaultPlan} plan
   * @param {{ pieceDelayMs?: number }} [opts]
   */
  constructor(res, plan, opts = {}) {
    this.res = res;
    this.plan = plan;
    this.sent = 0;
    this.dead = false;
    this.pieceDelayMs = opts.pieceDelayMs ?? 0;
    res.on('close', () => { this.dead = true; });
  }

  /** @param {Buffer} buf */
  write(buf) {
    return new Promise((resolve) => {
      if (this.dead || this.res.destroyed) return resolve(undefined);
      this.res.write(buf, () => resolve(undefined));
    });
  }

  /**
   * Send all pieces, then end the response (or destroy it for a drop fault).
   * @param {(string | Buffer)[]} pieces
   */
  async send(pieces) {
    const { plan } = this;
    const stallAt = plan.stall ? Math.min(pieces.length - 1, plan.stall.at ?? Math.floor(pieces.length / 2)) : -1;
    if (plan.bytewise || plan.stall || plan.drop != null) this.res.socket?.setNoDelay(true);
    this.res.flushHeaders();
    for (let i = 0; i < pieces.length; i++) {
      if (this.dead) return;
      if (i === stallAt) await sleep(plan.stall?.ms ?? 0);
      else if (i > 0 && this.pieceDelayMs) await sleep(this.pieceDelayMs);
      let buf = Buffer.isBuffer(pieces[i]) ? /** @type {Buffer} */ (pieces[i]) : Buffer.from(pieces[i]);
      if (plan.drop != null && this.sent + buf.length >= plan.drop) {
        const part = buf.subarray(0, Math.max(0, plan.drop - this.sent));
        if (part.length) await this.writeBytes(part);
        this.res.socket?.destroy();
        this.dead = true;
        return;
      }
      await this.writeBytes(buf);
    }
    if (!this.dead) this.res.end();
  }

  /** @param {Buffer} buf */
  async writeBytes(buf) {
    this.sent += buf.length;
    if (!this.plan.bytewise) return this.write(buf);
    for (let j = 0; j < buf.length; j++) {
      if (this.dead) return;
      await this.write(buf.subarray(j, j + 1));
    }
  }
}
