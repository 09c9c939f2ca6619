//! The JavaScript binding: adapts the core to JS and holds no protocol logic.
//!
//! - [`sse`]: `SseDecoder`, the byte-level SSE decoder as a JS class.
//! - [`chat`]: `ChatStream`, Chat Completions decoding and accumulation.
//! - [`client`]: `ClientCore` (requests, errors), `RetryLoop`, `PartialJson` for `js/client.js`.
//! - [`messages`]: `MessagesStream`, Anthropic Messages decoding and accumulation.
//! - [`error`]: the one conversion from core errors to JS `Error` objects.

mod chat;
mod client;
mod error;
mod messages;
mod sse;
mod step;

pub use chat::{ChatStream, ChatStreamOptions};
pub use client::{ClientCore, PartialJson, RetryLoop};
pub use messages::MessagesStream;
pub use sse::{SseDecoder, SseDecoderOptions};
