//! Anthropic Messages streaming: events in, one `message` out.
//!
//! [`MessagesAccumulator`] takes each SSE event of a `/v1/messages` stream
//! and folds it into the final Message, by the rules the official SDKs
//! agree on (see `../shared/conformance/README.md`): `message_start` gives
//! the snapshot, `content_block_start` sets `content[index]`, text and
//! thinking deltas append, `signature_delta` assigns, tool input JSON is
//! buffered and parsed at `content_block_stop`, `citations_delta` appends,
//! `message_delta` assigns its fields and merges the usage keys it carries,
//! `ping` is ignored and an `error` event fails the stream with the partial
//! message kept. A [`MessagesSink`] hears each delta as it is applied.
//!
//! Events are parsed in one pass with strings borrowed from the event data;
//! keys this module does not know are kept as raw JSON and carried into the
//! result, and event types it does not know are handed to the sink and kept
//! ([`MessagesAccumulator::unknown_events`]) rather than dropped.
//!
//! A stream may end early: without `message_stop` (SDK fixtures whose last
//! blank line is missing, a dropped connection) or with a tool block whose
//! input JSON never got its `content_block_stop` (a `max_tokens` cut). Both
//! finish cleanly: [`MessagesAccumulator::message_json`] gives what arrived,
//! with `"input": null` for an unterminated tool block, and the flags
//! ([`MessagesAccumulator::saw_message_stop`],
//! [`MessagesAccumulator::unterminated_tool_json`]) say what was missing.

mod accumulate;
mod event;

pub use accumulate::{Flow, MessagesAccumulator, MessagesStreamError};

/// Hears what each event changes, as it is applied. Every method has an
/// empty default, so a sink implements only what it shows. Block indices
/// are the stream's `index` values.
pub trait MessagesSink {
    /// `message_start` arrived: the message's id, model and so on are known.
    fn message_start(&mut self) {}
    /// A content block of type `kind` started at `index` (`""` when the
    /// block has no `type`).
    fn block_start(&mut self, _index: u32, _kind: &str) {}
    /// The block that started at `index` is a tool call (`tool_use`,
    /// `server_tool_use`, `mcp_tool_use`), with its id and name when given.
    fn tool_use(&mut self, _index: u32, _id: Option<&str>, _name: Option<&str>) {}
    /// Text appended to a block's `text`.
    fn text(&mut self, _index: u32, _delta: &str) {}
    /// Text appended to a thinking block's `thinking`.
    fn thinking(&mut self, _index: u32, _delta: &str) {}
    /// A thinking block's `signature`, assigned whole.
    fn signature(&mut self, _index: u32, _signature: &str) {}
    /// A non-empty fragment of a tool block's input JSON. The fragments
    /// concatenate to [`MessagesAccumulator::tool_input_json`].
    fn input_json(&mut self, _index: u32, _fragment: &str) {}
    /// One citation appended to a block's `citations`, as raw JSON.
    fn citation(&mut self, _index: u32, _citation: &str) {}
    /// A delta of a type this module does not know (`compaction_delta`, …),
    /// as raw JSON; its fields were assigned onto the block.
    fn other_delta(&mut self, _index: u32, _kind: &str, _delta: &str) {}
    /// The block at `index` is complete (its tool input, if any, parsed).
    fn block_stop(&mut self, _index: u32) {}
    /// `message_delta` set the stop reason.
    fn stop_reason(&mut self, _reason: &str) {}
    /// The usage so far, as a raw JSON object: `message_start`'s, with each
    /// key a `message_delta` carries merged over it.
    fn usage(&mut self, _usage: &str) {}
    /// `message_stop` arrived: the message is complete.
    fn message_stop(&mut self) {}
    /// A `ping` (keep-alive) arrived; it changes nothing.
    fn ping(&mut self) {}
    /// An event of a type this module does not know, with its data as
    /// received (JSON for a well-formed event). `event_type` is the data's
    /// `type`, else the SSE event name, else `"message"`.
    fn unknown_event(&mut self, _event_type: &str, _data: &str) {}
}

/// A sink that ignores everything.
impl MessagesSink for () {}
