//! The JavaScript binding: adapts the core to JS and holds no protocol logic.
//!
//! - [`sse`]: `SseDecoder`, the byte-level SSE decoder as a JS class.
//! - [`chat`]: `ChatStream`, Chat Completions decoding and accumulation.
//! - [`error`]: the one conversion from core errors to JS `Error` objects.

mod chat;
mod error;
mod sse;

pub use chat::ChatStream;
pub use sse::{SseDecoder, SseDecoderOptions};
