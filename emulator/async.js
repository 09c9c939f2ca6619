// The async inference queue behind POST .../async_predict: request life cycle
// (QUEUED → IN_PROGRESS → SUCCEEDED | FAILED, EXPIRED, CANCELED, WEBHOOK_FAILED), queue status,
// and the signed webhook POST. Timings are options so tests run in milliseconds.
import { createHmac, randomBytes } from 'node:crypto';

/**
 * @typedef {object} AsyncOptions
 * @property {number} queueMs        time a request waits in QUEUED before it may start
 * @property {number} runMs          time spent IN_PROGRESS
 * @property {number} secondMs       real milliseconds per second of `max_time_in_queue_seconds`
 * @property {number} concurrency    requests IN_PROGRESS at once per deployment
 * @property {boolean} paused        keep everything QUEUED until resumed
 * @property {string[]} webhookSecrets one `v1=` signature per secret (several while rotating)
 * @property {(input: any) => any} predict the model: input → output
 *
 * @typedef {object} AsyncRecord
 * @property {string} request_id
 * @property {string} model_id
 * @property {string} deployment_id
 * @property {string} status
 * @property {string} webhook_status
 * @property {string} created_at
 * @property {string} status_at
 * @property {{ code: string, message: string }[]} errors
 * @property {any} input
 * @property {string | null} webhook
 * @property {number} priority
 * @property {number} seq
 * @property {any} output
 * @property {ReturnType<typeof setTimeout>[]} timers
 * @property {boolean} [ready] its queueMs wait is over
 */

/**
 * Sign a raw webhook body: `v1=<hex HMAC-SHA256(secret, body)>`, comma-joined per secret.
 * @param {string[]} secrets @param {string | Buffer} body
 */
export function signWebhook(secrets, body) {
  return secrets.map((s) => 'v1=' + createHmac('sha256', s).update(body).digest('hex')).join(',');
}

/** Only loopback webhook targets: the emulator must never call out of the machine. @param {string} url */
export function isLoopbackUrl(url) {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(u.hostname);
  } catch {
    return false;
  }
}

export class AsyncQueue {
  /** @param {() => AsyncOptions} options read on every use, so `configure()` applies at once */
  constructor(options) {
    this.options = options;
    /** @type {Map<string, AsyncRecord>} */
    this.records = new Map();
    this.seq = 0;
    /** @type {Set<Promise<void>>} webhook deliveries in flight (awaited by close) */
    this.deliveries = new Set();
  }

  /**
   * @param {{ model_id: string, deployment_id: string, input: any, webhook: string | null, priority: number, maxQueueSeconds: number }} a
   * @returns {AsyncRecord}
   */
  submit(a) {
    const now = new Date().toISOString();
    /** @type {AsyncRecord} */
    const rec = {
      request_id: randomBytes(16).toString('hex'),
      model_id: a.model_id,
      deployment_id: a.deployment_id,
      status: 'QUEUED',
      webhook_status: a.webhook ? 'PENDING' : 'NO_WEBHOOK_PROVIDED',
      created_at: now,
      status_at: now,
      errors: [],
      input: a.input,
      webhook: a.webhook,
      priority: a.priority,
      seq: ++this.seq,
      output: null,
      timers: [],
    };
    this.records.set(rec.request_id, rec);
    const o = this.options();
    rec.timers.push(setTimeout(() => {
      if (rec.status !== 'QUEUED') return;
      this.finish(rec, 'EXPIRED', null, [{ code: 'ASYNC_REQUEST_EXPIRED', message: `Request spent more than ${a.maxQueueSeconds} s in the queue` }]);
    }, a.maxQueueSeconds * o.secondMs));
    rec.timers.push(setTimeout(() => { rec.ready = true; this.pump(); }, o.queueMs));
    return rec;
  }

  /** Start queued requests, lowest priority number first, while capacity allows. */
  pump() {
    const o = this.options();
    if (o.paused) return;
    const queued = [...this.records.values()]
      .filter((r) => r.status === 'QUEUED' && r.ready)
      .sort((x, y) => x.priority - y.priority || x.seq - y.seq);
    for (const rec of queued) {
      const running = [...this.records.values()].filter((r) => r.status === 'IN_PROGRESS' && r.deployment_id === rec.deployment_id).length;
      if (running >= o.concurrency) continue;
      this.set(rec, 'IN_PROGRESS');
      rec.timers.push(setTimeout(() => {
        if (rec.input && rec.input.fail === true) {
          this.finish(rec, 'FAILED', null, [{ code: 'MODEL_PREDICT_ERROR', message: 'The model raised an error (model_input.fail was true)' }]);
        } else {
          this.finish(rec, 'SUCCEEDED', o.predict(rec.input), []);
        }
        this.pump();
      }, o.runMs));
    }
  }

  /** @param {AsyncRecord} rec @param {string} status */
  set(rec, status) {
    rec.status = status;
    rec.status_at = new Date().toISOString();
  }

  /**
   * @param {AsyncRecord} rec @param {string} status @param {any} output
   * @param {{ code: string, message: string }[]} errors
   */
  finish(rec, status, output, errors) {
    this.set(rec, status);
    rec.output = output;
    rec.errors = errors;
    if (rec.webhook) {
      const p = this.deliver(rec).finally(() => this.deliveries.delete(p));
      this.deliveries.add(p);
    }
  }

  /** POST the signed webhook; two attempts, then WEBHOOK_FAILED. @param {AsyncRecord} rec */
  async deliver(rec) {
    const body = JSON.stringify({
      request_id: rec.request_id,
      model_id: rec.model_id,
      deployment_id: rec.deployment_id,
      type: 'async_request_completed',
      time: new Date().toISOString(),
      data: rec.output,
      errors: rec.errors,
    });
    const signature = signWebhook(this.options().webhookSecrets, body);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await fetch(/** @type {string} */ (rec.webhook), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-BASETEN-SIGNATURE': signature },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await r.arrayBuffer();
        if (r.ok) {
          rec.webhook_status = 'SUCCEEDED';
          return;
        }
      } catch {
        /* retried below */
      }
    }
    rec.webhook_status = 'FAILED';
    if (rec.status === 'SUCCEEDED') this.set(rec, 'WEBHOOK_FAILED');
  }

  /** @param {string} id */
  get(id) {
    return this.records.get(id) ?? null;
  }

  /** Public JSON of a record, as GET /async_request/{id} answers. @param {AsyncRecord} r */
  view(r) {
    const { request_id, model_id, deployment_id, status, webhook_status, created_at, status_at, errors } = r;
    return { request_id, model_id, deployment_id, status, webhook_status, created_at, status_at, errors };
  }

  /** @param {string} id @returns {{ request_id: string, canceled: boolean, message: string } | null} */
  cancel(id) {
    const rec = this.records.get(id);
    if (!rec) return null;
    if (rec.status !== 'QUEUED') {
      return { request_id: id, canceled: false, message: `Request is ${rec.status}; only QUEUED requests can be canceled` };
    }
    this.set(rec, 'CANCELED');
    return { request_id: id, canceled: true, message: 'Request canceled' };
  }

  /** @param {string} model_id @param {string} deployment_id */
  queueStatus(model_id, deployment_id) {
    const rs = [...this.records.values()].filter((r) => r.model_id === model_id && r.deployment_id === deployment_id);
    return {
      model_id,
      deployment_id,
      num_queued_requests: rs.filter((r) => r.status === 'QUEUED').length,
      num_in_progress_requests: rs.filter((r) => r.status === 'IN_PROGRESS').length,
    };
  }

  resume() { this.pump(); }

  async close() {
    for (const r of this.records.values()) for (const t of r.timers) clearTimeout(t);
    await Promise.allSettled([...this.deliveries]);
  }

  reset() {
    for (const r of this.records.values()) for (const t of r.timers) clearTimeout(t);
    this.records.clear();
  }
}
