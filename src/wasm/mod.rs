//! The JavaScript binding: adapts the core to JS and holds no protocol logic.
//!
//! - [`sse`]: `SseDecoder`, the byte-level SSE decoder as a JS class.
//! - [`error`]: the one conversion from core errors to JS `Error` objects.

mod error;
mod sse;

pub use sse::{SseDecoder, SseDecoderOptions};
