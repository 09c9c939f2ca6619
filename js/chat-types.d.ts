// Chat Completions types: openai-node's names and shapes (compact), plus Baseten's extras.
//
// Every object type carries `[key: string]: unknown`: requests may send fields this file does
// not list (a server's newer parameter), and responses keep the fields a server adds
// (`timings`, `stop_reason`, `prompt_logprobs`, …). Declared fields are still type-checked.
// One consequence: a value typed by an interface *without* an index signature (e.g. one of
// openai-node's own types) is not assignable here; type such values with these types instead.

// ---------------------------------------------------------------------------
// Request: messages

export type ChatCompletionRole = "developer" | "system" | "user" | "assistant" | "tool" | "function";

export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
  [key: string]: unknown;
}

/** Vision models only (e.g. `moonshotai/Kimi-K2.5`); others answer 400. */
export interface ChatCompletionContentPartImage {
  type: "image_url";
  image_url: {
    /** `https://…` or a `data:image/…;base64,…` URL. */
    url: string;
    detail?: "auto" | "low" | "high";
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Video input, for the models that accept it (vLLM's `video_url` part). */
export interface ChatCompletionContentPartVideo {
  type: "video_url";
  video_url: { url: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatCompletionContentPartInputAudio {
  type: "input_audio";
  input_audio: { data: string; format: "wav" | "mp3" | (string & {}); [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatCompletionContentPartRefusal {
  type: "refusal";
  refusal: string;
  [key: string]: unknown;
}

export type ChatCompletionContentPart =
  | ChatCompletionContentPartText
  | ChatCompletionContentPartImage
  | ChatCompletionContentPartVideo
  | ChatCompletionContentPartInputAudio;

export interface ChatCompletionSystemMessageParam {
  role: "system";
  content: string | Array<ChatCompletionContentPartText>;
  name?: string;
  [key: string]: unknown;
}

export interface ChatCompletionDeveloperMessageParam {
  role: "developer";
  content: string | Array<ChatCompletionContentPartText>;
  name?: string;
  [key: string]: unknown;
}

export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | Array<ChatCompletionContentPart>;
  name?: string;
  [key: string]: unknown;
}

/** A previous assistant turn; a {@link ChatCompletionMessage} from a response is accepted as is. */
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  /** `null` (or absent) when the turn only called tools. */
  content?: string | Array<ChatCompletionContentPartText | ChatCompletionContentPartRefusal> | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: Array<ChatCompletionMessageToolCall>;
  /** The turn's reasoning, for models whose chat template reads it back. */
  reasoning_content?: string | null;
  reasoning?: string | null;
  [key: string]: unknown;
}

/** The result of a tool call, answering `tool_call_id`. */
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | Array<ChatCompletionContentPartText>;
  tool_call_id: string;
  /** Not in OpenAI's schema; Baseten's examples send the function name here. */
  name?: string;
  [key: string]: unknown;
}

/** Deprecated OpenAI form of a function result. */
export interface ChatCompletionFunctionMessageParam {
  role: "function";
  content: string | null;
  name: string;
  [key: string]: unknown;
}

export type ChatCompletionMessageParam =
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionSystemMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam
  | ChatCompletionFunctionMessageParam;

// ---------------------------------------------------------------------------
// Request: tools, response format, stream options

/** A JSON Schema object. */
export type FunctionParameters = { [key: string]: unknown };

export interface FunctionDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments; omitted means no arguments. */
  parameters?: FunctionParameters;
  strict?: boolean | null;
  [key: string]: unknown;
}

export interface ChatCompletionFunctionTool {
  type: "function";
  function: FunctionDefinition;
  [key: string]: unknown;
}

/** Function tools are the only kind Baseten supports. */
export type ChatCompletionTool = ChatCompletionFunctionTool;

/** Forces a call of the named function. */
export interface ChatCompletionNamedToolChoice {
  type: "function";
  function: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `auto` (the default when tools are given) lets the model choose; `required` forces some call. */
export type ChatCompletionToolChoiceOption = "none" | "auto" | "required" | ChatCompletionNamedToolChoice;

export interface ResponseFormatText {
  type: "text";
  [key: string]: unknown;
}

/** JSON mode: the reply is a JSON object. */
export interface ResponseFormatJSONObject {
  type: "json_object";
  /** Legacy Baseten form (in its first docs): a schema beside `json_object`. Prefer `json_schema`. */
  json_schema?: ResponseFormatJSONSchema.JSONSchema;
  [key: string]: unknown;
}

/** Structured outputs: the reply is JSON valid for `json_schema.schema`. */
export interface ResponseFormatJSONSchema {
  type: "json_schema";
  json_schema: ResponseFormatJSONSchema.JSONSchema;
  [key: string]: unknown;
}

export declare namespace ResponseFormatJSONSchema {
  interface JSONSchema {
    /** Required and non-empty (Baseten answers 400 otherwise). */
    name: string;
    description?: string;
    schema?: { [key: string]: unknown };
    /** Constrain the output to the schema. */
    strict?: boolean | null;
    [key: string]: unknown;
  }
}

export type ResponseFormat = ResponseFormatText | ResponseFormatJSONObject | ResponseFormatJSONSchema;

export interface ChatCompletionStreamOptions {
  /** Baseten defaults it to true: usage rides on the chunks, and a last chunk has `choices: []`. */
  include_usage?: boolean | null;
  /** Baseten (vLLM) extra, default true there: a running usage total on every chunk. */
  continuous_usage_stats?: boolean | null;
  include_obfuscation?: boolean;
  [key: string]: unknown;
}
export type StreamOptions = ChatCompletionStreamOptions;

/** `low` / `medium` / `high` on Baseten; some models accept more values. */
export type ChatCompletionReasoningEffort =
  | "none"
  | "minimal"
  | "low"
  | "medium"
  | "high"
  | "xhigh"
  | (string & {})
  | null;

/** Keyword arguments for the model's chat template (Baseten / vLLM). */
export interface ChatTemplateArgs {
  /** Opt-in reasoning on models where it is off by default (GLM, Kimi). */
  enable_thinking?: boolean;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Request: parameters

export interface ChatCompletionCreateParamsBase {
  /** A model slug, e.g. `deepseek-ai/DeepSeek-V4-Pro`. */
  model: string;
  messages: Array<ChatCompletionMessageParam>;
  stream?: boolean | null;
  stream_options?: ChatCompletionStreamOptions | null;

  /** Tokens to generate, reasoning included. */
  max_tokens?: number | null;
  /** Newer OpenAI name of `max_tokens`. */
  max_completion_tokens?: number | null;
  /** 0–2, default 1. */
  temperature?: number | null;
  top_p?: number | null;
  /** Baseten extra: sample from the K likeliest tokens; -1 disables. */
  top_k?: number | null;
  /** Baseten extra: minimum probability relative to the likeliest token. */
  min_p?: number | null;
  /** Baseten extra: > 1 discourages repeats. */
  repetition_penalty?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  seed?: number | null;
  /** Up to 4 sequences where generation stops (not included in the output). */
  stop?: string | Array<string> | null;
  /** Must be 1 on Baseten. */
  n?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  /** Token id (as a string) → bias from -100 to 100. */
  logit_bias?: { [token: string]: number } | null;

  response_format?: ResponseFormat;
  tools?: Array<ChatCompletionTool>;
  tool_choice?: ChatCompletionToolChoiceOption;
  /** Default true. */
  parallel_tool_calls?: boolean;

  /** Baseten extra: e.g. `{ enable_thinking: true }`. */
  chat_template_args?: ChatTemplateArgs | null;
  reasoning_effort?: ChatCompletionReasoningEffort;

  /** An end-user id, for abuse monitoring. */
  user?: string;
  metadata?: { [key: string]: string } | null;
  service_tier?: "auto" | "default" | "flex" | "scale" | "priority" | (string & {}) | null;

  [key: string]: unknown;
}

export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase {
  stream?: false | null;
}

export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase {
  stream: true;
}

export type ChatCompletionCreateParams = ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;

// ---------------------------------------------------------------------------
// Response

export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: {
    name: string;
    /** JSON text of the arguments (may be invalid JSON; parse with care). */
    arguments: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The assistant message of a choice. */
export interface ChatCompletionMessage {
  role: "assistant";
  /** `null` when the reply only calls tools, or was cut while reasoning. */
  content: string | null;
  refusal?: string | null;
  tool_calls?: Array<ChatCompletionMessageToolCall>;
  /** The model's reasoning (thinking) text, when reasoning is on. */
  reasoning_content?: string | null;
  /** Same text under another name; some models send it beside or instead of `reasoning_content`. */
  reasoning?: string | null;
  annotations?: Array<unknown>;
  [key: string]: unknown;
}

export type ChatCompletionFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface ChatCompletionTokenLogprob {
  token: string;
  logprob: number;
  bytes: Array<number> | null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: Array<number> | null; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface ChatCompletionLogprobs {
  content: Array<ChatCompletionTokenLogprob> | null;
  refusal?: Array<ChatCompletionTokenLogprob> | null;
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  /** `null` only in a partial completion accumulated from a stream that was cut. */
  finish_reason: ChatCompletionFinishReason | null;
  logprobs?: ChatCompletionLogprobs | null;
  /** Non-OpenAI detail beside `finish_reason`: the stop string, or a token id. */
  stop_reason?: string | number | null;
  [key: string]: unknown;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    /** Prompt tokens served from the KV cache (billed at the cache-read price). */
    cached_tokens?: number | null;
    audio_tokens?: number | null;
    [key: string]: unknown;
  } | null;
  completion_tokens_details?: {
    /** Part of `completion_tokens` spent reasoning. */
    reasoning_tokens?: number | null;
    accepted_prediction_tokens?: number | null;
    rejected_prediction_tokens?: number | null;
    audio_tokens?: number | null;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  /** Unix seconds. */
  created: number;
  model: string;
  choices: Array<ChatCompletionChoice>;
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

export declare namespace ChatCompletion {
  type Choice = ChatCompletionChoice;
}

// ---------------------------------------------------------------------------
// Streaming

/** A fragment of a tool call; merge by `index` (Baseten may repeat `id` and send `name: null`). */
export interface ChatCompletionChunkToolCallDelta {
  index: number;
  id?: string | null;
  type?: "function" | null;
  function?: {
    name?: string | null;
    /** A fragment of the JSON text; concatenate them. */
    arguments?: string | null;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export interface ChatCompletionChunkDelta {
  role?: ChatCompletionRole | null;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: Array<ChatCompletionChunkToolCallDelta> | null;
  [key: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  /** Baseten may send it before the last content chunk: read to the end. */
  finish_reason: ChatCompletionFinishReason | null;
  logprobs?: ChatCompletionLogprobs | null;
  stop_reason?: string | number | null;
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  /** Empty in the last chunk that carries only `usage`. */
  choices: Array<ChatCompletionChunkChoice>;
  /** Baseten sends a running total on every chunk (sometimes `null`). */
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

export declare namespace ChatCompletionChunk {
  type Choice = ChatCompletionChunkChoice;
  namespace Choice {
    type Delta = ChatCompletionChunkDelta;
    namespace Delta {
      type ToolCall = ChatCompletionChunkToolCallDelta;
    }
  }
}

/** Short names. */
export type Choice = ChatCompletionChoice;
export type ChunkChoice = ChatCompletionChunkChoice;
