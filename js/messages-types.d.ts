// Anthropic Messages types: @anthropic-ai/sdk's names and shapes (compact), plus Baseten's extras.
//
// As in chat-types.d.ts, every object type carries `[key: string]: unknown`: a request may send
// a field this file does not list, and a response keeps whatever the server adds. Declared
// fields are still type-checked. Block and event unions list the types Baseten sends (and the
// SDK's common ones); a server may send others, so keep a `default:` branch when switching.
//
// A response's `content` goes back into the conversation as it is: every `ContentBlock` is a
// `ContentBlockParam`.

import type { ChatTemplateArgs } from "./chat-types.js";

// ---------------------------------------------------------------------------
// Request: content blocks

/** Anthropic's prompt-cache breakpoint. Baseten caches every prompt prefix on its own; kept for ported code. */
export interface CacheControlEphemeral {
  type: "ephemeral";
  ttl?: "5m" | "1h";
  [key: string]: unknown;
}

export interface CitationCharLocation {
  type: "char_location";
  cited_text: string;
  document_index: number;
  document_title: string | null;
  start_char_index: number;
  end_char_index: number;
  file_id?: string | null;
  [key: string]: unknown;
}

export interface CitationPageLocation {
  type: "page_location";
  cited_text: string;
  document_index: number;
  document_title: string | null;
  start_page_number: number;
  end_page_number: number;
  file_id?: string | null;
  [key: string]: unknown;
}

export interface CitationContentBlockLocation {
  type: "content_block_location";
  cited_text: string;
  document_index: number;
  document_title: string | null;
  start_block_index: number;
  end_block_index: number;
  file_id?: string | null;
  [key: string]: unknown;
}

export interface CitationsWebSearchResultLocation {
  type: "web_search_result_location";
  cited_text: string;
  url: string;
  title: string | null;
  encrypted_index: string;
  [key: string]: unknown;
}

export interface CitationsSearchResultLocation {
  type: "search_result_location";
  cited_text: string;
  source: string;
  title: string | null;
  search_result_index: number;
  start_block_index: number;
  end_block_index: number;
  [key: string]: unknown;
}

/** Where a text block's claim comes from. Not documented for Baseten: accepted if a model sends it. */
export type TextCitation =
  | CitationCharLocation
  | CitationPageLocation
  | CitationContentBlockLocation
  | CitationsWebSearchResultLocation
  | CitationsSearchResultLocation;

/** The same shapes in a request (a response's citations are sent back as they came). */
export type TextCitationParam = TextCitation;

export interface TextBlockParam {
  type: "text";
  text: string;
  citations?: Array<TextCitationParam> | null;
  cache_control?: CacheControlEphemeral | null;
  [key: string]: unknown;
}

export interface Base64ImageSource {
  type: "base64";
  media_type: "image/jpeg" | "image/png" | "image/gif" | "image/webp" | (string & {});
  /** Base64 of the image bytes (no `data:` prefix). */
  data: string;
  [key: string]: unknown;
}

export interface URLImageSource {
  type: "url";
  /** An `https://` (or `http://`) URL. */
  url: string;
  [key: string]: unknown;
}

/** Vision models only (e.g. `moonshotai/Kimi-K2.5`); others answer 400. */
export interface ImageBlockParam {
  type: "image";
  source: Base64ImageSource | URLImageSource;
  cache_control?: CacheControlEphemeral | null;
  [key: string]: unknown;
}

/** A tool call of a previous assistant turn; a {@link ToolUseBlock} from a response is accepted as is. */
export interface ToolUseBlockParam {
  type: "tool_use";
  id: string;
  name: string;
  /** The arguments, a JSON object. */
  input: { [key: string]: unknown };
  cache_control?: CacheControlEphemeral | null;
  [key: string]: unknown;
}

/** The result of a tool call, in a user turn, answering `tool_use_id`. */
export interface ToolResultBlockParam {
  type: "tool_result";
  tool_use_id: string;
  content?: string | Array<TextBlockParam | ImageBlockParam>;
  /** The tool failed; `content` says how. */
  is_error?: boolean;
  cache_control?: CacheControlEphemeral | null;
  [key: string]: unknown;
}

/** A previous turn's thinking, sent back with its signature (as returned). */
export interface ThinkingBlockParam {
  type: "thinking";
  thinking: string;
  signature: string;
  [key: string]: unknown;
}

export interface RedactedThinkingBlockParam {
  type: "redacted_thinking";
  data: string;
  [key: string]: unknown;
}

export type ContentBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | RedactedThinkingBlockParam;

/**
 * One turn. Roles alternate and the last one is `user`; a system prompt goes in the
 * top-level `system`, not here. `tool_use` blocks belong in `assistant` turns, `tool_result`
 * blocks in `user` turns.
 */
export interface MessageParam {
  role: "user" | "assistant";
  /** A string is shorthand for one text block. */
  content: string | Array<ContentBlockParam>;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Request: tools, thinking, output

export interface Tool {
  /** How the model refers to the tool in `tool_use` blocks. */
  name: string;
  description?: string;
  /** JSON Schema of the tool's input (an object schema). */
  input_schema: Tool.InputSchema;
  /** Omitted, or `"custom"`: a tool your code runs. */
  type?: "custom" | null;
  cache_control?: CacheControlEphemeral | null;
  [key: string]: unknown;
}

export declare namespace Tool {
  interface InputSchema {
    type: "object";
    properties?: { [key: string]: unknown } | null;
    required?: Array<string> | null;
    [key: string]: unknown;
  }
}

/** Client tools are the only kind Baseten runs (the SDK's union also has Anthropic's server tools). */
export type ToolUnion = Tool;

/** The model chooses (the default when tools are given). */
export interface ToolChoiceAuto {
  type: "auto";
  /** At most one tool call in the reply. */
  disable_parallel_tool_use?: boolean;
  [key: string]: unknown;
}

/** The model calls some tool. */
export interface ToolChoiceAny {
  type: "any";
  disable_parallel_tool_use?: boolean;
  [key: string]: unknown;
}

/** The model calls the named tool. */
export interface ToolChoiceTool {
  type: "tool";
  name: string;
  disable_parallel_tool_use?: boolean;
  [key: string]: unknown;
}

/** The model calls no tool. */
export interface ToolChoiceNone {
  type: "none";
  [key: string]: unknown;
}

export type ToolChoice = ToolChoiceAuto | ToolChoiceAny | ToolChoiceTool | ToolChoiceNone;

/**
 * Reasoning on. Not in Baseten's Messages docs (its Chat Completions switch is
 * `chat_template_args.enable_thinking`); the thinking arrives as `thinking` blocks.
 */
export interface ThinkingConfigEnabled {
  type: "enabled";
  /**
   * Tokens the model may spend thinking; they count against `max_tokens`. Anthropic requires it
   * (≥ 1024 and < `max_tokens`); modelwire's request check currently enforces the same.
   */
  budget_tokens?: number;
  display?: "summarized" | "omitted" | null;
  [key: string]: unknown;
}

/** Reasoning off, also for models that reason by default. */
export interface ThinkingConfigDisabled {
  type: "disabled";
  [key: string]: unknown;
}

/** The model decides whether and how much to think. */
export interface ThinkingConfigAdaptive {
  type: "adaptive";
  display?: "summarized" | "omitted" | null;
  [key: string]: unknown;
}

export type ThinkingConfigParam = ThinkingConfigEnabled | ThinkingConfigDisabled | ThinkingConfigAdaptive;

/** Structured outputs: the reply's text is JSON valid for `schema`. */
export interface JSONOutputFormat {
  type: "json_schema";
  schema: { [key: string]: unknown };
  [key: string]: unknown;
}

export interface OutputConfig {
  /** Reasoning depth, like Chat Completions' `reasoning_effort`. */
  effort?: "low" | "medium" | "high" | "xhigh" | "max" | (string & {}) | null;
  /** Structured outputs (Anthropic's current spelling). */
  format?: JSONOutputFormat | null;
  [key: string]: unknown;
}

export interface Metadata {
  /** An opaque end-user id, for abuse detection. */
  user_id?: string | null;
  [key: string]: unknown;
}

/** A Baseten model slug, e.g. `deepseek-ai/DeepSeek-V4-Pro`. */
export type Model = string;

// ---------------------------------------------------------------------------
// Request: parameters

export interface MessageCreateParamsBase {
  model: Model;
  /** Required (no default): the most tokens to generate, thinking included. */
  max_tokens: number;
  messages: Array<MessageParam>;
  /** A system prompt: a string or text blocks. */
  system?: string | Array<TextBlockParam>;
  stream?: boolean;

  /** 0–1 (not 0–2 as in Chat Completions), default 1. */
  temperature?: number;
  /** At most 1. */
  top_p?: number;
  /** Sample from the K likeliest tokens; ≥ 0. */
  top_k?: number;
  /** Generation stops before any of these; the reply has `stop_reason: "stop_sequence"`. */
  stop_sequences?: Array<string>;

  tools?: Array<ToolUnion>;
  tool_choice?: ToolChoice;
  metadata?: Metadata;

  /** Anthropic-style reasoning switch. */
  thinking?: ThinkingConfigParam;
  /** Baseten extra: e.g. `{ enable_thinking: true }`, the switch for opt-in reasoning models. */
  chat_template_args?: ChatTemplateArgs | null;
  /** Structured outputs (`format`) and effort. */
  output_config?: OutputConfig;
  /** Older (beta) spelling of `output_config.format`. */
  output_format?: JSONOutputFormat | null;

  service_tier?: "auto" | "standard_only" | (string & {});

  [key: string]: unknown;
}

export interface MessageCreateParamsNonStreaming extends MessageCreateParamsBase {
  stream?: false;
}

export interface MessageCreateParamsStreaming extends MessageCreateParamsBase {
  stream: true;
}

export type MessageCreateParams = MessageCreateParamsNonStreaming | MessageCreateParamsStreaming;

/** Parameters of `client.messages.stream()` (`stream: true` is implied). */
export type MessageStreamParams = MessageCreateParamsBase;

// ---------------------------------------------------------------------------
// Response

export interface TextBlock {
  type: "text";
  text: string;
  citations?: Array<TextCitation> | null;
  [key: string]: unknown;
}

/** The model's reasoning; send it back unchanged (with `signature`) in later turns. */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
  [key: string]: unknown;
}

export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
  [key: string]: unknown;
}

export interface ToolUseBlock {
  type: "tool_use";
  /** Answer it with a `tool_result` block whose `tool_use_id` is this. */
  id: string;
  name: string;
  /** The arguments, parsed (`{}` when a reply was cut before they were complete). */
  input: { [key: string]: unknown };
  [key: string]: unknown;
}

/** `thinking` (when reasoning is on) comes first, then `text`, then `tool_use` blocks. */
export type ContentBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock;

/**
 * `end_turn` (natural end), `max_tokens`, `stop_sequence` (see `stop_sequence`), `tool_use`
 * (answer the calls). `pause_turn` and `refusal` are Anthropic's.
 */
export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export interface Usage {
  /** Prompt tokens not read from the cache. */
  input_tokens: number;
  output_tokens: number;
  /** Prompt tokens served from the KV cache (Baseten caches prefixes automatically). */
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

export interface Message {
  /** `msg_…` */
  id: string;
  type: "message";
  role: "assistant";
  content: Array<ContentBlock>;
  model: Model;
  /** `null` only in a message accumulated from a stream that has not finished (or was cut). */
  stop_reason: StopReason | null;
  /** The matched entry of `stop_sequences` when `stop_reason` is `stop_sequence`. */
  stop_sequence: string | null;
  usage: Usage;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Streaming

/** `message_delta`'s usage: running totals; keys it omits keep their earlier value. */
export interface MessageDeltaUsage {
  output_tokens: number;
  input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  [key: string]: unknown;
}

export interface TextDelta {
  type: "text_delta";
  text: string;
  [key: string]: unknown;
}

/** A fragment of a tool_use block's input JSON; concatenate them (the first may be `""`). */
export interface InputJSONDelta {
  type: "input_json_delta";
  partial_json: string;
  [key: string]: unknown;
}

export interface ThinkingDelta {
  type: "thinking_delta";
  thinking: string;
  [key: string]: unknown;
}

/** The thinking block's signature, once, at its end. */
export interface SignatureDelta {
  type: "signature_delta";
  signature: string;
  [key: string]: unknown;
}

export interface CitationsDelta {
  type: "citations_delta";
  citation: TextCitation;
  [key: string]: unknown;
}

export type RawContentBlockDelta = TextDelta | InputJSONDelta | ThinkingDelta | SignatureDelta | CitationsDelta;

/** The message without content (`content: []`) and with the usage so far. */
export interface RawMessageStartEvent {
  type: "message_start";
  message: Message;
  [key: string]: unknown;
}

export interface RawMessageDeltaEvent {
  type: "message_delta";
  delta: {
    stop_reason: StopReason | null;
    stop_sequence: string | null;
    [key: string]: unknown;
  };
  usage: MessageDeltaUsage;
  [key: string]: unknown;
}

export interface RawMessageStopEvent {
  type: "message_stop";
  [key: string]: unknown;
}

/** A block opens, empty (`text: ""`, `input: {}`). */
export interface RawContentBlockStartEvent {
  type: "content_block_start";
  index: number;
  content_block: ContentBlock;
  [key: string]: unknown;
}

export interface RawContentBlockDeltaEvent {
  type: "content_block_delta";
  index: number;
  delta: RawContentBlockDelta;
  [key: string]: unknown;
}

/** A tool_use block cut by `max_tokens` inside its JSON may never get one. */
export interface RawContentBlockStopEvent {
  type: "content_block_stop";
  index: number;
  [key: string]: unknown;
}

/**
 * The events of a streamed reply, in order (`ping` is skipped; an `error` event fails the
 * stream with `StreamError`).
 */
export type RawMessageStreamEvent =
  | RawMessageStartEvent
  | RawMessageDeltaEvent
  | RawMessageStopEvent
  | RawContentBlockStartEvent
  | RawContentBlockDeltaEvent
  | RawContentBlockStopEvent;

/**
 * An event of a type not in {@link RawMessageStreamEvent}: its JSON as sent, or
 * `{ type, data }` with the raw data text when that is not JSON. Streams yield these too
 * (they are not in the union so that `switch (event.type)` still narrows).
 */
export interface UnknownMessageStreamEvent {
  type: string;
  data?: string;
  [key: string]: unknown;
}

/** @anthropic-ai/sdk's short names. */
export type MessageStreamEvent = RawMessageStreamEvent;
export type MessageStartEvent = RawMessageStartEvent;
export type MessageDeltaEvent = RawMessageDeltaEvent;
export type MessageStopEvent = RawMessageStopEvent;
export type ContentBlockStartEvent = RawContentBlockStartEvent;
export type ContentBlockDeltaEvent = RawContentBlockDeltaEvent;
export type ContentBlockStopEvent = RawContentBlockStopEvent;
