// Error bodies in the shapes observed on Baseten's inference hosts
// (../shared/notes/baseten-api.md, "Bodies seen on the same host").

/** An error the router turns into an HTTP response. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {any} body JSON body, sent as is
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** @type {Record<number, string>} */
const REASON = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Payload Too Large', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 529: 'Overloaded',
};

/** @param {number} status */
export const reason = (status) => REASON[status] ?? 'Error';

/**
 * `{"error":{"code":400,"message":"Validation: ...","type":"Bad Request"}}`
 * @param {string} message @param {number} [status]
 */
export function validation(message, status = 400) {
  return new HttpError(status, { error: { code: status, message: `Validation: ${message}`, type: reason(status) } });
}

/**
 * `{"message":"This model does not support ...","type":"Bad Request","code":400}`
 * @param {string} message @param {number} [status]
 */
export function unsupported(message, status = 400) {
  return new HttpError(status, { message, type: reason(status), code: status });
}

/**
 * `{"error":"please check the api-key you provided"}` (and the same flat shape for other auth failures).
 * @param {number} status @param {string} message
 */
export function flat(status, message) {
  return new HttpError(status, { error: message });
}

/**
 * `{"error":"...","error_code":"model_not_ready","detail":"..."}`
 * @param {number} status @param {string} message @param {string} code @param {string} detail
 */
export function coded(status, message, code, detail) {
  return new HttpError(status, { error: message, error_code: code, detail });
}

/**
 * `{"error":{"code":N,"message":"...","type":"<reason>"}}` for non-validation failures.
 * @param {number} status @param {string} message
 */
export function generic(status, message) {
  return new HttpError(status, { error: { code: status, message, type: reason(status) } });
}

/** @type {Record<number, string>} */
const ANTHROPIC_TYPE = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
  503: 'overloaded_error', 529: 'overloaded_error',
};

/**
 * `{"type":"error","error":{"type":"overloaded_error","message":"..."}}`
 * @param {number} status @param {string} message @param {string} [type]
 */
export function anthropic(status, message, type = ANTHROPIC_TYPE[status] ?? 'api_error') {
  return new HttpError(status, { type: 'error', error: { type, message } });
}

/**
 * An error body for an injected or rate-limit status, shaped for the protocol of the route.
 * @param {'openai' | 'anthropic' | 'predict'} protocol
 * @param {number} status
 * @param {string} message
 * @param {Record<string, string>} [headers]
 */
export function forProtocol(protocol, status, message, headers = {}) {
  const e = protocol === 'anthropic' ? anthropic(status, message) : generic(status, message);
  e.headers = headers;
  return e;
}
