// One request's context: its parsed body, caller, fault plan, log entry, and the ways to answer
// (a JSON body, an SSE stream, raw bytes), all of which go through the fault-aware Wire.
import { Wire } from './faults.js';
import { validation, HttpError } from './errors.js';

/**
 * Read the whole request body, answering 413 past `limit` bytes. The rest of an oversized body is
 * drained (not kept) so the client can read the answer instead of seeing a reset.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<{ body: Buffer, tooLarge: number | null }>} `tooLarge`: bytes seen when over the limit
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const parts = [];
    let n = 0;
    let over = false;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) over = true;
    req.on('data', (/** @type {Buffer} */ c) => {
      n += c.length;
      if (n > limit) over = true;
      if (!over) parts.push(c);
    });
    req.on('end', () => resolve({ body: over ? Buffer.alloc(0) : Buffer.concat(parts), tooLarge: over ? Math.max(n, declared || 0) : null }));
    req.on('error', reject);
  });
}

export class Ctx {
  /**
   * @param {object} a
   * @param {import('node:http').IncomingMessage} a.req
   * @param {import('node:http').ServerResponse} a.res
   * @param {URL} a.url
   * @param {Buffer} a.raw
   * @param {string} a.requestId
   * @param {import('./log.js').LogEntry} a.entry
   * @param {import('./state.js').State} a.state
   */
  constructor({ req, res, url, raw, requestId, entry, state }) {
    this.req = req;
    this.res = res;
    this.url = url;
    this.raw = raw;
    this.requestId = requestId;
    this.entry = entry;
    this.state = state;
    /** @type {import('./auth.js').Caller | null} */
    this.caller = null;
    /** @type {import('./faults.js').FaultPlan} */
    this.faults = {};
    /** @type {any} */
    this._json = undefined;
  }

  /** The body as JSON (400 in the Validation shape when it isn't). */
  json() {
    if (this._json !== undefined) return this._json;
    try {
      this._json = JSON.parse(this.raw.toString('utf8') || 'null');
    } catch (e) {
      throw validation(`request body is not valid JSON (${/** @type {Error} */ (e).message})`);
    }
    return this._json;
  }

  /**
   * @param {number} status
   * @param {Record<string, string | number>} headers
   */
  head(status, headers) {
    this.entry.status = status;
    if (this.res.headersSent) return;
    this.res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) this.res.setHeader(k, v);
  }

  /**
   * Answer with a JSON body.
   * @param {number} status @param {any} body @param {Record<string, string | number>} [headers]
   */
  async reply(status, body, headers = {}) {
    const text = JSON.stringify(body);
    this.head(status, { 'content-type': 'application/json', ...headers });
    // A stall fault needs a mid-body point: send the body in two halves.
    const pieces = this.faults.stall ? [text.slice(0, text.length >> 1), text.slice(text.length >> 1)] : [text];
    if (!this.faults.drop && !this.faults.stall && !this.faults.bytewise) {
      this.res.setHeader('content-length', Buffer.byteLength(text));
    }
    await new Wire(this.res, { ...this.faults, stall: this.faults.stall && { ...this.faults.stall, at: 1 } }).send(pieces);
  }

  /**
   * Answer with an SSE stream made of framed blocks.
   * @param {string[]} events
   */
  async sse(events) {
    this.head(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    await new Wire(this.res, this.faults, { pieceDelayMs: this.state.options.streamDelayMs }).send(events);
  }

  /**
   * Answer with raw chunked bytes (a streaming predict).
   * @param {(string | Buffer)[]} chunks @param {Record<string, string>} [headers]
   */
  async bytes(chunks, headers = {}) {
    this.head(200, { 'content-type': 'application/octet-stream', ...headers });
    await new Wire(this.res, this.faults, { pieceDelayMs: this.state.options.streamDelayMs }).send(chunks);
  }

  /** @param {HttpError} e */
  async fail(e) {
    await this.reply(e.status, e.body, e.headers);
  }
}
