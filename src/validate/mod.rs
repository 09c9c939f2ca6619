//! Request validation before any network call: a body that the server would
//! reject for its shape is rejected here, with an error naming the field.
//!
//! [`validate_chat_request`] checks a `/chat/completions` body and
//! [`validate_messages_request`] a `/v1/messages` body. Both take the JSON
//! text the client is about to send and never change it: fields they do not
//! know pass untouched, and so do content-part and block types they do not
//! know. A `null` for an optional parameter reads as absent (the OpenAI API
//! accepts `null` for every optional parameter).
//!
//! On success they return a [`RequestSummary`] of what the request uses
//! (tools, a JSON schema, images, reasoning, the output token cap), which a
//! capability check against the model catalog can consume without parsing
//! the body again.
//!
//! ```
//! use modelwire::validate::{validate_chat_request, validate_messages_request};
//! let err = validate_chat_request(
//!     r#"{"model":"m","messages":[{"role":"tool","content":"72F"}]}"#,
//! )
//! .unwrap_err();
//! assert_eq!(err.field, "messages[0].tool_call_id");
//! assert_eq!(err.to_string(), "invalid request: messages[0].tool_call_id: is required");
//!
//! let summary = validate_messages_request(
//!     r#"{"model":"m","max_tokens":1024,"messages":[{"role":"user","content":"Hello!"}]}"#,
//! )
//! .unwrap();
//! assert_eq!(summary.max_output_tokens, Some(1024));
//! ```

mod chat;
mod fields;
mod messages;

pub use chat::{validate_chat_request, validate_chat_value};
pub use messages::{validate_messages_request, validate_messages_value};

use std::fmt;

/// A request the server would reject, found before sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// Where, as a JSON path from the body: `"model"`,
    /// `"messages[2].tool_call_id"`, `"tools[0].function.parameters"`.
    /// Empty when the body as a whole is wrong (not JSON, not an object).
    pub field: String,
    /// What is wrong, readable on its own: `"is required"`,
    /// `"expected a string, got a number"`, `"must be between 0 and 2, got 3"`.
    pub message: String,
}

impl ValidationError {
    pub(crate) fn new(field: String, message: impl Into<String>) -> ValidationError {
        ValidationError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    /// `invalid request: {field}: {message}`, or `invalid request: {message}`
    /// for the body as a whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "invalid request: {}", self.message)
        } else {
            write!(f, "invalid request: {}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ValidationError {}

/// What a valid request asks of the model, for capability checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestSummary {
    /// The `model` slug.
    pub model: String,
    /// At least one tool is declared (`tools`, or legacy `functions`).
    pub uses_tools: bool,
    /// Structured output with a schema: `response_format.type` is
    /// `json_schema` (Chat Completions), or `output_format` /
    /// `output_config.format` has type `json_schema` (Messages).
    pub uses_json_schema: bool,
    /// JSON mode: `response_format.type` is `json_object` (also the seed's
    /// legacy form that nests a `json_schema` under it).
    pub uses_json_object: bool,
    /// An image part or block anywhere in the conversation.
    pub has_images: bool,
    /// An `input_audio` part anywhere in the conversation (Chat Completions).
    pub has_audio: bool,
    /// Reasoning asked for: `reasoning_effort` (other than `"none"`) or
    /// `enable_thinking`/`thinking: true` in `chat_template_args` /
    /// `chat_template_kwargs` (Chat Completions); `thinking.type` `enabled`
    /// or `adaptive` (Messages).
    pub reasoning_requested: bool,
    /// The output cap: `max_completion_tokens`, else `max_tokens` (Chat
    /// Completions, as vLLM reads them); `max_tokens` (Messages).
    pub max_output_tokens: Option<u64>,
    /// `stream` is `true`.
    pub stream: bool,
}
