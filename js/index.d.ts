// Types for every runtime entry (web, inline, workerd, node): they export the same API.
import type { SseDecoderOptions, SseEvent, SseFinish } from "../pkg/web/modelwire.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  CompletionUsage,
} from "./chat-types.js";
import type {
  ContentBlock,
  Message,
  MessageCreateParams,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  MessageStreamParams,
  RawMessageStreamEvent,
  TextCitation,
  Usage,
} from "./messages-types.js";

export { ChatStream, SseDecoder, PartialJson } from "../pkg/web/modelwire.js";
export type { SseDecoderOptions, SseEvent, SseFinish, ChatStreamOptions } from "../pkg/web/modelwire.js";
export type * from "./chat-types.js";
export type * from "./messages-types.js";
export * from "./convert-types.js";
import type { Conversion, LossKind } from "./convert-types.js";
export * from "./deployment-types.js";
export * from "./models-types.js";
import type { Cost, Meter, Models, WithCost } from "./models-types.js";
import type { AsyncRequest, AsyncRequestOptions, Deployment, DeploymentOptions } from "./deployment-types.js";

/**
 * Iterates the Server-Sent Events of a byte stream, such as `response.body`.
 * Breaking out of the loop cancels the stream. The iterator's return value
 * (`{ done: true, value }`) reports whether the stream was cut mid-event.
 *
 * ```ts
 * for await (const { event, data } of sseEvents(response.body!)) console.log(event, data);
 * ```
 */
export function sseEvents(
  stream: ReadableStream<Uint8Array>,
  options?: SseDecoderOptions,
): AsyncGenerator<SseEvent, SseFinish, undefined>;

// ---------------------------------------------------------------------------
// Client

/** Baseten's Model APIs. */
export const DEFAULT_BASE_URL: "https://inference.baseten.co/v1";

export interface ClientOptions {
  /** Sent as `Authorization: {authScheme} {apiKey}`; never as `x-api-key`. `null` sends no Authorization. */
  apiKey?: string | null;
  /** Default `https://inference.baseten.co/v1`. */
  baseURL?: string;
  /** Default `"Bearer"`. Baseten accepts both. */
  authScheme?: "Bearer" | "Api-Key";
  /** Default `globalThis.fetch`, looked up at call time. */
  fetch?: typeof fetch;
  /** Retries after 408, 409, 429, 5xx and connection failures. Default 2. */
  maxRetries?: number;
  /** Milliseconds per attempt until the response headers (and, without streaming, the whole body) arrive. Default 600000. */
  timeout?: number;
  /** Milliseconds a stream may go without a byte before it fails with `StreamError` code `idle_timeout`. Default: no limit. */
  idleTimeout?: number;
  /** Added to every request; a `null` value removes a default header. */
  defaultHeaders?: Record<string, string | null>;
  /**
   * The protocol the server speaks. Unset: each call goes to its own endpoint. `"messages"`:
   * `chat.completions` calls are converted and sent to `/messages`, their responses and streams
   * converted back; `"chat"`: `messages` calls go to `/chat/completions` the same way.
   * What does not carry over is in `_conversion` / `.conversion`.
   */
  protocol?: "chat" | "messages";
  /**
   * With `protocol`: reject a request whose conversion would lose something, before sending
   * (`ConversionError` with `code: "lossy"`). `true` refuses `dropped`, `approximated` and
   * `unsupported` (a `reshaped` field keeps its meaning); a list names the kinds refused.
   */
  strictConversion?: boolean | LossKind[];
  /**
   * Replaces `https://model-{model_id}.api.baseten.co` for `client.deployment()` (the emulator, a proxy):
   * `{model_id}` is replaced by the id, Baseten's paths are appended (`http://127.0.0.1:PORT/model/{model_id}`).
   */
  deploymentBaseURL?: string;
  /**
   * Check each request against the model catalog before sending it (tools, JSON schema, images,
   * reasoning options, the output cap): a `CapabilityError` instead of a request. `true` (default):
   * when the catalog is loaded (`client.models.list()` / `retrieve()`), never fetching it by itself;
   * `"fetch"`: load it first when it is missing or older than `catalogTTL` (one shared request; if it
   * fails, requests go unchecked for 30 s); `false`: never.
   */
  checkCapabilities?: boolean | "fetch";
  /** Milliseconds a loaded catalog is reused by `client.models` (and `checkCapabilities: "fetch"`). Default 600000; `Infinity` keeps it. */
  catalogTTL?: number;
}

export interface RequestOptions {
  /** Aborting rejects with `APIUserAbortError` at any stage and cancels the body. */
  signal?: AbortSignal | null;
  timeout?: number;
  idleTimeout?: number;
  maxRetries?: number;
  /** Merged over the client's headers; `null` removes one. */
  headers?: Record<string, string | null>;
  /** Overrides the client's `protocol` for this call. */
  protocol?: "chat" | "messages";
  /** Overrides the client's `strictConversion` for this call. */
  strictConversion?: boolean | LossKind[];
  /** Overrides the client's `checkCapabilities` for this call. */
  checkCapabilities?: boolean | "fetch";
  /**
   * `create({ stream: true })` only. `true` (default): the stream keeps the result so far, for
   * `currentCompletion()` / `currentMessage()` and the `partial` of a `StreamError`. `false`: it keeps
   * none of the deltas' text (usage and finish reasons are still kept, for the meter), so that memory
   * stays constant however long the stream, as openai-node's and the Anthropic SDK's `Stream`;
   * `currentCompletion()` then throws and `partial` is `undefined`. Every chunk is delivered the same.
   */
  accumulate?: boolean;
}

/** What every result carries besides its data (non-enumerable, as in openai-node). */
export interface WithRequestId {
  /** From `X-Baseten-Request-Id`, else `x-request-id`. */
  readonly _request_id?: string | null;
  /** Sent through the other protocol (`protocol` option): what did not carry over. */
  readonly _conversion?: Conversion;
  /** What the request cost at the loaded catalog's prices (`null` without usage); also added to `client.meter`. */
  readonly _cost?: Cost | null;
}

export declare class Client {
  constructor(options?: ClientOptions);
  readonly baseURL: string;
  readonly maxRetries: number;
  readonly timeout: number;
  readonly idleTimeout: number | undefined;
  readonly chat: { readonly completions: Completions };
  /** Anthropic Messages (`POST {baseURL}/messages`), as @anthropic-ai/sdk's `client.messages`. */
  readonly messages: Messages;
  /** The model catalog: `list()`, `retrieve(id)`, cached for `catalogTTL`. */
  readonly models: Models;
  /** Every request of this client that reported usage, totalled exactly at the loaded catalog's prices. */
  readonly meter: Meter;
  /** A copy with some options changed (the key is kept unless given). */
  withOptions(options: ClientOptions): Client;
  /** A dedicated deployment; throws `ValidationError` for an id or environment that cannot be a host or path part. */
  deployment(modelId: string, options?: DeploymentOptions): Deployment;
  /** An async request by id, on its model's host (`{ modelId }` is required). */
  asyncRequest(requestId: string, options: AsyncRequestOptions): AsyncRequest;
}
export { Client as default };

export declare class Completions {
  create(
    params: ChatCompletionCreateParamsNonStreaming,
    options?: RequestOptions,
  ): Promise<ChatCompletion & WithRequestId>;
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(
    params: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): Promise<(ChatCompletion & WithRequestId) | Stream<ChatCompletionChunk>>;
  /** A streaming request with events and the accumulated completion (`stream: true` is implied). */
  stream(params: ChatCompletionCreateParams, options?: RequestOptions): ChatCompletionStream;
}

/** The chunks of a streamed response, in order. Iterate once. */
export declare class Stream<T> implements AsyncIterable<T> {
  /** Aborting it stops the stream: iteration ends with `APIUserAbortError`. */
  readonly controller: AbortController;
  readonly response: Response;
  readonly requestId: string | null;
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Newline-delimited JSON of the chunks, as openai-node's `toReadableStream()`. */
  toReadableStream(): ReadableStream<Uint8Array>;
  /**
   * The completion accumulated from the chunks delivered so far (choices by index,
   * tool calls by index, content and reasoning concatenated, last usage). Throws
   * `ModelwireError` for a stream created with `accumulate: false`.
   */
  currentCompletion(): ChatCompletion;
  /** Messages: the message accumulated from the events delivered so far (throws as `currentCompletion()`). */
  currentMessage(): Message;
  /** Sent through the other protocol: what did not carry over (the stream's part so far). */
  readonly conversion: Conversion | undefined;
}

/** Arguments of the `tool_calls.function.arguments.delta` event. */
export interface ToolArgumentsDeltaEvent {
  /** Choice index. */
  choice: number;
  /** Tool call index within the choice. */
  index: number;
  name: string;
  /** The arguments so far, raw. */
  arguments: string;
  arguments_delta: string;
  /**
   * The arguments so far as a value, parsed incrementally (the parse of each delta
   * costs work proportional to the delta). Evaluated when read; `{}` while the first
   * key is still incomplete, `undefined` before the opening `{`.
   */
  readonly parsed_arguments: unknown;
}

export interface ToolArgumentsDoneEvent {
  choice: number;
  index: number;
  name: string;
  arguments: string;
  parsed_arguments: unknown;
}

export interface ChatCompletionStreamEvents {
  connect: () => void;
  chunk: (chunk: ChatCompletionChunk, snapshot: ChatCompletion) => void;
  /** Content of choice 0. */
  content: (delta: string, snapshot: string) => void;
  "content.delta": (event: { choice: number; delta: string; snapshot: string; readonly parsed: unknown }) => void;
  "content.done": (event: { choice: number; content: string; parsed: unknown }) => void;
  /** `reasoning_content` / `reasoning` of choice 0. */
  reasoning: (delta: string, snapshot: string) => void;
  "reasoning.delta": (event: { choice: number; delta: string; snapshot: string }) => void;
  "reasoning.done": (event: { choice: number; reasoning: string }) => void;
  "refusal.delta": (event: { choice: number; delta: string; snapshot: string }) => void;
  "refusal.done": (event: { choice: number; refusal: string }) => void;
  "tool_calls.function.arguments.delta": (event: ToolArgumentsDeltaEvent) => void;
  /** Alias of `tool_calls.function.arguments.delta`. */
  "tool_call.arguments.delta": (event: ToolArgumentsDeltaEvent) => void;
  "tool_calls.function.arguments.done": (event: ToolArgumentsDoneEvent) => void;
  functionToolCall: (call: ChatCompletionMessageToolCall["function"]) => void;
  /**
   * The latest running usage (Baseten sends it on every chunk), and its cost at the catalog's prices
   * (computed only for a listener that declares it, which also loads the catalog before the request;
   * `null` when the model or a price is not in it).
   */
  usage: (usage: CompletionUsage, cost: Cost | null) => void;
  message: (message: ChatCompletionMessage) => void;
  chatCompletion: (completion: ChatCompletion) => void;
  finalContent: (content: string) => void;
  finalMessage: (message: ChatCompletionMessage) => void;
  finalChatCompletion: (completion: ChatCompletion) => void;
  totalUsage: (usage: CompletionUsage) => void;
  error: (error: ModelwireError) => void;
  abort: (error: APIUserAbortError) => void;
  end: () => void;
}

/** `client.chat.completions.stream(params)`: events plus the final completion. */
export declare class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  readonly controller: AbortController;
  on<E extends keyof ChatCompletionStreamEvents>(event: E, listener: ChatCompletionStreamEvents[E]): this;
  off<E extends keyof ChatCompletionStreamEvents>(event: E, listener: ChatCompletionStreamEvents[E]): this;
  once<E extends keyof ChatCompletionStreamEvents>(event: E, listener: ChatCompletionStreamEvents[E]): this;
  emitted<E extends keyof ChatCompletionStreamEvents>(event: E): Promise<Parameters<ChatCompletionStreamEvents[E]>[0]>;
  abort(): void;
  done(): Promise<void>;
  currentChatCompletionSnapshot: ChatCompletion | undefined;
  finalChatCompletion(): Promise<ChatCompletion & WithCost>;
  finalMessage(): Promise<ChatCompletionMessage>;
  finalContent(): Promise<string | null>;
  finalFunctionToolCall(): Promise<ChatCompletionMessageToolCall["function"] | undefined>;
  totalUsage(): Promise<CompletionUsage>;
  /** Sent through the other protocol: what did not carry over (from `connect` on). */
  readonly conversion: Conversion | undefined;
  /** The chunks, as they arrive (use either iteration or `on("chunk")`). */
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk>;
  toReadableStream(): ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------------------
// Messages

export declare class Messages {
  create(params: MessageCreateParamsNonStreaming, options?: RequestOptions): Promise<Message & WithRequestId>;
  /**
   * The stream's events as they arrive. `ping` is skipped; an event of another type is
   * yielded too (as its JSON, or `{ type, data }` when not JSON): see `UnknownMessageStreamEvent`.
   */
  create(params: MessageCreateParamsStreaming, options?: RequestOptions): Promise<Stream<RawMessageStreamEvent>>;
  create(
    params: MessageCreateParams,
    options?: RequestOptions,
  ): Promise<(Message & WithRequestId) | Stream<RawMessageStreamEvent>>;
  /** A streaming request with @anthropic-ai/sdk's events and the accumulated message (`stream: true` is implied). */
  stream(params: MessageStreamParams, options?: RequestOptions): MessageStream;
}

export interface MessageStreamEvents {
  connect: () => void;
  /** Each raw event; `snapshot` (the message so far) is computed only for a listener that declares it. */
  streamEvent: (event: RawMessageStreamEvent, snapshot: Message) => void;
  /** Text of one block: the delta and the block's text so far. */
  text: (textDelta: string, textSnapshot: string) => void;
  thinking: (thinkingDelta: string, thinkingSnapshot: string) => void;
  signature: (signature: string) => void;
  /**
   * A fragment of a tool_use block's input JSON, and the input so far parsed (computed only for
   * a listener that declares it; `{}` until a key is complete).
   */
  inputJson: (partialJson: string, jsonSnapshot: unknown) => void;
  citation: (citation: TextCitation) => void;
  /** A block is complete. */
  contentBlock: (content: ContentBlock) => void;
  /** The usage so far (at `message_start` and each `message_delta`), and its cost (as for Chat Completions). */
  usage: (usage: Usage, cost: Cost | null) => void;
  /** An event of a type this client does not know, with its data text. */
  unknownEvent: (type: string, dataText: string) => void;
  message: (message: Message) => void;
  finalMessage: (message: Message) => void;
  error: (error: ModelwireError) => void;
  abort: (error: APIUserAbortError) => void;
  end: () => void;
}

/** `client.messages.stream(params)`: events plus the final message. */
export declare class MessageStream implements AsyncIterable<RawMessageStreamEvent> {
  readonly controller: AbortController;
  on<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this;
  off<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this;
  once<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this;
  emitted<E extends keyof MessageStreamEvents>(event: E): Promise<Parameters<MessageStreamEvents[E]>[0]>;
  abort(): void;
  done(): Promise<void>;
  /** The message accumulated so far; `undefined` before the response arrived. */
  readonly currentMessage: Message | undefined;
  finalMessage(): Promise<Message & WithCost>;
  /** The text blocks of the final message joined with " "; rejects if there is none. */
  finalText(): Promise<string>;
  /** Sent through the other protocol: what did not carry over (from `connect` on). */
  readonly conversion: Conversion | undefined;
  /** The events, as they arrive (use either iteration or `on("streamEvent")`). */
  [Symbol.asyncIterator](): AsyncIterator<RawMessageStreamEvent>;
  toReadableStream(): ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------------------
// Errors (names and fields as in openai-node)

export declare class ModelwireError extends Error {}

/** Rejected before any network call: the request is invalid. */
export declare class ValidationError extends ModelwireError {
  /** JSON path of the offending field, e.g. `messages[2].tool_call_id`. */
  readonly field: string;
}

/** Rejected before any network call: the model, as the loaded catalog describes it, cannot serve the request. */
export declare class CapabilityError extends ModelwireError {
  /** The model's id. */
  readonly model: string;
  /** The catalog's name for the first thing it lacks: `tools`, `json_mode`, `structured_outputs`, `vision`, `audio`, `reasoning`, `max_completion_tokens`. */
  readonly feature: string;
  /** Everything it lacks, in that order. */
  readonly features: string[];
  /** For `max_completion_tokens`: the output cap the request asks for. */
  readonly requested: number | undefined;
  /** For `max_completion_tokens`: the model's limit. */
  readonly limit: number | undefined;
}

export declare class APIError extends ModelwireError {
  /** HTTP status; `undefined` for connection failures and errors inside a stream. */
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  /** The parsed error body (or the stream's error object). */
  readonly error: unknown;
  readonly code: string | null | undefined;
  readonly param: string | null | undefined;
  readonly type: string | null | undefined;
  readonly requestId: string | null | undefined;
  /** openai-node spelling of `requestId`. */
  readonly requestID: string | null | undefined;
}
export declare class BadRequestError extends APIError {}
export declare class AuthenticationError extends APIError {}
export declare class PaymentRequiredError extends APIError {}
export declare class PermissionDeniedError extends APIError {}
export declare class NotFoundError extends APIError {}
export declare class ConflictError extends APIError {}
export declare class PayloadTooLargeError extends APIError {}
export declare class UnprocessableEntityError extends APIError {}
export declare class RateLimitError extends APIError {}
export declare class InternalServerError extends APIError {}
export declare class APIConnectionError extends APIError {
  readonly cause: unknown;
}
export declare class APITimeoutError extends APIConnectionError {}
export declare class APIUserAbortError extends APIError {
  /** What arrived before the abort, when a stream was under way. */
  readonly partial: ChatCompletion | Message | undefined;
}

export type StreamErrorCode =
  | "server_error"
  | "invalid_chunk"
  | "connection_lost"
  | "incomplete"
  | "idle_timeout"
  | "line_too_large"
  | "event_too_large"
  | "invalid_tool_input";

/** A failure after the stream began. Nothing is retried once bytes reached the caller. */
export declare class StreamError extends APIError {
  readonly code: StreamErrorCode;
  /**
   * Everything received before the failure, accumulated. `undefined` only for a stream created
   * with `accumulate: false`, which keeps nothing (its chunks were all delivered before the error).
   */
  readonly partial: ChatCompletion | Message | undefined;
  /** For `server_error`: the class the server's error maps to (`RateLimitError`, …). */
  readonly kind: string | undefined;
}

// ---------------------------------------------------------------------------
// proxy(): a key-holding pass-through for Workers, Node and Deno

/** What `proxy()` reports once per forwarded request, after the body ended. */
export interface ProxyUsage {
  /** The route, e.g. `/v1/chat/completions`. */
  path: string;
  /** From the response, else the request (`null` when neither says). */
  model: string | null;
  /** The upstream's status; 502 when it was unreachable. */
  status: number;
  /** The upstream's usage object as sent (Chat Completions or Messages shape); `null` when none arrived. */
  usage: Record<string, any> | null;
  /** `x-baseten-request-id`, `x-request-id` or `request-id`. */
  requestId: string | null;
  /** From the request to the end of the body. */
  durationMs: number;
  /** Whether the body was an event stream. */
  stream: boolean;
  /** How a stream ended (`null` for JSON bodies): `"done"`, `"eof"` (no end marker) or `"cut"` (mid-event). */
  ending: "done" | "eof" | "cut" | null;
  /**
   * Why usage may be missing or partial: `invalid_chunk` / `server_error` (the stream, which still
   * reached the client unchanged), `incomplete`, `connection_lost`, `aborted` (the client left),
   * `upstream_status` (4xx/5xx), `upstream_unreachable`, `too_large`. The key is scrubbed.
   */
  error: { code: string; message: string } | null;
}

export interface ProxyOptions {
  /** Default `https://inference.baseten.co`; a trailing `/v1` is accepted. */
  upstream?: string;
  /**
   * Sent upstream as `Authorization: {authScheme} {apiKey}`; the client's own Authorization, x-api-key and
   * cookies are dropped. A key of 6+ characters is replaced by `[REDACTED]` wherever the upstream echoes it.
   */
  apiKey: string;
  /** Default `"Bearer"`. */
  authScheme?: "Bearer" | "Api-Key";
  /**
   * Origins that get CORS headers (a list, or a comma-separated string; `"*"` allows any).
   * A request or preflight carrying any other `Origin` is answered 403 without CORS headers.
   */
  allowedOrigins?: Iterable<string> | string;
  /** Called once per forwarded request after its body ended (or failed); errors it throws are ignored. */
  onUsage?: (usage: ProxyUsage) => unknown;
  /** Default `globalThis.fetch`, looked up at call time. */
  fetch?: typeof fetch;
  /** Keeps the runtime alive for a promise returned by `onUsage` (Workers: `(p) => ctx.waitUntil(p)`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Forwards `POST /v1/chat/completions`, `POST /v1/messages` and `GET /v1/models[/{id}]`
 * to the upstream with the key set server-side, streaming the body back chunk for chunk
 * (never buffered) while a copy is parsed for `onUsage`. Other paths get 404, other
 * methods 405, an unreachable upstream 502, all with an OpenAI-shaped JSON error.
 *
 * ```ts
 * export default {
 *   fetch: (request: Request, env: { BASETEN_API_KEY: string }) =>
 *     proxy(request, { apiKey: env.BASETEN_API_KEY, allowedOrigins: ["https://app.example"], onUsage: console.log }),
 * };
 * ```
 */
export function proxy(request: Request, options: ProxyOptions): Promise<Response>;
