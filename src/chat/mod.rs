//! Chat Completions streaming: chunks in, one `chat.completion` out.
//!
//! [`ChatAccumulator`] takes the `data` of each SSE event of a
//! `/chat/completions` stream and folds it into the final completion, by the
//! rules the official SDKs agree on (see `../shared/conformance/README.md`):
//! choices and tool calls keyed by `index`, text fields concatenated, ids and
//! names assigned but never cleared by `""` or `null`, usage from the last
//! chunk that has one, and everything after `[DONE]` ignored. A [`ChatSink`]
//! hears each delta as it is applied, which is what a streaming UI needs.
//!
//! Chunks are parsed in one pass with strings borrowed from the event data;
//! fields this module does not know are kept as raw JSON and carried into
//! the result, the way openai-node's accumulator keeps them.

mod accumulate;
mod chunk;

pub use accumulate::{ChatAccumulator, ChatStreamError, Flow};

/// Hears what each chunk changes, as it is applied. Every method has an
/// empty default, so a sink implements only what it shows.
pub trait ChatSink {
    /// Text appended to `message.content` of choice `choice`.
    fn content(&mut self, _choice: u32, _delta: &str) {}
    /// Text appended to `message.refusal`.
    fn refusal(&mut self, _choice: u32, _delta: &str) {}
    /// Reasoning text (`reasoning_content`, or `reasoning` when a server
    /// sends only that name).
    fn reasoning(&mut self, _choice: u32, _delta: &str) {}
    /// A tool call appeared at `index`, with its id and name when known.
    fn tool_call(&mut self, _choice: u32, _index: u32, _id: Option<&str>, _name: Option<&str>) {}
    /// Text appended to a tool call's `arguments` (or a custom tool's `input`).
    fn tool_arguments(&mut self, _choice: u32, _index: u32, _delta: &str) {}
    /// The choice finished, for `reason`.
    fn finish(&mut self, _choice: u32, _reason: &str) {}
    /// A `usage` object, as raw JSON (Baseten sends a running total on every chunk).
    fn usage(&mut self, _usage: &str) {}
}

/// A sink that ignores everything.
impl ChatSink for () {}
