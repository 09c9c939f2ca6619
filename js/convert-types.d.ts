// Conversion between Chat Completions and Messages (`convert`, the client's
// `protocol` option): types. Referenced from index.d.ts.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from "./chat-types.js";
import type { Message, MessageCreateParams, RawMessageStreamEvent } from "./messages-types.js";
import { ModelwireError } from "./index.js";

/**
 * What happened to something a conversion could not carry over as it was:
 * `dropped` (the target has no place for it), `approximated` (carried as the
 * nearest equivalent), `unsupported` (carried unchanged though the target may
 * refuse it), `reshaped` (same meaning, another shape on the way back).
 */
export type LossKind = "dropped" | "approximated" | "unsupported" | "reshaped";

/** One thing a conversion could not carry over as it was. */
export interface Loss {
  /** Where, as a path into the input: `"n"`, `"messages[2].content[0].image_url.detail"`. */
  path: string;
  kind: LossKind;
  /** Why, readable on its own. */
  reason: string;
}

/** A converted value and what did not come through as it was. */
export interface Converted<T> {
  value: T;
  dropped: Loss[];
}

/** `_conversion` on a result (and `conversion` on a stream or runner) sent through the other protocol. */
export interface Conversion {
  /** The shape the call was written in. */
  api: "chat" | "messages";
  /** The protocol the server was spoken to in. */
  via: "chat" | "messages";
  /** What the request's conversion could not carry over. */
  request: Loss[];
  /** What the response's (or the stream's, so far) conversion could not carry over. */
  response: Loss[];
}

/**
 * A body that could not be converted (`code` `invalid_json` / `not_an_object`), or with
 * `strictConversion`, a request whose conversion would lose something (`code: "lossy"`,
 * the refused losses in `dropped`), thrown before anything is sent.
 */
export declare class ConversionError extends ModelwireError {
  readonly code: "invalid_json" | "not_an_object" | "lossy" | undefined;
  readonly dropped: Loss[];
}

/**
 * Raw stream events of one protocol converted to the other's, one at a time. Reaching the
 * end (`[DONE]`, `message_stop`, an error) or calling `finish()` frees the wasm state.
 */
export declare class StreamConverter<In, Out> {
  /** The events this one completes (Chat's `[DONE]` is left out: see `done`). */
  push(event: In): Out[];
  /** The end of the input: the events that close the stream. */
  finish(): Out[];
  readonly done: boolean;
  /** What could not be carried over so far. */
  readonly dropped: Loss[];
  /** Releases the wasm state without finishing (the report stays readable). */
  free(): void;
}

/** The pure conversion functions. */
export declare const convert: {
  chatToMessagesRequest(params: ChatCompletionCreateParams): Converted<MessageCreateParams>;
  messagesToChatRequest(params: MessageCreateParams): Converted<ChatCompletionCreateParams>;
  chatToMessagesResponse(completion: ChatCompletion): Converted<Message>;
  messagesToChatResponse(message: Message): Converted<ChatCompletion>;
  /** Chunks (or `"[DONE]"`) in, Messages events out. */
  chatToMessagesStream(): StreamConverter<ChatCompletionChunk | "[DONE]", RawMessageStreamEvent>;
  /** Messages events in, chunks out (an `error` event becomes a chunk with an `error` key). */
  messagesToChatStream(): StreamConverter<RawMessageStreamEvent, ChatCompletionChunk>;
};
