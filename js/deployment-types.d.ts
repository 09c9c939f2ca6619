// Types of dedicated deployments (`client.deployment()`), async requests and
// `verifyWebhook`. Re-exported by index.d.ts.
import type { Client, ClientOptions, ModelwireError, RequestOptions } from "./index.js";

/** Which deployment of a model `client.deployment(modelId, options)` talks to. Give at most one of `environment`, `deploymentId`, `development`. */
export interface DeploymentOptions {
  /** `/environments/{environment}` (default `production`): lowercase letters, digits, inner hyphens. */
  environment?: string;
  /** `/deployment/{deploymentId}`: the alphanumeric id from the dashboard. */
  deploymentId?: string;
  /** `/development`: the development deployment. */
  development?: boolean;
  /**
   * The regional host `model-{id}-{env}.api.baseten.co` with bare paths: an environment name
   * (`region: "eu-prod"`), or `true` for the regional host of `environment` (default production).
   */
  region?: string | boolean;
  /** Same as `region: true`. */
  regional?: boolean;
  /** A chain (`chain-{id}` host) rather than a model. */
  chain?: boolean;
  /** Replaces `https://model-{id}.api.baseten.co` for this deployment; default: the client's `deploymentBaseURL`. */
  baseURL?: string;
  /** Default: the client's `authScheme`, else `"Api-Key"` (the form in Baseten's deployment docs). */
  authScheme?: "Bearer" | "Api-Key";
}

/** `client.asyncRequest(id, options)`: async requests are addressed on their model's host. */
export interface AsyncRequestOptions extends Omit<DeploymentOptions, "environment" | "deploymentId" | "development" | "region" | "regional"> {
  /** The model the request was queued on. */
  modelId: string;
}

export interface PredictOptions extends RequestOptions {
  /**
   * Resolve with a `PredictStream` of the raw response bytes instead of parsed JSON.
   * The model decides whether it streams (usually from a field of its input, such as `stream: true`).
   */
  stream?: boolean;
}

/** `deployment.sync(route, init)`: fetch's init plus the request options. */
export interface SyncInit extends RequestOptions {
  /** Default `GET`, or `POST` when there is a body. */
  method?: string;
  /** A plain value is sent as JSON; a string, bytes, Blob, URLSearchParams or FormData as is. */
  body?: unknown;
  /** Merged over the client's (a `null` value removes one); `authorization` is the client's key. */
  headers?: Record<string, string | null>;
  /** Resolve as soon as the headers arrived and leave the body unread (otherwise it is read, under the timeout). */
  stream?: boolean;
}

export interface InferenceRetryConfig {
  /** 1–10 attempts in all. */
  maxAttempts?: number;
  /** 0–10000 ms. */
  initialDelayMs?: number;
  /** 0–60000 ms. */
  maxDelayMs?: number;
}

export interface AsyncPredictOptions extends RequestOptions {
  /** Where Baseten POSTs the result; must be `https://`. */
  webhookEndpoint?: string;
  /** 0 (first) to 2. Default 0. */
  priority?: number;
  /** 10 to 259200. Default 600. */
  maxTimeInQueueSeconds?: number;
  inferenceRetryConfig?: InferenceRetryConfig;
  /** Also accept `http://` webhooks on 127.0.0.1, localhost or [::1] (the emulator). Baseten requires HTTPS. */
  allowHttpLoopbackWebhook?: boolean;
}

export type AsyncRequestState =
  | "QUEUED"
  | "IN_PROGRESS"
  | "SUCCEEDED"
  | "FAILED"
  | "EXPIRED"
  | "CANCELED"
  | "WEBHOOK_FAILED";

/** `GET /async_request/{id}`. The model's output is not here: it goes to the webhook. */
export interface AsyncRequestStatus {
  request_id: string;
  model_id: string;
  deployment_id: string;
  status: AsyncRequestState | (string & {});
  webhook_status: string;
  created_at: string;
  status_at: string;
  errors: { code: string; message: string }[];
  [key: string]: unknown;
}

export interface AsyncCancelResult {
  request_id: string;
  /** `false` when the request was no longer QUEUED (see `message`). */
  canceled: boolean;
  message: string;
  [key: string]: unknown;
}

export interface AsyncQueueStatus {
  model_id: string;
  deployment_id: string;
  num_queued_requests: number;
  num_in_progress_requests: number;
  [key: string]: unknown;
}

export interface WaitForOptions extends RequestOptions {
  /** Milliseconds before the second poll; each wait is 1.5 times the last. Default 1000. */
  pollInterval?: number;
  /** The longest wait between polls. Default 10000 (or `pollInterval` if larger). */
  maxPollInterval?: number;
  /** Called with every status polled, the final one included. */
  onStatus?: (status: AsyncRequestStatus) => void;
}

/** The raw bytes of a streamed predict (not SSE). Iterate once; breaking out or aborting cancels the body. */
export declare class PredictStream implements AsyncIterable<Uint8Array> {
  /** Aborting it ends iteration with `APIUserAbortError`. */
  readonly controller: AbortController;
  readonly response: Response;
  readonly requestId: string | null;
  /** A lost connection or `idleTimeout` ends iteration with `StreamError` (`connection_lost`, `idle_timeout`). */
  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined>;
  /** The bytes decoded as UTF-8; a character split across chunks comes out whole. */
  textChunks(): AsyncGenerator<string, void, undefined>;
  /** The whole body as text. */
  text(): Promise<string>;
}

/** An async request, by id. */
export interface AsyncRequest {
  readonly id: string;
  status(options?: RequestOptions): Promise<AsyncRequestStatus>;
  /** Only a QUEUED request can be canceled; otherwise resolves with `canceled: false`. */
  cancel(options?: RequestOptions): Promise<AsyncCancelResult>;
  /** Polls until the status is final (not QUEUED / IN_PROGRESS) and resolves with it, whatever it is. */
  wait(options?: WaitForOptions): Promise<AsyncRequestStatus>;
}

/** One deployed model or chain, at one environment, deployment or region. */
export interface Deployment {
  readonly id: string;
  /** The predict URL; every endpoint shares its prefix. */
  readonly predictURL: string;
  /** `{target}/sync/v1`. */
  readonly openaiBaseURL: string;
  /** `{target}/sync/{route}`; throws `ValidationError` (`route`) for `..`, encoded `/`, a fragment, … */
  syncURL(route: string): string;
  /** `POST {target}/predict`: any JSON in, the parsed JSON out. */
  predict<T = any>(input: unknown, options?: PredictOptions & { stream?: false }): Promise<T>;
  predict(input: unknown, options: PredictOptions & { stream: true }): Promise<PredictStream>;
  predict(input: unknown, options?: PredictOptions): Promise<any>;
  /** A route of the custom server: resolves with the 2xx `Response`, rejects with the typed `APIError`. */
  sync(route: string, init?: SyncInit): Promise<Response>;
  /** A `Client` rooted at `{target}/sync/v1` (OpenAI-compatible servers); same key, `Api-Key` unless the client set `authScheme`. */
  openai(options?: ClientOptions): Client;
  /** `POST {target}/async_predict`; resolves with the request id. */
  asyncPredict(input: Record<string, unknown>, options?: AsyncPredictOptions): Promise<string>;
  queueStatus(options?: RequestOptions): Promise<AsyncQueueStatus>;
  /** `POST {target}/wake`; the body, `null` when empty. */
  wake(options?: RequestOptions): Promise<unknown>;
  asyncRequest(requestId: string): AsyncRequest;
  /** `asyncRequest(requestId).wait(options)`. */
  waitFor(requestId: string, options?: WaitForOptions): Promise<AsyncRequestStatus>;
}

/** What Baseten POSTs to `webhookEndpoint` when an async request ends. */
export interface AsyncWebhookPayload {
  request_id: string;
  model_id: string;
  deployment_id: string;
  type: "async_request_completed" | (string & {});
  time: string;
  /** The model's output (`null` when it failed). */
  data: unknown;
  errors: { code: string; message: string }[];
  [key: string]: unknown;
}

export type WebhookVerificationErrorCode =
  | "empty_secret"
  | "missing_signature"
  | "malformed_signature"
  | "mismatch"
  | "invalid_payload";

/** A webhook that must not be trusted; `code` says why. Never contains the secret. */
export declare class WebhookVerificationError extends ModelwireError {
  readonly code: WebhookVerificationErrorCode;
}

export type WebhookSecret = string | Uint8Array | ArrayBuffer;

/**
 * Checks `X-BASETEN-SIGNATURE` (`v1=<hex HMAC-SHA256(secret, rawBody)>`, comma-separated
 * while a secret rotates) in constant time and returns the parsed body. Throws
 * `WebhookVerificationError` for a missing or malformed header, a mismatch (altered
 * body, wrong secret) or an empty secret. Pass the body exactly as received; several
 * secrets verify during your own rotation.
 *
 * ```ts
 * const payload = verifyWebhook(env.WEBHOOK_SECRET, await request.arrayBuffer(), request.headers);
 * ```
 */
export function verifyWebhook<T = AsyncWebhookPayload>(
  secret: WebhookSecret | readonly WebhookSecret[],
  rawBody: string | Uint8Array | ArrayBuffer | ArrayBufferView,
  signatureHeader: string | Headers | Record<string, unknown> | null | undefined,
): T;

/** `v1=<hex HMAC-SHA256(secret, body)>`, as Baseten signs (for tests and relays). */
export function signWebhook(secret: WebhookSecret, body: string | Uint8Array | ArrayBuffer | ArrayBufferView): string;
