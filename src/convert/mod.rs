//! Conversion between the OpenAI Chat Completions and Anthropic Messages
//! protocols: request bodies, responses and streams, both ways.
//!
//! |          | Chat Completions → Messages   | Messages → Chat Completions   |
//! |----------|-------------------------------|-------------------------------|
//! | request  | [`chat_to_messages_request`]  | [`messages_to_chat_request`]  |
//! | response | [`chat_to_messages_response`] | [`messages_to_chat_response`] |
//! | stream   | [`ChatToMessagesStream`]      | [`MessagesToChatStream`]      |
//!
//! The functions take JSON text and give JSON text ([`Converted::json`])
//! with a loss report ([`Converted::dropped`]); the stream converters take
//! one SSE event at a time and give the events it completes.
//!
//! ```
//! use modelwire::convert::{LossKind, chat_to_messages_request, messages_to_chat_request};
//! let chat = r#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"n":1,"max_tokens":64}"#;
//! let messages = chat_to_messages_request(chat).unwrap();
//! assert_eq!(messages.dropped[0].path, "n");
//! assert_eq!(messages.dropped[0].kind, LossKind::Dropped);
//! let back = messages_to_chat_request(&messages.json).unwrap();
//! assert_eq!(back.json, r#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}"#);
//! ```
//!
//! # What the conversions promise
//!
//! - **Nothing is dropped silently.** Whatever is not carried over as it
//!   was gets a [`Loss`]: its path in the input, a [`LossKind`] (dropped,
//!   approximated, carried though the target may refuse it, or reshaped on
//!   the way back) and a reason.
//! - **A → B → A gives A back**, apart from the paths the A → B report
//!   lists (`null` and absent count as the same, as both protocols read
//!   them). `tests/convert.rs` checks it on a corpus of requests and
//!   responses with tool use, images, system prompts, reasoning, multi-turn
//!   conversations and parallel tool calls.
//! - **What passes through is not rewritten.** Tool schemas, tool call
//!   arguments and unknown fields are copied as text: key order (which a
//!   model reads in a schema) and spacing survive.
//! - **Fields neither protocol defines are carried** as they are
//!   (`min_p`, `repetition_penalty`, `chat_template_kwargs`, a response's
//!   `timings`): they belong to the server, which often serves both APIs.
//!   Fields one protocol defines and the other lacks are reported.
//! - The result is not validated: a converted request can be checked with
//!   [`crate::validate`] before it is sent.
//!
//! # Requests
//!
//! | Chat Completions | Messages | Notes |
//! |---|---|---|
//! | leading `system` / `developer` messages | `system` | one string message ⇄ a string; otherwise ⇄ text blocks, which come back as one system message with a part per block |
//! | `user` message, string or parts | `user` message, string or blocks | `text` ⇄ `text` |
//! | `image_url` part, `data:<type>;base64,…` | `image` block, `source: {type: base64, media_type, data}` | |
//! | `image_url` part, other URL | `image` block, `source: {type: url, url}` | |
//! | `assistant` `reasoning_content` | `thinking` block first | `thinking_blocks` when present (below) |
//! | `assistant` `content` | `text` blocks after thinking | a string alone stays a string |
//! | `assistant` `tool_calls[]` | `tool_use` blocks last | `id`, `function.name` ⇄ `name`; `function.arguments` (JSON text) ⇄ `input` (the same text, verbatim) |
//! | consecutive `tool` messages | one `user` turn of `tool_result` blocks | `tool_call_id` ⇄ `tool_use_id`, `content` string or parts ⇄ string or blocks; a `user` message of parts right after them joins that turn; back, `tool_result`s become tool messages followed by a user message with the other blocks |
//! | `max_completion_tokens`, else `max_tokens` | `max_tokens` | absent: [`DEFAULT_MAX_TOKENS`] plus the thinking budget (reported); back always `max_tokens` |
//! | `temperature` (0–2) | `temperature` (0–1) | above 1 is sent unchanged and reported, not clamped |
//! | `top_p`, `top_k` | `top_p`, `top_k` | `top_k: -1` (off) is not sent |
//! | `stop`, string or list | `stop_sequences` | a string becomes a one-element list |
//! | `stream` + `stream_options: {include_usage: true}` | `stream` | Messages streams always carry usage: a Messages stream asks Chat for it; a Chat stream without it is reported (reshaped), other stream options are dropped |
//! | `tools[].function` `{name, description, parameters}` | `tools[]` `{name, description, input_schema}` | schema verbatim |
//! | `tool_choice` `auto` / `none` / `required` / `{type: function, function: {name}}` | `{type: auto}` / `{type: none}` / `{type: any}` / `{type: tool, name}` | |
//! | `parallel_tool_calls: false` | `tool_choice.disable_parallel_tool_use: true` | without a `tool_choice`, `{type: auto}` is sent to carry it |
//! | `reasoning_effort` `low` / `medium` / `high` | `thinking: {type: enabled, budget_tokens}` | [`THINKING_BUDGETS`]: 1024 / 4096 / 16384; a budget between rows maps to the nearer effort (reported) |
//! | `chat_template_args.enable_thinking` `true` / `false` | `thinking.type` `enabled` / `disabled` | enabled without an effort gets the medium budget; other keys of `chat_template_args` are carried |
//! | `reasoning_effort: "none"` | `thinking: {type: disabled}` | comes back as `enable_thinking: false` |
//! | `user` | `metadata.user_id` | |
//!
//! # Responses
//!
//! | `chat.completion` | Messages `message` | Notes |
//! |---|---|---|
//! | `id`, `model` | `id`, `model` | as they are |
//! | `created` | — | dropped; back it is 0 |
//! | `choices[0].message` | `content` | as an assistant turn above; `content` is one string (text blocks are joined) |
//! | `finish_reason` `stop` | `stop_reason` `end_turn` | |
//! | `stop` with vLLM's `stop_reason: "<string>"` | `stop_sequence` and `stop_sequence: "<string>"` | |
//! | `length` | `max_tokens` | |
//! | `tool_calls` | `tool_use` | |
//! | `content_filter` | `refusal` | |
//! | `usage.prompt_tokens` | `input_tokens` + `cache_read_input_tokens` | Chat counts cached tokens in `prompt_tokens`, Messages does not |
//! | `usage.prompt_tokens_details.cached_tokens` | `cache_read_input_tokens` | |
//! | `usage.completion_tokens` | `output_tokens` | `total_tokens` is their sum |
//!
//! A tool call's arguments that do not parse (a reply cut short) become
//! `input: null` in a message, the way Messages readers leave a tool input
//! that never completed.
//!
//! # Streams
//!
//! [`ChatToMessagesStream`] sends `message_start` with the first chunk, a
//! block per run of reasoning (`thinking`), text (`text`) and each tool
//! call (`tool_use`, arguments as `input_json_delta`), indices from 0, and
//! closes with `message_delta` (stop reason, usage) and `message_stop` at
//! `[DONE]` or EOF. The stop reason waits for the end, since a
//! `finish_reason` may come before the last content; a tool block stops
//! only once its arguments parse. [`MessagesToChatStream`] sends a `role`
//! chunk, then `content`, `reasoning_content` and `tool_calls` deltas, the
//! `finish_reason` chunk with usage at `message_delta`, and `[DONE]` at
//! `message_stop`. Both turn an error mid-stream into the other protocol's
//! error (`event: error`, or a chunk with an `error` key), keeping its
//! class, and list what they drop in `dropped()`. A stream and its final
//! response convert alike: the corpus streams, converted and accumulated,
//! give the converted final message.
//!
//! # The `thinking_blocks` extension
//!
//! Chat Completions has no place for a thinking block's `signature`, for a
//! `redacted_thinking` block, or for the boundaries between several
//! thinking blocks. A Chat assistant message carries them in
//! `thinking_blocks`, a list of the Messages blocks as they are (LiteLLM's
//! name and shape), next to `reasoning_content`, which holds their joined
//! text. It is written only when `reasoning_content` alone would lose
//! something, and read back in preference to `reasoning_content`. Streams
//! carry it as a delta key with the full list so far, which Chat
//! accumulators assign.
//!
//! # What does not carry over
//!
//! Each of these is reported where it occurs.
//!
//! - Chat → Messages, **dropped**: `n`, `logprobs`, `top_logprobs`,
//!   `response_format` (Baseten's Messages API has no structured output),
//!   `frequency_penalty`, `presence_penalty`, `logit_bias`, `seed`,
//!   `stream_options` other than `include_usage: true`, `functions`
//!   and `function_call`, `metadata`, `store`, `service_tier`,
//!   `modalities`, `audio`, `prediction`, `web_search_options`,
//!   `prompt_cache_key`, `safety_identifier`; a message's `name`; an
//!   image's `detail`; `input_audio`, `file` and other non-text, non-image
//!   parts; custom (free-form) tools and tool calls; a tool's `strict`;
//!   `function` (legacy) messages; choices after the first, `created`,
//!   `system_fingerprint`, `logprobs`, `completion_tokens_details` and a
//!   stop token id in responses.
//! - Chat → Messages, **approximated**: a `developer` message, and a system
//!   message after the first turn, join the system prompt; an assistant
//!   `refusal` becomes a text block; an effort without a budget row
//!   (`minimal`, `xhigh`) takes the nearest; the default `max_tokens`; a
//!   response without usage gets zeros.
//! - Chat → Messages, **carried though the target may refuse it**:
//!   `temperature` above 1; `max_tokens` not above the thinking budget; a
//!   `data:` URL that is not base64 (sent as a url source); a tool call or
//!   result without an id; tool call arguments that are JSON but not an
//!   object (responses).
//! - Messages → Chat, **dropped**: `cache_control` (Baseten caches prompts
//!   automatically), `citations`, a `tool_result`'s `is_error`,
//!   `document` and other blocks Chat lacks, image sources other than
//!   base64 and url, server tools (`web_search_…`) and their blocks,
//!   `service_tier`, `container`, `mcp_servers`, `context_management`,
//!   `output_format` / `output_config`, metadata other than `user_id`,
//!   `stop_details`, `cache_creation_input_tokens` (counted in
//!   `prompt_tokens`) and other usage details.
//! - Messages → Chat, **approximated**: a thinking budget between two
//!   efforts, `adaptive` thinking, `pause_turn` and
//!   `model_context_window_exceeded` stop reasons.
//! - Both ways, **reshaped** (same meaning, another form on the way back):
//!   `max_completion_tokens` → `max_tokens`; a string `stop` → a list; a
//!   stream without `include_usage` → one with it;
//!   several system messages → one; `reasoning` → `reasoning_content`;
//!   arguments sent as an object or as `""` → a string / `"{}"`; an empty
//!   assistant `content` beside tool calls → `null`; a one-part content
//!   array beside tool calls or reasoning → a string; blocks out of Chat's
//!   order (reasoning, text, tool calls), which come back in that order;
//!   several text blocks in a response, joined into one string; a user turn
//!   of blocks right after a turn of tool results, which merges into it.

mod assistant;
mod parts;
mod raw;
mod request_to_chat;
mod request_to_messages;
mod response;
mod stream_to_chat;
mod stream_to_messages;
mod via;

pub use request_to_chat::messages_to_chat_request;
pub use request_to_messages::chat_to_messages_request;
pub use response::{chat_to_messages_response, messages_to_chat_response};
pub use stream_to_chat::MessagesToChatStream;
pub use stream_to_messages::ChatToMessagesStream;
pub use via::{StreamConverter, Via, ViaSink};

use std::fmt;

/// `max_tokens` sent to Messages when a Chat request has neither
/// `max_completion_tokens` nor `max_tokens` (Messages requires one); the
/// thinking budget is added to it when thinking is on.
pub const DEFAULT_MAX_TOKENS: u64 = 8192;

/// `reasoning_effort` ⇄ `thinking.budget_tokens`. A budget between two rows
/// maps to the nearer one (at or below 2048 is `low`, at or below 8192
/// `medium`, above that `high`).
pub const THINKING_BUDGETS: [(&str, u64); 3] = [("low", 1024), ("medium", 4096), ("high", 16384)];

/// A converted body, and what did not come through as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The converted body, as JSON text. Text rather than a
    /// `serde_json::Value` so that what passes through (tool schemas, tool
    /// inputs, fields neither protocol defines) keeps its key order and
    /// spelling.
    pub json: String,
    /// Every place where the result differs from a faithful copy, in the
    /// order of the input. Empty when converting back gives the input again.
    pub dropped: Vec<Loss>,
}

/// One thing a conversion could not carry over as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// Where, as a path into the **input**: `"n"`,
    /// `"messages[2].content[0].image_url.detail"`.
    pub path: String,
    /// What happened to it.
    pub kind: LossKind,
    /// Why, readable on its own.
    pub reason: String,
}

/// What happened to something a conversion could not carry over as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LossKind {
    /// Left out: the target protocol has nothing to hold it.
    Dropped,
    /// Carried as the nearest equivalent, which means something slightly
    /// different (a reasoning effort as a token budget, a developer message
    /// in the system prompt, a default `max_tokens`).
    Approximated,
    /// Carried unchanged although the target may refuse it (a temperature
    /// above Messages' maximum of 1).
    Unsupported,
    /// Carried with the same meaning, but converting back gives another
    /// shape (`max_completion_tokens` comes back as `max_tokens`, a string
    /// `stop` as a list).
    Reshaped,
}

impl LossKind {
    /// The kind's name in the JSON report: `dropped`, `approximated`,
    /// `unsupported` or `reshaped`.
    pub fn as_str(self) -> &'static str {
        match self {
            LossKind::Dropped => "dropped",
            LossKind::Approximated => "approximated",
            LossKind::Unsupported => "unsupported",
            LossKind::Reshaped => "reshaped",
        }
    }
}

/// A loss report as JSON text: `[{"path":…,"kind":…,"reason":…},…]`.
///
/// ```
/// use modelwire::convert::{Loss, LossKind, losses_json};
/// let loss = Loss { path: "n".into(), kind: LossKind::Dropped, reason: "one reply".into() };
/// assert_eq!(losses_json(&[loss]), r#"[{"path":"n","kind":"dropped","reason":"one reply"}]"#);
/// ```
pub fn losses_json(losses: &[Loss]) -> String {
    let mut out = String::from("[");
    for (i, loss) in losses.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        crate::json::write_str(&mut out, &loss.path);
        out.push_str(",\"kind\":\"");
        out.push_str(loss.kind.as_str());
        out.push_str("\",\"reason\":");
        crate::json::write_str(&mut out, &loss.reason);
        out.push('}');
    }
    out.push(']');
    out
}

impl Converted {
    /// The result and its report as one JSON text,
    /// `{"value":<json>,"dropped":[…]}`, so that a caller across a language
    /// boundary parses both at once.
    ///
    /// ```
    /// let c = modelwire::convert::chat_to_messages_request(r#"{"model":"m","messages":[],"max_tokens":9}"#).unwrap();
    /// assert_eq!(c.envelope_json(), r#"{"value":{"model":"m","max_tokens":9,"messages":[]},"dropped":[]}"#);
    /// ```
    pub fn envelope_json(&self) -> String {
        [
            "{\"value\":",
            &self.json,
            ",\"dropped\":",
            &losses_json(&self.dropped),
            "}",
        ]
        .concat()
    }
}

/// Why a body could not be converted at all. Anything short of this is
/// converted, with what could not be carried listed in
/// [`Converted::dropped`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConvertError {
    /// The input is not JSON.
    InvalidJson {
        /// What the JSON parser said.
        reason: String,
        /// The start of the input, for the error message.
        excerpt: String,
    },
    /// The input is JSON but not an object.
    NotAnObject,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::InvalidJson { reason, excerpt } => {
                write!(f, "cannot convert: not JSON ({reason}): {excerpt}")
            }
            ConvertError::NotAnObject => f.write_str("cannot convert: not a JSON object"),
        }
    }
}

impl std::error::Error for ConvertError {}
