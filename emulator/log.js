// The request log tests read (programmatically or via GET /__emulator/log). Headers are
// stored redacted (see auth.js); the raw key is never kept.

/**
 * @typedef {object} LogEntry
 * @property {number} seq
 * @property {string} time ISO time the request arrived
 * @property {string} method
 * @property {string} path path and query
 * @property {Record<string, string | string[] | undefined>} headers redacted
 * @property {any} body parsed JSON, raw text, or `{ truncated: true, bytes }` for big bodies
 * @property {number | null} status set when the response starts
 * @property {string} requestId the X-Baseten-Request-Id sent back
 * @property {string | null} fault the fault spec in effect, if any
 */

export const LOG_BODY_LIMIT = 1024 * 1024;

export class RequestLog {
  /** @param {{ limit?: number }} [opts] */
  constructor(opts = {}) {
    this.limit = opts.limit ?? 10_000;
    /** @type {LogEntry[]} */
    this.entries = [];
    this.seq = 0;
  }

  /** @param {Omit<LogEntry, 'seq'>} e @returns {LogEntry} */
  add(e) {
    const entry = { seq: ++this.seq, ...e };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
    return entry;
  }

  /**
   * Body as logged: JSON when it parses, text otherwise, a marker when large.
   * @param {Buffer} buf
   */
  static body(buf) {
    if (!buf.length) return null;
    if (buf.length > LOG_BODY_LIMIT) return { truncated: true, bytes: buf.length };
    const text = buf.toString('utf8');
    try { return JSON.parse(text); } catch { return text; }
  }

  /** @returns {LogEntry[]} a copy */
  list() { return this.entries.slice(); }

  clear() { this.entries = []; }
}
