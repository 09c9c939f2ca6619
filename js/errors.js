// The error classes, named and shaped as in openai-node. The wasm core
// describes each failure (class name plus fields, with the key scrubbed);
// `toError` turns that description into an instance of the class here.

export class ModelwireError extends Error {
  /** @param {string} message @param {ErrorOptions} [options] */
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request was rejected before any network call. */
export class ValidationError extends ModelwireError {
  /** @param {string} message @param {string} field */
  constructor(message, field) {
    super(message);
    /** JSON path of the offending field (`messages[2].tool_call_id`). */
    this.field = field;
  }
}

/**
 * The model, as the catalog describes it, cannot serve the request: found
 * before any network call (`checkCapabilities`).
 */
export class CapabilityError extends ModelwireError {
  /**
   * @param {string} message
   * @param {{ model: string, feature: string, features: string[], requested?: number, limit?: number }} fields
   */
  constructor(message, fields) {
    super(message);
    /** The model's id. */
    this.model = fields.model;
    /** The catalog's name for the first thing it lacks: `tools`, `structured_outputs`, `vision`, `reasoning`, `max_completion_tokens`, … */
    this.feature = fields.feature;
    /** Everything it lacks. */
    this.features = fields.features;
    /** For `max_completion_tokens`: the output cap asked for and the model's limit. */
    this.requested = fields.requested;
    this.limit = fields.limit;
  }
}

/**
 * @typedef {object} ErrorFields
 * @property {number} [status]
 * @property {Headers} [headers]
 * @property {unknown} [error]
 * @property {string | null} [code]
 * @property {string | null} [param]
 * @property {string | null} [type]
 * @property {string | null} [requestId]
 * @property {unknown} [cause]
 */

export class APIError extends ModelwireError {
  /** @param {string} message @param {ErrorFields} [fields] */
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    /** @type {number | undefined} */
    this.status = fields.status;
    // Non-enumerable: Headers do not serialise, and JSON.stringify(err)
    // should show the fields that matter.
    Object.defineProperty(this, "headers", { value: fields.headers, enumerable: false });
    /** @type {unknown} */
    this.error = fields.error;
    /** @type {string | null | undefined} */
    this.code = fields.code;
    /** @type {string | null | undefined} */
    this.param = fields.param;
    /** @type {string | null | undefined} */
    this.type = fields.type;
    /** @type {string | null | undefined} */
    this.requestId = fields.requestId;
  }

  /** openai-node's spelling of `requestId`. */
  get requestID() {
    return this.requestId;
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PaymentRequiredError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class PayloadTooLargeError extends APIError {}
export class UnprocessableEntityError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}

export class APIConnectionError extends APIError {
  /** @param {string} [message] @param {ErrorFields} [fields] */
  constructor(message = "Connection error.", fields) {
    super(message, fields);
  }
}

export class APITimeoutError extends APIConnectionError {
  /** @param {string} [message] @param {ErrorFields} [fields] */
  constructor(message = "Request timed out.", fields) {
    super(message, fields);
  }
}

export class APIUserAbortError extends APIError {
  /** @param {string} [message] @param {ErrorFields & { partial?: unknown }} [fields] */
  constructor(message = "Request was aborted.", fields = {}) {
    super(message, fields);
    /** What arrived before the abort, when a stream was under way. */
    this.partial = fields.partial;
  }
}

/** A failure after the stream began; `partial` holds what arrived before it. */
export class StreamError extends APIError {
  /**
   * @param {string} message
   * @param {ErrorFields & { code: string, partial?: unknown, kind?: string }} fields
   */
  constructor(message, fields) {
    super(message, fields);
    /** @type {any} */
    this.code = fields.code;
    /** @type {any} */
    this.partial = fields.partial;
    /** For `server_error`: the class the server's error maps to. */
    this.kind = fields.kind;
  }
}

const byName = {
  APIError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
};

/**
 * The class instance for a response error the core described.
 * @param {import("../pkg/web/modelwire.js").ApiErrorFields} fields
 * @param {Headers} headers
 * @returns {APIError}
 */
export function responseError(fields, headers) {
  const Class = byName[/** @type {keyof typeof byName} */ (fields.name)] ?? APIError;
  return new Class(fields.message, {
    status: fields.status,
    headers,
    error: fields.error,
    code: fields.code,
    param: fields.param,
    type: fields.type,
    requestId: fields.requestId ?? headers.get("x-baseten-request-id") ?? headers.get("x-request-id"),
  });
}

/**
 * Converts an `Error` thrown by the wasm core (named `ValidationError`,
 * `StreamError`, `SseError` or `ModelwireError`) into its class; anything
 * else is returned as is.
 * @param {unknown} err
 * @param {{ headers?: Headers, requestId?: string | null, partial?: unknown }} [context]
 * @returns {unknown}
 */
export function fromCore(err, context = {}) {
  if (!(err instanceof Error) || err instanceof ModelwireError) return err;
  const e = /** @type {any} */ (err);
  switch (err.name) {
    case "ValidationError":
      return new ValidationError(err.message, e.field);
    case "ModelwireError":
      return new ModelwireError(err.message);
    case "CapabilityError":
      return new CapabilityError(err.message, e);
    case "StreamError":
    case "SseError":
      return new StreamError(err.message, {
        code: e.code,
        kind: e.kind,
        error: e.error,
        type: e.type,
        param: e.param,
        headers: context.headers,
        requestId: context.requestId,
        partial: context.partial,
      });
    default:
      return err;
  }
}
