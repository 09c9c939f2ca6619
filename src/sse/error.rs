//! The decoder's one error type.

use std::fmt;

/// Which buffer went over the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferKind {
    /// A single line (field name, colon and value) with no terminator yet.
    Line,
    /// The data of one event, joined across its `data` lines.
    Event,
}

/// Why the decoder stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseError {
    /// A line or an event grew past `max_buffer_bytes`. The decoder refuses
    /// further input: a stream this malformed cannot be resynchronised safely.
    TooLarge {
        /// What grew too large.
        kind: BufferKind,
        /// The configured cap, in bytes.
        limit: usize,
    },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::TooLarge { kind, limit } => {
                let what = match kind {
                    BufferKind::Line => "line",
                    BufferKind::Event => "event",
                };
                write!(
                    f,
                    "SSE {what} exceeds maxBufferBytes ({limit} bytes); the stream was stopped"
                )
            }
        }
    }
}

impl std::error::Error for SseError {}
