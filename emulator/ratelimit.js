// Per-key rate limiting over a sliding 60 s window: requests/min and tokens/min, like the
// Model APIs tiers. Baseten sends no retry headers on these 429s, so neither do we.

/** Sliding-window counters per key fingerprint. */
export class RateLimiter {
  /** @param {{ windowMs?: number, now?: () => number }} [opts] */
  constructor(opts = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    /** @type {Map<string, { requests: number[], tokens: { t: number, n: number }[] }>} */
    this.byKey = new Map();
  }

  /** @param {string} who */
  entry(who) {
    let e = this.byKey.get(who);
    if (!e) this.byKey.set(who, (e = { requests: [], tokens: [] }));
    const cutoff = this.now() - this.windowMs;
    while (e.requests.length && e.requests[0] <= cutoff) e.requests.shift();
    while (e.tokens.length && e.tokens[0].t <= cutoff) e.tokens.shift();
    return e;
  }

  /**
   * Admit a request or say why not. Counts the request when admitted.
   * @param {string} who
   * @param {{ rpm?: number | null, tpm?: number | null }} limits
   * @returns {string | null} a refusal message, or null when admitted
   */
  admit(who, limits) {
    const e = this.entry(who);
    if (limits.rpm != null && e.requests.length >= limits.rpm) {
      return `Rate limit exceeded: ${limits.rpm} requests per minute`;
    }
    if (limits.tpm != null) {
      const used = e.tokens.reduce((s, x) => s + x.n, 0);
      if (used >= limits.tpm) return `Rate limit exceeded: ${limits.tpm} tokens per minute`;
    }
    e.requests.push(this.now());
    return null;
  }

  /** Record tokens used by an admitted request. @param {string} who @param {number} n */
  spend(who, n) {
    if (n > 0) this.entry(who).tokens.push({ t: this.now(), n });
  }

  reset() { this.byKey.clear(); }
}
