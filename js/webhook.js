// `verifyWebhook`: checks the `X-BASETEN-SIGNATURE` of an async predict
// webhook in wasm (HMAC-SHA256, constant time, several `v1=` entries while a
// secret rotates), then parses the body. Works in Workers, browsers, Node
// and Deno: no node:crypto, no WebCrypto.

import { ModelwireError } from "./errors.js";

/** Why a webhook was refused; `code` says which check failed. The secret is never in it. */
export class WebhookVerificationError extends ModelwireError {
  /** @param {string} message @param {"empty_secret" | "missing_signature" | "malformed_signature" | "mismatch" | "invalid_payload"} code */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const encoder = new TextEncoder();
const HEADER = "x-baseten-signature";

/**
 * Bytes exactly as received.
 * @param {unknown} value @param {string} what
 * @returns {Uint8Array}
 */
function bytes(value, what) {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a string, a Uint8Array or an ArrayBuffer`);
}

/**
 * The header value from a string, a `Headers` or a plain headers object (Node's `req.headers`).
 * @param {unknown} header @returns {string}
 */
function headerValue(header) {
  if (header === undefined || header === null) return "";
  if (typeof header === "string") return header;
  if (typeof (/** @type {any} */ (header).get) === "function") return /** @type {Headers} */ (header).get(HEADER) ?? "";
  if (typeof header === "object") {
    for (const [name, value] of Object.entries(header)) {
      if (name.toLowerCase() !== HEADER) continue;
      return Array.isArray(value) ? value.join(",") : String(value ?? "");
    }
    return "";
  }
  throw new TypeError("signatureHeader must be the X-BASETEN-SIGNATURE value, a Headers object or a headers record");
}

/**
 * @param {{ verifyWebhookSignature: (secrets: Uint8Array[], body: Uint8Array, header: string) => void, signWebhook: (secret: Uint8Array, body: Uint8Array) => string }} wasm
 */
export function makeWebhooks(wasm) {
  /**
   * Verifies a webhook and returns its parsed payload; throws
   * `WebhookVerificationError` otherwise.
   * @param {string | Uint8Array | ArrayBuffer | ReadonlyArray<string | Uint8Array | ArrayBuffer>} secret
   * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} rawBody
   * @param {string | Headers | Record<string, unknown> | null | undefined} signatureHeader
   */
  function verifyWebhook(secret, rawBody, signatureHeader) {
    const secrets = (Array.isArray(secret) ? secret : [secret]).map((s) => bytes(s, "secret"));
    const body = bytes(rawBody, "rawBody");
    try {
      wasm.verifyWebhookSignature(secrets, body, headerValue(signatureHeader));
    } catch (err) {
      if (err instanceof Error && err.name === "WebhookVerificationError") throw new WebhookVerificationError(err.message, /** @type {any} */ (err).code);
      throw err;
    }
    try {
      return JSON.parse(typeof rawBody === "string" ? rawBody : new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch (cause) {
      const error = new WebhookVerificationError("webhook signature is valid, but the body is not JSON", "invalid_payload");
      error.cause = cause;
      throw error;
    }
  }

  /**
   * `v1=<hex HMAC-SHA256(secret, body)>`, the header Baseten sends.
   * @param {string | Uint8Array | ArrayBuffer} secret @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} body
   */
  function signWebhook(secret, body) {
    try {
      return wasm.signWebhook(bytes(secret, "secret"), bytes(body, "body"));
    } catch (err) {
      if (err instanceof Error && err.name === "WebhookVerificationError") throw new WebhookVerificationError(err.message, /** @type {any} */ (err).code);
      throw err;
    }
  }

  return { verifyWebhook, signWebhook };
}
