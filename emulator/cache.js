// Prefix (KV) cache bookkeeping: prompt tokens that repeat a prefix already sent with the same
// key and model come back as `cached_tokens` / `cache_read_input_tokens`, in whole blocks.
import { createHash } from 'node:crypto';

export class PrefixCache {
  /** @param {{ blockTokens?: number, maxEntries?: number }} [opts] */
  constructor(opts = {}) {
    this.blockTokens = opts.blockTokens ?? 8;
    this.maxEntries = opts.maxEntries ?? 100_000;
    /** @type {Set<string>} */
    this.blocks = new Set();
  }

  /**
   * Look up and then remember a prompt. Returns how many leading tokens were already cached.
   * @param {string} scope key fingerprint + model
   * @param {string[]} tokens the prompt as tokens
   */
  use(scope, tokens) {
    const h = createHash('sha256').update(scope);
    let cached = 0;
    let hit = true;
    const seen = [];
    for (let end = this.blockTokens; end <= tokens.length; end += this.blockTokens) {
      for (let i = end - this.blockTokens; i < end; i++) h.update(tokens[i]).update('\u0001');
      const id = h.copy().digest('hex');
      if (hit && this.blocks.has(id)) cached = end;
      else hit = false;
      seen.push(id);
    }
    if (this.blocks.size + seen.length > this.maxEntries) this.blocks.clear();
    for (const id of seen) this.blocks.add(id);
    return cached;
  }

  reset() { this.blocks.clear(); }
}
